// (proxy, snapshot) -> that proxy's whole configuration. Pure: no I/O, no clocks.

import type { NodeInfo } from '../../xds/discovery.js';
import type { ProxyConfig } from '../../xds/proxy-config.js';
import type { Snapshot } from '../model/snapshot.js';
import { buildGateway } from './gateway.js';
import { buildInbound } from './inbound.js';
import { buildOutbound } from './outbound.js';
import { egressHosts, egressListeners, scopeOutbound, sidecarFor } from './sidecar-scope.js';
import { addListeners, addParts } from '../../xds/resources.js';

export class UnknownProxyError extends Error {}

/** Outbound configuration depends only on (snapshot, namespace): computed once for all proxies of a namespace. */
const outboundCache = new WeakMap<Snapshot, Map<string, ReturnType<typeof buildOutbound>>>();

function outboundFor(snapshot: Snapshot, namespace: string): ReturnType<typeof buildOutbound> {
  let byNs = outboundCache.get(snapshot);
  if (!byNs) outboundCache.set(snapshot, (byNs = new Map()));
  let out = byNs.get(namespace);
  if (!out) byNs.set(namespace, (out = buildOutbound(snapshot, namespace)));
  return out;
}

/** A proxy's configuration in two parts: what every proxy of its namespace and role shares, and its own. */
interface Parts {
  out: ReturnType<typeof buildOutbound>;
  own: Omit<ProxyConfig, 'version' | 'clusters' | 'routes' | 'outbound'> & {
    policy: ProxyConfig['outbound']['policy'];
    clusters: ProxyConfig['clusters'];
    routes: ProxyConfig['routes'];
  };
}

function translateParts(node: NodeInfo, snapshot: Snapshot): Parts {
  const pod = snapshot.pods.get(`${node.namespace}/${node.podName}`);
  if (!pod) throw new UnknownProxyError(`no pod ${node.namespace}/${node.podName} for proxy ${node.id}`);
  let out = outboundFor(snapshot, pod.namespace);
  if (node.role === 'router') {
    const gw = buildGateway(pod, snapshot);
    return { out, own: { role: 'router', self: pod.workload, policy: 'ALLOW_ANY', inbound: [], gateway: gw.gateway, egress: [], clusters: {}, routes: gw.routes } };
  }
  const inb = buildInbound(pod, snapshot);
  const sidecar = sidecarFor(pod, snapshot);
  const scope = egressHosts(sidecar);
  if (scope) out = scopeOutbound(out, scope, pod.namespace);
  const egress = egressListeners(sidecar, pod, out.routes);
  return {
    out,
    own: {
      role: 'sidecar', self: pod.workload, policy: sidecar?.spec?.outboundTrafficPolicy?.mode ?? 'ALLOW_ANY',
      inbound: inb.inbound, gateway: [], egress: egress.listeners, clusters: inb.clusters, routes: egress.routes,
    },
  };
}

export function translateProxy(node: NodeInfo, snapshot: Snapshot): Omit<ProxyConfig, 'version'> {
  const { out, own } = translateParts(node, snapshot);
  const router = own.role === 'router';
  return {
    role: own.role,
    self: own.self,
    // Gateways route by their own configuration; they share only the clusters.
    outbound: { targets: router ? {} : out.targets, policy: own.policy },
    inbound: own.inbound,
    gateway: own.gateway,
    egress: own.egress,
    routes: router ? own.routes : { ...out.routes, ...own.routes },
    clusters: { ...out.clusters, ...own.clusters },
  };
}

/**
 * The same configuration as resources, split into the part shared by every sidecar (or gateway) of a
 * namespace, computed and serialized once per snapshot, and the part that is this proxy's own.
 */
export function translateResources(node: NodeInfo, snapshot: Snapshot): { shared: Map<string, string>; own: Map<string, string> } {
  const { out, own } = translateParts(node, snapshot);
  const entries = new Map<string, string>();
  addListeners(entries, { ...own, outbound: { policy: own.policy } });
  addParts(entries, own.clusters, {}, own.routes);
  return { shared: sharedFor(out, own.role), own: entries };
}

const sharedCache = new WeakMap<object, Map<string, Map<string, string>>>();

function sharedFor(out: ReturnType<typeof buildOutbound>, role: 'sidecar' | 'router'): Map<string, string> {
  let byRole = sharedCache.get(out);
  if (!byRole) sharedCache.set(out, (byRole = new Map()));
  let m = byRole.get(role);
  if (!m) {
    m = new Map();
    if (role === 'router') addParts(m, out.clusters, {}, {});
    else addParts(m, out.clusters, out.targets, out.routes);
    byRole.set(role, m);
  }
  return m;
}
