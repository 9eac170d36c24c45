// `proxy-config clusters`: istioctl's cluster summary over Weft's ProxyConfig clusters.

import type { Cluster, ProxyConfig } from '../../xds/proxy-config.js';
import { goTabwriter } from '../printers/go-tabwriter.js';

/** istioctl's cluster filters: each a substring test on the cluster name, as istioctl's. */
export interface ClusterFilter {
  fqdn?: string;
  port?: number;
  subset?: string;
  direction?: string;
}

export function clusterMatches(c: Cluster, f: ClusterFilter): boolean {
  if (f.fqdn && !c.name.includes(f.fqdn)) return false;
  if (f.direction && !c.name.includes(f.direction)) return false;
  if (f.subset && !c.name.includes(f.subset)) return false;
  if (f.port && !c.name.includes(`|${f.port}|`)) return false;
  return true;
}

/** direction|port|subset|fqdn for names of that shape (inbound|9080|| has an empty fqdn), else the name alone. */
export interface ClusterKey {
  direction: string;
  port: number;
  subset: string;
  fqdn: string;
  parsed: boolean;
}

export function parseClusterName(name: string): ClusterKey {
  const parts = name.split('|');
  if (parts.length > 3) return { direction: parts[0]!, port: Number(parts[1]) || 0, subset: parts[2]!, fqdn: parts.slice(3).join('|'), parsed: true };
  return { direction: '', port: 0, subset: '', fqdn: name, parsed: false };
}

/** Ordered by fqdn, subset, port, direction, as istioctl sorts. */
export function compareClusterNames(a: string, b: string): number {
  const x = parseClusterName(a);
  const y = parseClusterName(b);
  return cmp(x.fqdn, y.fqdn) || cmp(x.subset, y.subset) || x.port - y.port || cmp(x.direction, y.direction);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Envoy's discovery type for the cluster Istio would have made. */
export function clusterType(c: Cluster): string {
  if (c.kind === 'blackhole') return 'STATIC';
  if (c.kind === 'passthrough' || c.kind === 'inbound') return 'ORIGINAL_DST';
  return c.dns ? 'STRICT_DNS' : 'EDS';
}

export function selectClusters(config: ProxyConfig, f: ClusterFilter): Cluster[] {
  return Object.values(config.clusters)
    .filter((c) => clusterMatches(c, f))
    .sort((a, b) => compareClusterNames(a.name, b.name));
}

export function clusterTable(config: ProxyConfig, f: ClusterFilter): string {
  const rows = [['SERVICE FQDN', 'PORT', 'SUBSET', 'DIRECTION', 'TYPE', 'DESTINATION RULE']];
  for (const c of selectClusters(config, f)) {
    const k = parseClusterName(c.name);
    const dr = c.destinationRule ?? '';
    if (k.parsed) rows.push([k.fqdn, String(k.port), k.subset || '-', k.direction, clusterType(c), dr]);
    else rows.push([c.name, '-', '-', '-', clusterType(c), dr]);
  }
  return goTabwriter(rows, 5);
}
