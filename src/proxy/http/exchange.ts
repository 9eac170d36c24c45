// One request/response as the proxy sees it, whatever carries it (HTTP/1.1 engine or HTTP/2),
// and the routing decision that sends it somewhere: shared by both, so they route, count and log alike.

import { PASSTHROUGH_CLUSTER, type Cluster, type RouteConfig, type ServiceRef, type VirtualHost, type Route, type WorkloadMeta } from '../../xds/proxy-config.js';
import { localReplies, type LocalReply } from '../errors/respond.js';
import type { ProxyState } from '../proxy-state.js';
import type { HostState } from '../upstream/load-balancer.js';
import type { RequestView } from '../routing/request-view.js';
import { pickWeighted, selectRoute } from '../routing/route-match.js';

/** What a listener knows about a downstream connection. */
export interface ConnectionInfo {
  direction: 'inbound' | 'outbound' | 'gateway';
  /** Outbound: the address the app asked for (a service address, or anything else). */
  originalDestination?: { host: string; port: number };
  /** Route configuration for outbound (by port) and gateway listeners. */
  routeName?: string;
  /** Inbound: the cluster that reaches the app, and the service the port serves. */
  inboundCluster?: string;
  inboundService?: ServiceRef;
  /** Address the connection arrived at, for the access log. */
  localAddress: string;
  remoteAddress: string;
}

export interface Exchange {
  startTime: number;
  t0: number;
  method: string;
  path: string;
  protocol: string;
  authority: string;
  requestId: string;
  routeName: string;
  cluster?: Cluster;
  host?: HostState;
  upstreamHost: string;
  upstreamLocal: string;
  upstreamServiceTime?: number;
  status: number;
  flags: string;
  details: string;
  bytesIn: number;
  bytesOut: number;
  finished: boolean;
  userAgent?: string;
  forwardedFor?: string;
  /** The peer's x-envoy-peer-metadata (inbound). */
  peerMetadata?: string;
  grpc: boolean;
}

export function newExchange(method: string, path: string, protocol: string, authority: string, requestId: string, t0: number): Exchange {
  return {
    startTime: Date.now(), t0, method, path, protocol, authority, requestId,
    routeName: '-', upstreamHost: '-', upstreamLocal: '-', status: 0, flags: '-', details: '-',
    bytesIn: 0, bytesOut: 0, finished: false, grpc: false,
  };
}

export function matchVirtualHost(rc: RouteConfig | undefined, authority: string): VirtualHost | undefined {
  if (!rc) return undefined;
  const host = authority.toLowerCase();
  const colon = host.lastIndexOf(':');
  const bare = colon > 0 && host.indexOf(']') < colon ? host.slice(0, colon) : host;
  // Exact domains first; then the most specific wildcard (longest suffix), "*" last, as Envoy orders them.
  let wildcard: VirtualHost | undefined;
  let wildLen = -1;
  for (const vh of rc.virtualHosts) {
    for (const d of vh.domains) {
      if (d === host || d === bare) return vh;
      if (d === '*') {
        if (wildLen < 0) {
          wildcard = vh;
          wildLen = 0;
        }
      } else if (d.startsWith('*.') && bare.endsWith(d.slice(1)) && d.length > wildLen) {
        wildcard = vh;
        wildLen = d.length;
      }
    }
  }
  return wildcard;
}

export function matchRoute(vh: VirtualHost, req: RequestView, self: WorkloadMeta | undefined): Route | undefined {
  return selectRoute(vh, req, self);
}

/** A request view with no headers beyond method, path and authority (for callers that have none to offer). */
function bareView(ex: Exchange): RequestView {
  return { method: ex.method, path: ex.path, authority: ex.authority, scheme: 'http', header: () => undefined };
}

export type RouteDecision =
  | { reply: LocalReply }
  | { target: { host: string; port: number }; decorator?: string };

const passthroughCluster: Cluster = { name: PASSTHROUGH_CLUSTER, kind: 'passthrough', protocol: 'auto', lb: 'PASSTHROUGH', connectTimeoutMs: 10_000, endpoints: [] };

/** Route -> cluster -> endpoint, filling in the exchange's route name, cluster and host. */
export function routeRequest(state: ProxyState, info: ConnectionInfo, ex: Exchange, view: RequestView = bareView(ex)): RouteDecision {
  const config = state.config;
  let clusterName: string | undefined;
  let decorator: string | undefined;
  if (info.direction === 'inbound') {
    clusterName = info.inboundCluster;
    ex.routeName = 'default';
    decorator = info.inboundService ? `${info.inboundService.host}:${info.inboundService.port}/*` : undefined;
  } else {
    const vh = matchVirtualHost(config?.routes[info.routeName ?? ''], ex.authority);
    if (!vh) {
      if (info.direction === 'outbound' && config?.outbound.policy !== 'REGISTRY_ONLY' && info.originalDestination) {
        ex.routeName = 'allow_any';
        ex.cluster = passthroughCluster;
        ex.upstreamHost = `${info.originalDestination.host}:${info.originalDestination.port}`;
        return { target: info.originalDestination };
      }
      return { reply: localReplies.noRoute() };
    }
    const route = matchRoute(vh, view, config?.self);
    if (!route?.action) return { reply: localReplies.noRoute() };
    clusterName = route.action.cluster ?? pickWeighted(route.action.weightedClusters ?? [])?.cluster;
    ex.routeName = route.name;
    decorator = route.decorator;
  }
  const cs = clusterName ? state.clusters.get(clusterName) : undefined;
  if (!cs) return { reply: info.direction === 'inbound' ? localReplies.noRoute() : localReplies.clusterNotFound() };
  ex.cluster = cs.config;
  const host = state.clusters.pick(cs);
  if (!host) return { reply: localReplies.noHealthyUpstream() };
  ex.host = host;
  ex.upstreamHost = host.key;
  return { target: { host: host.endpoint.address, port: host.endpoint.port }, ...(decorator ? { decorator } : {}) };
}

/** Connections to pods leave from this pod's address, as they would from its network namespace. */
export function sourceAddress(host: string, podIP: string): { localAddress?: string } {
  return host.startsWith('127.') && podIP.startsWith('127.') ? { localAddress: podIP } : {};
}
