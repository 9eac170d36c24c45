// Outbound configuration: one cluster per service port and one per DestinationRule subset, HTTP routes
// by port selecting virtual hosts by Host header (a VirtualService's rules, or the default route), and
// the service addresses the sidecar recognises.

import {
  outboundClusterName, type Cluster, type OutboundTarget, type Route, type RouteConfig, type VirtualHost,
} from '../../xds/proxy-config.js';
import { isHttp } from '../model/protocol.js';
import type { ServiceModel, Snapshot } from '../model/snapshot.js';
import { clusterPolicy, destinationRuleFor, inSubset, withPolicy } from './destination-rules.js';
import { httpRoutes, type RouteContext } from './http-routes.js';
import { buildServiceEntries } from './service-entries.js';
import { l4Routes, meshVirtualServiceFor } from './virtual-services.js';

export const CONNECT_TIMEOUT_MS = 10_000;

export interface OutboundParts {
  clusters: Record<string, Cluster>;
  routes: Record<string, RouteConfig>;
  targets: Record<string, OutboundTarget>;
}

/** Host header values that reach a service from a proxy in `fromNamespace`, as Istio lists a virtual host's domains. */
export function serviceDomains(svc: ServiceModel, port: number, fromNamespace: string | undefined): string[] {
  const names = [svc.host, `${svc.name}.${svc.namespace}.svc`, `${svc.name}.${svc.namespace}`];
  if (fromNamespace === svc.namespace) names.push(svc.name);
  if (svc.clusterIP) names.push(svc.clusterIP);
  const out: string[] = [];
  for (const n of names) out.push(n, `${n}:${port}`);
  return out;
}

export function clusterFor(svc: ServiceModel, portIndex: number): Cluster {
  const p = svc.ports[portIndex]!;
  return {
    name: outboundClusterName(p.port, '', svc.host),
    kind: 'outbound',
    service: { host: svc.host, name: svc.name, namespace: svc.namespace, port: p.port },
    protocol: p.protocol === 'http2' || p.protocol === 'grpc' ? 'http2' : p.protocol === 'http' ? 'http1' : isHttp(p.protocol) ? 'http1' : p.protocol === 'auto' ? 'auto' : 'tcp',
    lb: 'LEAST_REQUEST',
    connectTimeoutMs: CONNECT_TIMEOUT_MS,
    endpoints: p.endpoints,
  };
}

/** A service port's cluster and its DestinationRule subsets' clusters, with the rule's policies, as `fromNamespace` sees them. */
function serviceClusters(svc: ServiceModel, portIndex: number, fromNamespace: string, snapshot: Snapshot): Cluster[] {
  const base = clusterFor(svc, portIndex);
  const port = base.service!.port;
  const rule = destinationRuleFor(svc.host, fromNamespace, snapshot);
  if (!rule) return [base];
  const out = [withPolicy({ ...base, destinationRule: rule.name }, clusterPolicy(rule.trafficPolicy, port))];
  for (const subset of rule.subsets) {
    out.push(withPolicy(
      { ...base, destinationRule: rule.name, name: outboundClusterName(port, subset.name, svc.host), subset: subset.name, endpoints: base.endpoints.filter((e) => inSubset(subset, e.workload.labels)) },
      clusterPolicy(rule.trafficPolicy, port, subset.trafficPolicy),
    ));
  }
  return out;
}

export function buildOutbound(snapshot: Snapshot, fromNamespace: string | undefined): OutboundParts {
  const clusters: Record<string, Cluster> = {};
  const routes: Record<string, RouteConfig> = {};
  const targets: Record<string, OutboundTarget> = {};
  const ns = fromNamespace ?? 'default';
  for (const svc of snapshot.services) {
    const vs = meshVirtualServiceFor(svc.host, ns, snapshot);
    svc.ports.forEach((p, i) => {
      const own = serviceClusters(svc, i, ns, snapshot);
      for (const c of own) clusters[c.name] = c;
      const cluster = own[0]!;
      const routeName = String(p.port);
      const ctx: RouteContext = { gateway: 'mesh', port: p.port, snapshot };
      const http = isHttp(p.protocol) || p.protocol === 'auto';
      if (http) {
        const rc = (routes[routeName] ??= { name: routeName, virtualHosts: [] });
        // With a VirtualService that has http rules, its routes alone decide (nothing matched: 404 NR).
        const vsRoutes: Route[] | undefined = vs?.spec?.http?.length ? httpRoutes(vs, ctx) : undefined;
        const vh: VirtualHost = {
          name: `${svc.host}:${p.port}`,
          domains: serviceDomains(svc, p.port, fromNamespace),
          routes: vsRoutes ?? [{ name: 'default', match: { prefix: '/' }, action: { cluster: cluster.name }, decorator: `${svc.host}:${p.port}/*` }],
        };
        rc.virtualHosts.push(vh);
      }
      if (svc.clusterIP) {
        const tcp = !http && vs?.spec?.tcp?.length ? l4Routes(vs, ctx, 'tcp') : [];
        const tls = p.protocol === 'tls' || p.protocol === 'https' ? (vs?.spec?.tls?.length ? l4Routes(vs, ctx, 'tls') : []) : [];
        const l4 = [...tls, ...tcp];
        targets[`${svc.clusterIP}:${p.port}`] = {
          protocol: p.protocol,
          ...(http ? { route: routeName } : {}),
          cluster: cluster.name,
          ...(l4.length ? { l4Routes: l4 } : {}),
        };
      }
    });
  }
  // ServiceEntries add what the registry lacks; a Kubernetes service of the same name and port keeps its own.
  const se = buildServiceEntries(snapshot, ns);
  for (const c of se.clusters) clusters[c.name] ??= c;
  for (const [key, t] of Object.entries(se.targets)) targets[key] ??= t;
  for (const { route, vh } of se.virtualHosts) {
    const rc = (routes[route] ??= { name: route, virtualHosts: [] });
    if (!rc.virtualHosts.some((x) => x.name === vh.name)) rc.virtualHosts.push(vh);
  }
  return { clusters, routes, targets };
}
