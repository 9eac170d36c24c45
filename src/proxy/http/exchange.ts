// One request/response as the proxy sees it, whatever codec carries it (what telemetry counts and
// logs), and the route lookup the router calls to send it somewhere.

import { PASSTHROUGH_CLUSTER, type Cluster, type RouteConfig, type VirtualHost, type Route, type WeightedCluster } from '../../xds/proxy-config.js';
import type { RequestView } from '../routing/request-view.js';
import { pickWeighted, selectRoute } from '../routing/route-match.js';
import { localReplies, type LocalReply, type ResponseFlags } from '../local-reply/local-reply.js';
import type { ProxyState } from '../proxy-state.js';
import type { HostState } from '../upstream/load-balancer.js';
import type { ConnectionInfo } from './connection-info.js';

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
  flags: ResponseFlags;
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



export type RouteDecision =
  | { reply: LocalReply; route?: Route }
  /** A cluster by name; the upstream layer picks its endpoint. `weighted`: the weighted cluster chosen. */
  | { cluster: string; decorator?: string; route?: Route; weighted?: WeightedCluster }
  /** Outbound traffic to an address outside the mesh's routes (ALLOW_ANY): straight to where the app dialled. */
  | { passthrough: { host: string; port: number } };

export const passthroughCluster: Cluster = { name: PASSTHROUGH_CLUSTER, kind: 'passthrough', protocol: 'auto', lb: 'PASSTHROUGH', connectTimeoutMs: 10_000, endpoints: [] };

/** Route lookup: the route and cluster for a request, filling in the exchange's route name. */
export function routeRequest(state: ProxyState, info: ConnectionInfo, ex: Exchange, view: RequestView): RouteDecision {
  if (info.direction === 'inbound') {
    ex.routeName = 'default';
    if (!info.inboundCluster) return { reply: localReplies.noRoute() };
    return info.inboundService ? { cluster: info.inboundCluster, decorator: `${info.inboundService.host}:${info.inboundService.port}/*` } : { cluster: info.inboundCluster };
  }
  const config = state.config;
  const vh = matchVirtualHost(config?.routes[info.routeName ?? ''], ex.authority);
  if (!vh) {
    if (info.direction === 'outbound' && config?.outbound.policy !== 'REGISTRY_ONLY' && info.originalDestination) {
      ex.routeName = 'allow_any';
      return { passthrough: info.originalDestination };
    }
    return { reply: localReplies.noRoute() };
  }
  const route = selectRoute(vh, view, config?.self);
  if (!route) return { reply: localReplies.noRoute() };
  ex.routeName = route.name;
  if (route.redirect) return { reply: localReplies.redirect(route.redirect, view), route };
  if (route.directResponse) return { reply: localReplies.directResponse(route.directResponse), route };
  if (!route.action) return { reply: localReplies.noRoute(), route };
  const weighted = route.action.cluster === undefined ? pickWeighted(route.action.weightedClusters ?? []) : undefined;
  const cluster = route.action.cluster ?? weighted?.cluster;
  if (!cluster) return { reply: localReplies.noHealthyUpstream(), route };
  return { cluster, route, ...(weighted ? { weighted } : {}), ...(route.decorator ? { decorator: route.decorator } : {}) };
}
