// A proxy's configuration as named resources, so a push carries only what changed (like Envoy's
// delta xDS): "cluster/NAME", "vhost/ROUTE/NAME" (one virtual host of a route configuration, as
// VHDS splits them), "route/NAME" (the route configuration itself, empty of hosts), "target/IP:PORT"
// and "listeners" (role, identity, outbound policy, inbound, gateway and egress listeners).

import type { Cluster, EgressListener, GatewayListener, InboundPort, OutboundTarget, ProxyConfig, VirtualHost, WorkloadMeta } from './proxy-config.js';

interface ListenersResource {
  role: ProxyConfig['role'];
  self: WorkloadMeta;
  policy: ProxyConfig['outbound']['policy'];
  inbound: InboundPort[];
  gateway: GatewayListener[];
  egress: EgressListener[];
}

const jsonCache = new WeakMap<object, string>();

/** JSON of an object, computed once per object: resources shared by many proxies are serialized once. */
function json(o: object): string {
  let s = jsonCache.get(o);
  if (s === undefined) {
    s = JSON.stringify(o);
    jsonCache.set(o, s);
  }
  return s;
}

/** The resources of a configuration, each as its JSON text. */
export function resourceEntries(c: Omit<ProxyConfig, 'version'>): Map<string, string> {
  const out = new Map<string, string>();
  addListeners(out, c);
  addParts(out, c.clusters, c.outbound.targets, c.routes);
  return out;
}

export function addListeners(out: Map<string, string>, c: Pick<ProxyConfig, 'role' | 'self' | 'inbound' | 'gateway' | 'egress'> & { outbound: { policy: ProxyConfig['outbound']['policy'] } }): void {
  const listeners: ListenersResource = { role: c.role, self: c.self, policy: c.outbound.policy, inbound: c.inbound, gateway: c.gateway, egress: c.egress ?? [] };
  out.set('listeners', JSON.stringify(listeners));
}

/** Adds clusters, targets and route configurations (split into virtual hosts) to a resource map. */
export function addParts(out: Map<string, string>, clusters: Record<string, Cluster>, targets: Record<string, OutboundTarget>, routes: ProxyConfig['routes']): void {
  for (const name in clusters) out.set(`cluster/${name}`, json(clusters[name]!));
  for (const key in targets) out.set(`target/${key}`, json(targets[key]!));
  for (const name in routes) {
    const rc = routes[name]!;
    out.set(`route/${name}`, `{"name":${JSON.stringify(name)}}`);
    // No position in the resource: inserting a host must not change every other one. Matching does not
    // depend on order (exact domains are unique; the most specific wildcard wins).
    for (const vh of rc.virtualHosts) out.set(`vhost/${name}/${vh.name}`, json(vh));
  }
}

/** What changed from one resource map to another: entries as `"name":json` texts, and removed names. */
export interface ResourceDiff {
  parts: string[];
  removed: string[];
}

export function diffResources(prev: Map<string, string> | undefined, next: Map<string, string>): ResourceDiff {
  const parts: string[] = [];
  for (const [key, value] of next) if (prev?.get(key) !== value) parts.push(`${JSON.stringify(key)}:${value}`);
  const removed: string[] = [];
  if (prev) for (const key of prev.keys()) if (!next.has(key)) removed.push(key);
  return { parts, removed };
}

/** Rebuilds the configuration a proxy uses from the resources it holds. */
export function assembleConfig(held: Map<string, unknown>, version: string): ProxyConfig {
  const l = held.get('listeners') as ListenersResource | undefined;
  if (!l) throw new Error('no listeners resource');
  const clusters: Record<string, Cluster> = {};
  const targets: Record<string, OutboundTarget> = {};
  const routes: ProxyConfig['routes'] = {};
  const vhosts: Array<[string, VirtualHost]> = [];
  for (const [key, value] of held) {
    const slash = key.indexOf('/');
    const kind = slash < 0 ? key : key.slice(0, slash);
    const rest = key.slice(slash + 1);
    if (kind === 'cluster') clusters[rest] = value as Cluster;
    else if (kind === 'target') targets[rest] = value as OutboundTarget;
    else if (kind === 'route') routes[rest] = { name: rest, virtualHosts: [] };
    else if (kind === 'vhost') vhosts.push([rest.slice(0, rest.indexOf('/')), value as VirtualHost]);
  }
  vhosts.sort((a, b) => (a[1].name < b[1].name ? -1 : a[1].name > b[1].name ? 1 : 0));
  for (const [route, vh] of vhosts) (routes[route] ??= { name: route, virtualHosts: [] }).virtualHosts.push(vh);
  return {
    version,
    role: l.role,
    self: l.self,
    outbound: { targets, policy: l.policy },
    inbound: l.inbound,
    gateway: l.gateway,
    egress: l.egress,
    routes,
    clusters,
  };
}
