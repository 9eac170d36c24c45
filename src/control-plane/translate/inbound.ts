// Inbound configuration: the ports of this pod the sidecar listens on (its containers' ports and the
// target ports of services that select it), each forwarded to the app on the pod's own loopback address.

import { inboundClusterName, type Cluster, type InboundPort, type Protocol } from '../../xds/proxy-config.js';
import { labelsMatch, type PodModel, type Snapshot } from '../model/snapshot.js';
import { portProtocol } from '../model/protocol.js';

const PROXY_PORTS = new Set([15000, 15001, 15004, 15006, 15008, 15020, 15021, 15053, 15090]);

export function buildInbound(pod: PodModel, snapshot: Snapshot): { inbound: InboundPort[]; clusters: Record<string, Cluster> } {
  const ports = new Map<number, InboundPort>();
  const containers = pod.resource.spec?.containers.filter((c) => c.name !== 'istio-proxy') ?? [];
  const byName = new Map<string, number>();
  for (const c of containers) for (const p of c.ports ?? []) if (p.name) byName.set(p.name, p.containerPort);
  for (const svc of snapshot.services) {
    if (svc.namespace !== pod.namespace || !labelsMatch(svc.selector, pod.labels)) continue;
    for (const tp of svc.targetPorts) {
      const port = typeof tp.targetPort === 'number' ? tp.targetPort : /^\d+$/.test(tp.targetPort) ? Number(tp.targetPort) : byName.get(tp.targetPort);
      if (port === undefined || ports.has(port) || PROXY_PORTS.has(port)) continue;
      ports.set(port, {
        port,
        protocol: tp.protocol,
        cluster: inboundClusterName(port),
        service: { host: svc.host, name: svc.name, namespace: svc.namespace, port: tp.port },
      });
    }
  }
  for (const c of containers) {
    for (const p of c.ports ?? []) {
      if (ports.has(p.containerPort) || PROXY_PORTS.has(p.containerPort) || (p.protocol ?? 'TCP') !== 'TCP') continue;
      const protocol: Protocol = portProtocol(p.name);
      ports.set(p.containerPort, { port: p.containerPort, protocol, cluster: inboundClusterName(p.containerPort) });
    }
  }
  const clusters: Record<string, Cluster> = {};
  for (const ip of ports.values()) {
    clusters[ip.cluster] = {
      name: ip.cluster,
      kind: 'inbound',
      protocol: ip.protocol === 'http2' || ip.protocol === 'grpc' ? 'http2' : ip.protocol === 'http' ? 'http1' : ip.protocol === 'auto' ? 'auto' : 'tcp',
      lb: 'ROUND_ROBIN',
      connectTimeoutMs: 10_000,
      endpoints: pod.loopbackIP ? [{ address: pod.loopbackIP, port: ip.port, meshed: false, workload: pod.workload }] : [],
    };
  }
  return { inbound: [...ports.values()].sort((a, b) => a.port - b.port), clusters };
}
