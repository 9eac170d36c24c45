// Host names as Istio reads them in VirtualServices and DestinationRules: short names are relative to
// the resource's namespace, "*" and "*.suffix" are wildcards, and exportTo limits who sees a resource.

import type { Resource } from '../../config/resource.js';
import type { Snapshot } from '../model/snapshot.js';

/** The fully qualified name of a host written in a resource of `namespace` ("reviews" -> reviews.NS.svc.cluster.local). */
export function resolveHost(host: string, namespace: string, snapshot: Snapshot): string {
  if (host.startsWith('*')) return host;
  if (host.includes('.')) {
    const hit = snapshot.services.find((s) => s.host === host || `${s.name}.${s.namespace}` === host || `${s.name}.${s.namespace}.svc` === host);
    return hit?.host ?? host;
  }
  return `${host}.${namespace}.svc.cluster.local`;
}

/** Whether `pattern` ("*", "*.example.com" or a name) covers `host`; a wildcard host is covered by a wider or equal one. */
export function hostMatches(pattern: string, host: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*.')) {
    const suffix = pattern.slice(1);
    return host.endsWith(suffix) && (host.startsWith('*.') ? host.length >= pattern.length : host.length > suffix.length);
  }
  return pattern === host;
}

/** Either side may be the wildcard (a Gateway server's hosts against a VirtualService's hosts). */
export function hostsIntersect(a: string, b: string): boolean {
  return hostMatches(a, b) || hostMatches(b, a);
}

/** How specific a host pattern is: exact names before wildcards, longer suffixes first. */
export function hostSpecificity(pattern: string): number {
  if (pattern === '*') return 0;
  return pattern.startsWith('*.') ? pattern.length : 1_000_000 + pattern.length;
}

/** Whether a resource with spec.exportTo is visible from `fromNamespace` (absent: everywhere). */
export function exportedTo(r: Resource<{ exportTo?: string[] }>, fromNamespace: string): boolean {
  const list = r.spec?.exportTo;
  if (!list || list.length === 0) return true;
  return list.some((e) => e === '*' || (e === '.' && r.metadata.namespace === fromNamespace) || e === fromNamespace);
}
