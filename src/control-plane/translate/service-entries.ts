// ServiceEntries: hosts outside the Kubernetes registry (external APIs, VMs) as clusters, service
// addresses and virtual hosts, as the sidecars of a namespace see them. Resolution decides the
// endpoints: STATIC lists addresses (or selects pods and WorkloadEntries), DNS names are resolved
// when the proxy connects, NONE forwards to whatever address the application dialled.

import type { ServiceEntrySpec } from '../../config/istio/service-entry.js';
import type { WorkloadEntrySpec } from '../../config/istio/workload-entry.js';
import type { Resource } from '../../config/resource.js';
import { outboundClusterName, type Cluster, type Endpoint, type OutboundTarget, type Route, type RouteConfig, type WorkloadMeta } from '../../xds/proxy-config.js';
import { isHttp, portProtocol } from '../model/protocol.js';
import { labelsMatch, type Snapshot } from '../model/snapshot.js';
import { CLUSTER_ID } from '../model/workload.js';
import { clusterPolicy, destinationRuleFor, inSubset, withPolicy } from './destination-rules.js';
import { exportedTo } from './hosts.js';
import { httpRoutes } from './http-routes.js';
import { l4Routes, meshVirtualServiceFor } from './virtual-services.js';

type SE = Resource<ServiceEntrySpec>;

const CONNECT_TIMEOUT_MS = 10_000;

/** Telemetry identity of an endpoint outside Kubernetes: the host names the service, the workload is unknown. */
function externalWorkload(host: string, namespace: string, labels: Record<string, string>): WorkloadMeta {
  return {
    workload: 'unknown', namespace, serviceAccount: '', principal: '', app: labels.app ?? 'unknown', version: labels.version ?? 'unknown',
    canonicalService: host, canonicalRevision: 'latest', cluster: CLUSTER_ID, podName: '', labels,
  };
}

function endpointsFor(se: SE, host: string, port: { number: number; name: string; targetPort?: number | undefined }, snapshot: Snapshot): Endpoint[] {
  const spec = se.spec!;
  const ns = se.metadata.namespace!;
  const resolution = spec.resolution ?? 'NONE';
  if (resolution === 'NONE') return [];
  const target = (e: WorkloadEntrySpec): number => e.ports?.[port.name] ?? port.targetPort ?? port.number;
  if (spec.workloadSelector) {
    // Pods and WorkloadEntries of the namespace that the selector picks.
    const out: Endpoint[] = [];
    for (const pod of snapshot.pods.values()) {
      if (pod.namespace !== ns || !pod.ip || !labelsMatch(spec.workloadSelector.labels, pod.labels)) continue;
      out.push({ address: pod.ip, port: port.targetPort ?? port.number, meshed: pod.meshed, workload: pod.workload });
    }
    for (const we of (snapshot.config.get('WorkloadEntry') ?? []) as Array<Resource<WorkloadEntrySpec>>) {
      if (we.metadata.namespace !== ns || !we.spec?.address || !labelsMatch(spec.workloadSelector.labels, we.spec.labels ?? {})) continue;
      out.push({ address: we.spec.address, port: target(we.spec), meshed: false, workload: externalWorkload(host, ns, we.spec.labels ?? {}) });
    }
    return out;
  }
  const listed = spec.endpoints ?? [];
  if (listed.length === 0) {
    // DNS without endpoints: the host itself, resolved when connecting.
    return resolution === 'STATIC' ? [] : [{ address: host, port: port.targetPort ?? port.number, meshed: false, workload: externalWorkload(host, ns, {}) }];
  }
  return listed.filter((e) => e.address).map((e) => ({ address: e.address!, port: target(e), meshed: false, workload: externalWorkload(host, ns, e.labels ?? {}) }));
}

export interface ServiceEntryParts {
  clusters: Cluster[];
  targets: Record<string, OutboundTarget>;
  /** Virtual hosts to add to the route configuration of a port. */
  virtualHosts: Array<{ route: string; vh: RouteConfig['virtualHosts'][number] }>;
}

/** What the ServiceEntries visible from `fromNamespace` add to its sidecars' outbound configuration. */
export function buildServiceEntries(snapshot: Snapshot, fromNamespace: string): ServiceEntryParts {
  const out: ServiceEntryParts = { clusters: [], targets: {}, virtualHosts: [] };
  const seen = new Set<string>();
  for (const se of (snapshot.config.get('ServiceEntry') ?? []) as SE[]) {
    const spec = se.spec;
    if (!spec || !exportedTo(se, fromNamespace)) continue;
    const resolution = spec.resolution ?? 'NONE';
    for (const host of spec.hosts) {
      const vs = meshVirtualServiceFor(host, fromNamespace, snapshot);
      const rule = destinationRuleFor(host, fromNamespace, snapshot);
      for (const p of spec.ports ?? []) {
        const name = outboundClusterName(p.number, '', host);
        // The oldest ServiceEntry for a host and port wins, as Istio keeps the first.
        if (seen.has(name)) continue;
        seen.add(name);
        const protocol = portProtocol(p.protocol?.toLowerCase() ?? p.name);
        const base: Cluster = {
          name,
          kind: resolution === 'NONE' ? 'passthrough' : 'outbound',
          service: { host, name: host, namespace: se.metadata.namespace!, port: p.number },
          protocol: protocol === 'http2' || protocol === 'grpc' ? 'http2' : isHttp(protocol) ? 'http1' : protocol === 'auto' ? 'auto' : 'tcp',
          lb: resolution === 'NONE' ? 'PASSTHROUGH' : 'LEAST_REQUEST',
          connectTimeoutMs: CONNECT_TIMEOUT_MS,
          ...(resolution === 'DNS' || resolution === 'DNS_ROUND_ROBIN' ? { dns: true } : {}),
          endpoints: endpointsFor(se, host, p, snapshot),
        };
        if (rule) {
          out.clusters.push(withPolicy({ ...base, destinationRule: rule.name }, clusterPolicy(rule.trafficPolicy, p.number)));
          for (const subset of rule.subsets) {
            out.clusters.push(withPolicy(
              { ...base, destinationRule: rule.name, name: outboundClusterName(p.number, subset.name, host), subset: subset.name, endpoints: base.endpoints.filter((e) => inSubset(subset, e.workload.labels)) },
              clusterPolicy(rule.trafficPolicy, p.number, subset.trafficPolicy),
            ));
          }
        } else out.clusters.push(base);
        const routeName = String(p.number);
        const http = isHttp(protocol);
        const ctx = { gateway: 'mesh', port: p.number, snapshot };
        if (http) {
          const vsRoutes: Route[] | undefined = vs?.spec?.http?.length ? httpRoutes(vs, ctx) : undefined;
          out.virtualHosts.push({
            route: routeName,
            vh: { name: `${host}:${p.number}`, domains: [host, `${host}:${p.number}`], routes: vsRoutes ?? [{ name: 'default', match: { prefix: '/' }, action: { cluster: name }, decorator: `${host}:${p.number}/*` }] },
          });
        }
        const l4 = !http && vs ? [...(vs.spec?.tls?.length ? l4Routes(vs, ctx, 'tls') : []), ...(vs.spec?.tcp?.length ? l4Routes(vs, ctx, 'tcp') : [])] : [];
        for (const a of spec.addresses ?? []) {
          // A single address (or a /32) is a service address the sidecar recognises; wider CIDRs are not kept.
          const ip = a.endsWith('/32') ? a.slice(0, -3) : a;
          if (ip.includes('/')) continue;
          out.targets[`${ip}:${p.number}`] = { protocol, ...(http ? { route: routeName } : {}), cluster: name, ...(l4.length ? { l4Routes: l4 } : {}) };
        }
      }
    }
  }
  return out;
}
