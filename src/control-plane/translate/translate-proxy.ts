// (proxy, snapshot) -> that proxy's whole configuration. Pure: no I/O, no clocks.

import type { NodeInfo } from '../../xds/discovery.js';
import type { ProxyConfig } from '../../xds/proxy-config.js';
import type { Snapshot } from '../model/snapshot.js';
import { buildGateway } from './gateway.js';
import { buildInbound } from './inbound.js';
import { buildOutbound } from './outbound.js';
import { egressListeners, sidecarFor } from './sidecar-scope.js';
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

export function translateProxy(node: NodeInfo, snapshot: Snapshot): Omit<ProxyConfig, 'version'> {
  const pod = snapshot.pods.get(`${node.namespace}/${node.podName}`);
  if (!pod) throw new UnknownProxyError(`no pod ${node.namespace}/${node.podName} for proxy ${node.id}`);
  const out = outboundFor(snapshot, pod.namespace);
  if (node.role === 'router') {
    const gw = buildGateway(pod, snapshot);
    return {
      role: 'router',
      self: pod.workload,
      outbound: { targets: {}, policy: 'ALLOW_ANY' },
      inbound: [],
      gateway: gw.gateway,
      egress: [],
      routes: gw.routes,
      clusters: out.clusters,
    };
  }
  const inb = buildInbound(pod, snapshot);
  const sidecar = sidecarFor(pod, snapshot);
  const egress = egressListeners(sidecar, pod, out.routes);
  return {
    role: 'sidecar',
    self: pod.workload,
    outbound: { targets: out.targets, policy: sidecar?.spec?.outboundTrafficPolicy?.mode ?? 'ALLOW_ANY' },
    inbound: inb.inbound,
    gateway: [],
    egress: egress.listeners,
    routes: { ...out.routes, ...egress.routes },
    clusters: { ...out.clusters, ...inb.clusters },
  };
}

/**
 * The same configuration as resources, split into the part shared by every sidecar (or gateway) of a
 * namespace, computed and serialized once per snapshot, and the part that is this proxy's own.
 */
export function translateResources(node: NodeInfo, snapshot: Snapshot): { shared: Map<string, string>; own: Map<string, string> } {
  const pod = snapshot.pods.get(`${node.namespace}/${node.podName}`);
  if (!pod) throw new UnknownProxyError(`no pod ${node.namespace}/${node.podName} for proxy ${node.id}`);
  const out = outboundFor(snapshot, pod.namespace);
  const own = new Map<string, string>();
  if (node.role === 'router') {
    const gw = buildGateway(pod, snapshot);
    addListeners(own, { role: 'router', self: pod.workload, outbound: { policy: 'ALLOW_ANY' }, inbound: [], gateway: gw.gateway, egress: [] });
    addParts(own, {}, {}, gw.routes);
    return { shared: sharedFor(out, 'router'), own };
  }
  const inb = buildInbound(pod, snapshot);
  const sidecar = sidecarFor(pod, snapshot);
  const egress = egressListeners(sidecar, pod, out.routes);
  addListeners(own, { role: 'sidecar', self: pod.workload, outbound: { policy: sidecar?.spec?.outboundTrafficPolicy?.mode ?? 'ALLOW_ANY' }, inbound: inb.inbound, gateway: [], egress: egress.listeners });
  addParts(own, inb.clusters, {}, egress.routes);
  return { shared: sharedFor(out, 'sidecar'), own };
}

const sharedCache = new WeakMap<object, Map<string, Map<string, string>>>();

function sharedFor(out: ReturnType<typeof buildOutbound>, role: 'sidecar' | 'router'): Map<string, string> {
  let byRole = sharedCache.get(out);
  if (!byRole) sharedCache.set(out, (byRole = new Map()));
  let m = byRole.get(role);
  if (!m) {
    m = new Map();
    // Gateways route by their own configuration; they share only the clusters.
    if (role === 'router') addParts(m, out.clusters, {}, {});
    else addParts(m, out.clusters, out.targets, out.routes);
    byRole.set(role, m);
  }
  return m;
}
