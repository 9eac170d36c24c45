// An immutable view of the mesh at one moment: services with their endpoints, pods, and Istio config.
// Translation reads only this, so it stays a pure function of (proxy, snapshot).

import type { PodSpec } from '../../config/k8s/pod.js';
import type { ServiceSpec } from '../../config/k8s/service.js';
import type { Resource } from '../../config/resource.js';
import type { Endpoint, Protocol, WorkloadMeta } from '../../xds/proxy-config.js';
import type { ResourceIndex } from '../ingest/resource-index.js';
import { portProtocol } from './protocol.js';
import { hasSidecar, workloadMeta } from './workload.js';

export interface ServicePortModel {
  name?: string;
  port: number;
  protocol: Protocol;
  /** Ready endpoints for this port. */
  endpoints: Endpoint[];
}

export interface ServiceModel {
  name: string;
  namespace: string;
  /** svc.ns.svc.cluster.local */
  host: string;
  clusterIP?: string;
  selector?: Record<string, string>;
  ports: ServicePortModel[];
  /** Service port -> target (container) port per pod name, for inbound. */
  targetPorts: Array<{ port: number; name?: string; targetPort: number | string; protocol: Protocol }>;
  type: string;
  loadBalancerIP?: string;
}

export interface PodModel {
  name: string;
  namespace: string;
  ip?: string;
  loopbackIP?: string;
  labels: Record<string, string>;
  meshed: boolean;
  workload: WorkloadMeta;
  resource: Resource<PodSpec>;
}

export interface Snapshot {
  version: number;
  services: ServiceModel[];
  pods: Map<string, PodModel>;
  namespaces: Map<string, Record<string, string>>;
  config: Map<string, Resource[]>;
}

interface EndpointSubset {
  addresses?: Array<{ ip: string; targetRef?: { name: string; namespace: string } }>;
  ports: Array<{ name?: string; port: number }>;
}

export function buildSnapshot(index: ResourceIndex, version: number): Snapshot {
  const pods = new Map<string, PodModel>();
  for (const p of index.list('Pod') as Array<Resource<PodSpec, { podIP?: string; podLoopbackIP?: string }>>) {
    if (p.metadata.deletionTimestamp) continue;
    pods.set(`${p.metadata.namespace}/${p.metadata.name}`, {
      name: p.metadata.name,
      namespace: p.metadata.namespace!,
      ...(p.status?.podIP ? { ip: p.status.podIP } : {}),
      ...(p.status?.podLoopbackIP ? { loopbackIP: p.status.podLoopbackIP } : {}),
      labels: p.metadata.labels ?? {},
      meshed: hasSidecar(p),
      workload: workloadMeta(p),
      resource: p,
    });
  }
  const services: ServiceModel[] = [];
  for (const s of index.list('Service') as Array<Resource<ServiceSpec, { loadBalancer?: { ingress?: Array<{ ip?: string }> } }>>) {
    const spec = s.spec ?? {};
    const ns = s.metadata.namespace!;
    const ep = index.get('Endpoints', ns, s.metadata.name);
    const subsets = (ep?.subsets as EndpointSubset[] | undefined) ?? [];
    const ports: ServicePortModel[] = (spec.ports ?? []).map((sp) => {
      const endpoints: Endpoint[] = [];
      for (const sub of subsets) {
        const p = sub.ports.find((x) => (sp.name ? x.name === sp.name : true));
        if (!p) continue;
        for (const a of sub.addresses ?? []) {
          const pod = a.targetRef ? pods.get(`${a.targetRef.namespace}/${a.targetRef.name}`) : undefined;
          if (!pod) continue;
          endpoints.push({ address: a.ip, port: p.port, meshed: pod.meshed, workload: pod.workload });
        }
      }
      return { ...(sp.name ? { name: sp.name } : {}), port: sp.port, protocol: portProtocol(sp.name, sp.appProtocol), endpoints };
    });
    services.push({
      name: s.metadata.name,
      namespace: ns,
      host: `${s.metadata.name}.${ns}.svc.cluster.local`,
      ...(spec.clusterIP && spec.clusterIP !== 'None' ? { clusterIP: spec.clusterIP } : {}),
      ...(spec.selector ? { selector: spec.selector } : {}),
      ports,
      targetPorts: (spec.ports ?? []).map((sp) => ({ port: sp.port, ...(sp.name ? { name: sp.name } : {}), targetPort: sp.targetPort ?? sp.port, protocol: portProtocol(sp.name, sp.appProtocol) })),
      type: spec.type ?? 'ClusterIP',
      ...(s.status?.loadBalancer?.ingress?.[0]?.ip ? { loadBalancerIP: s.status.loadBalancer.ingress[0].ip } : {}),
    });
  }
  services.sort((a, b) => a.host.localeCompare(b.host));
  const namespaces = new Map<string, Record<string, string>>();
  for (const n of index.list('Namespace')) namespaces.set(n.metadata.name, n.metadata.labels ?? {});
  const config = new Map<string, Resource[]>();
  for (const kind of ['VirtualService', 'DestinationRule', 'Gateway', 'ServiceEntry', 'WorkloadEntry', 'Sidecar', 'PeerAuthentication', 'AuthorizationPolicy', 'RequestAuthentication', 'Telemetry']) {
    config.set(kind, index.list(kind).sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '')));
  }
  return { version, services, pods, namespaces, config };
}

export function labelsMatch(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  // Called for every (service, proxy) pair on every push: no allocation.
  for (const k in selector) if (labels[k] !== selector[k]) return false;
  return true;
}
