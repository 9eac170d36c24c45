// Outbound configuration: one cluster per service port, HTTP routes by port selecting virtual hosts
// by Host header, and the service addresses the sidecar recognises.

import {
  outboundClusterName, type Cluster, type OutboundTarget, type RouteConfig, type VirtualHost,
} from '../../xds/proxy-config.js';
import { isHttp } from '../model/protocol.js';
import type { ServiceModel, Snapshot } from '../model/snapshot.js';

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

export function buildOutbound(snapshot: Snapshot, fromNamespace: string | undefined): OutboundParts {
  const clusters: Record<string, Cluster> = {};
  const routes: Record<string, RouteConfig> = {};
  const targets: Record<string, OutboundTarget> = {};
  for (const svc of snapshot.services) {
    svc.ports.forEach((p, i) => {
      const cluster = clusterFor(svc, i);
      clusters[cluster.name] = cluster;
      const routeName = String(p.port);
      if (isHttp(p.protocol) || p.protocol === 'auto') {
        const rc = (routes[routeName] ??= { name: routeName, virtualHosts: [] });
        const vh: VirtualHost = {
          name: `${svc.host}:${p.port}`,
          domains: serviceDomains(svc, p.port, fromNamespace),
          routes: [{ name: 'default', match: { prefix: '/' }, action: { cluster: cluster.name }, decorator: `${svc.host}:${p.port}/*` }],
        };
        rc.virtualHosts.push(vh);
      }
      if (svc.clusterIP) {
        targets[`${svc.clusterIP}:${p.port}`] = {
          protocol: p.protocol,
          ...(isHttp(p.protocol) || p.protocol === 'auto' ? { route: routeName } : {}),
          cluster: cluster.name,
        };
      }
    });
  }
  return { clusters, routes, targets };
}
