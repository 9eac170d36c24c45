// The Sidecar resource that applies to a proxy (its workloadSelector matches, else the namespace's
// selector-less one), and what it sets: the outbound traffic policy and explicit egress listeners
// (`bind` + `captureMode: NONE`), where an application connects to the sidecar on purpose.

import type { SidecarSpec } from '../../config/istio/sidecar.js';
import type { Resource } from '../../config/resource.js';
import type { Cluster, EgressListener, OutboundTarget, RouteConfig } from '../../xds/proxy-config.js';
import { labelsMatch, type PodModel, type Snapshot } from '../model/snapshot.js';
import { portProtocol } from '../model/protocol.js';

export function sidecarFor(pod: PodModel, snapshot: Snapshot): Resource<SidecarSpec> | undefined {
  const inNs = ((snapshot.config.get('Sidecar') ?? []) as Array<Resource<SidecarSpec>>).filter((s) => s.metadata.namespace === pod.namespace);
  return inNs.find((s) => s.spec?.workloadSelector && labelsMatch(s.spec.workloadSelector.labels, pod.labels)) ?? inNs.find((s) => !s.spec?.workloadSelector);
}

/** Whether a virtual host (named "HOST:PORT") is visible under Sidecar egress hosts like "./*", "*\/*", "ns/host". */
function visible(vhName: string, hosts: string[], fromNs: string, nsOf: (host: string) => string = (h) => h.split('.')[1] ?? ''): boolean {
  const host = vhName.slice(0, vhName.lastIndexOf(':'));
  return hostVisible(host, nsOf(host), hosts, fromNs);
}

function hostVisible(host: string, ns: string, hosts: string[], fromNs: string): boolean {
  return hosts.some((h) => {
    const [hns, hname] = [h.slice(0, h.indexOf('/')), h.slice(h.indexOf('/') + 1)];
    const nsOk = hns === '*' || (hns === '.' ? ns === fromNs : hns === ns);
    const nameOk = hname === '*' || hname === host || (hname.startsWith('*.') && host.endsWith(hname.slice(1)));
    return hns !== '~' && nsOk && nameOk;
  });
}

export function egressListeners(sidecar: Resource<SidecarSpec> | undefined, pod: PodModel, routes: Record<string, RouteConfig>): { listeners: EgressListener[]; routes: Record<string, RouteConfig> } {
  const listeners: EgressListener[] = [];
  const extra: Record<string, RouteConfig> = {};
  for (const e of sidecar?.spec?.egress ?? []) {
    if (!e.port?.number || e.captureMode !== 'NONE') continue;
    const name = `egress.${e.port.number}`;
    const base = routes[String(e.port.number)];
    extra[name] = { name, virtualHosts: (base?.virtualHosts ?? []).filter((vh) => visible(vh.name, e.hosts, pod.namespace)) };
    listeners.push({ bind: e.bind ?? '127.0.0.1', port: e.port.number as number, protocol: portProtocol(e.port.protocol?.toLowerCase() ?? e.port.name), route: name });
  }
  return { listeners, routes: extra };
}

/** The egress hosts a Sidecar limits its workloads to (from listeners that capture), or undefined for no limit. */
export function egressHosts(sidecar: Resource<SidecarSpec> | undefined): string[] | undefined {
  const listeners = (sidecar?.spec?.egress ?? []).filter((e) => e.captureMode !== 'NONE');
  return listeners.length ? listeners.flatMap((e) => e.hosts) : undefined;
}

/**
 * The outbound configuration limited to the services a Sidecar's egress hosts name: other services are
 * unknown to the workload, so their traffic takes the outbound traffic policy (passthrough or blocked).
 */
export function scopeOutbound<T extends { clusters: Record<string, Cluster>; routes: Record<string, RouteConfig>; targets: Record<string, OutboundTarget> }>(out: T, hosts: string[], fromNs: string): T {
  const nsOfHost = new Map<string, string>();
  for (const c of Object.values(out.clusters)) if (c.service) nsOfHost.set(c.service.host, c.service.namespace);
  const nsOf = (h: string): string => nsOfHost.get(h) ?? h.split('.')[1] ?? '';
  const clusters: Record<string, Cluster> = {};
  for (const [name, c] of Object.entries(out.clusters)) if (!c.service || hostVisible(c.service.host, c.service.namespace, hosts, fromNs)) clusters[name] = c;
  const routes: Record<string, RouteConfig> = {};
  for (const [name, rc] of Object.entries(out.routes)) routes[name] = { ...rc, virtualHosts: rc.virtualHosts.filter((vh) => visible(vh.name, hosts, fromNs, nsOf)) };
  const targets: Record<string, OutboundTarget> = {};
  for (const [key, t] of Object.entries(out.targets)) if (!t.cluster || clusters[t.cluster]) targets[key] = t;
  return { ...out, clusters, routes, targets };
}
