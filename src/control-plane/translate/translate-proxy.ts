// (proxy, snapshot) -> that proxy's whole configuration. Pure: no I/O, no clocks.

import type { NodeInfo } from '../../xds/discovery.js';
import type { ProxyConfig } from '../../xds/proxy-config.js';
import type { Snapshot } from '../model/snapshot.js';
import { buildGateway } from './gateway.js';
import { buildInbound } from './inbound.js';
import { buildOutbound } from './outbound.js';
import { egressListeners, sidecarFor } from './sidecar-scope.js';

export class UnknownProxyError extends Error {}

export function translateProxy(node: NodeInfo, snapshot: Snapshot): Omit<ProxyConfig, 'version'> {
  const pod = snapshot.pods.get(`${node.namespace}/${node.podName}`);
  if (!pod) throw new UnknownProxyError(`no pod ${node.namespace}/${node.podName} for proxy ${node.id}`);
  const out = buildOutbound(snapshot, pod.namespace);
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
