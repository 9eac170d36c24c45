// The terminal filter: route -> cluster -> endpoint -> upstream request. Route lookup is one call
// (routeRequest); endpoint choice, in-flight counting and the upstream protocol belong to the
// upstream layer. The request body follows the headers upstream as it arrives.

import type { HashPolicy, MirrorPolicy, ProxyConfig } from '../../xds/proxy-config.js';
import { passthroughCluster } from '../http/exchange.js';
import { applyMutation, rewritePath } from '../routing/route-action.js';
import type { FilterCallbacks, HttpFilter } from '../http/filter-chain.js';
import type { HeaderView } from '../codec/header-view.js';
import { percentHit } from '../routing/route-match.js';
import { localReplies } from '../local-reply/local-reply.js';
import { DISCARD, upstreamProtocol, type UpstreamTarget } from '../upstream/upstream.js';

/**
 * Every route says what it does. A route may name a cluster that is not (yet) there: such requests
 * get 503 NC, as Envoy's routes from RDS.
 */
function checkConfig(c: ProxyConfig): string[] {
  const errors: string[] = [];
  for (const [name, rc] of Object.entries(c.routes ?? {})) {
    for (const vh of rc.virtualHosts ?? []) {
      for (const r of vh.routes ?? []) {
        const does = [r.action, r.redirect, r.directResponse].filter((x) => x !== undefined).length;
        if (does !== 1) errors.push(`route ${name}/${vh.name}/${r.name}: needs exactly one of action, redirect and directResponse`);
        if (r.action && !r.action.cluster && !r.action.weightedClusters?.length) errors.push(`route ${name}/${vh.name}/${r.name}: action without a cluster`);
      }
    }
  }
  return errors;
}

export const router: HttpFilter = {
  name: 'router',
  checkConfig,
  decodeHeaders(s, headers, endStream) {
    const ex = s.exchange;
    const route = s.route(headers);
    if ('reply' in route) {
      s.sendLocalReply(route.reply);
      return 'stop';
    }
    const upstream = s.state.clusters;
    let target: UpstreamTarget;
    if ('passthrough' in route) {
      const to = route.passthrough;
      ex.cluster = passthroughCluster;
      ex.upstreamHost = `${to.host}:${to.port}`;
      target = { address: to, cluster: passthroughCluster, host: undefined, protocol: 'http1' };
    } else {
      const cs = upstream.get(route.cluster);
      if (!cs) {
        s.sendLocalReply(s.info.direction === 'inbound' ? localReplies.noRoute() : localReplies.clusterNotFound());
        return 'stop';
      }
      ex.cluster = cs.config;
      const host = upstream.pick(cs, cs.config.hashPolicy ? hashKey(cs.config.hashPolicy, headers, ex.path, s.info.remoteAddress) : undefined);
      if (!host) {
        s.sendLocalReply(localReplies.noHealthyUpstream());
        return 'stop';
      }
      ex.host = host;
      ex.upstreamHost = host.key;
      if (route.decorator) s.decorator = route.decorator;
      target = { address: { host: host.endpoint.address, port: host.endpoint.port }, cluster: cs.config, host, protocol: 'http1' };
    }
    // Istio has Envoy count attempts on outbound and gateway routes (include_attempt_count_in_request);
    // the one inbound passes the caller's count on. Without retries, every request is attempt 1.
    if (s.info.direction !== 'inbound') headers.set('x-envoy-attempt-count', '1');
    // An Upgrade needs HTTP/1.1 upstream: after a 101 the connection carries the new protocol.
    target.protocol = s.upgrade ? 'http1' : upstreamProtocol(target.cluster, s.downstreamProtocol);
    let path = ex.path;
    let authority = ex.authority;
    if ('cluster' in route && route.route) {
      const r = route.route;
      const action = r.action!;
      applyMutation(headers, r.requestHeaders);
      applyMutation(headers, route.weighted?.requestHeaders);
      path = rewritePath(r.match, action, path);
      if (action.hostRewrite) {
        authority = action.hostRewrite;
        // HTTP/1.1 upstreams take the Host header as it came; h2 ones send :authority instead.
        if (headers.has('host')) headers.set('host', authority);
      }
      // A route's timeout answers 504 UT if the response has not started by then (Istio's default: none).
      if (action.timeoutMs) s.responseTimeout(action.timeoutMs, () => s.sendLocalReply(localReplies.upstreamTimeout()));
    }
    if ('cluster' in route && route.route?.action?.mirrors && !s.upgrade) mirror(s, route.route.action.mirrors, path, authority, headers, endStream);
    const request = upstream.request(target, s.upstreamCallbacks);
    s.startUpstream(request);
    request.sendHeaders(ex.method, path, authority, headers, endStream, s.upgrade);
    return 'continue';
  },
  encodeHeaders(s, _status, headers) {
    // The route's response header changes, on what the upstream answered (not on local replies).
    if (s.localReply) return 'continue';
    const route = s.routed;
    if (route && 'cluster' in route && route.route) {
      applyMutation(headers, route.route.responseHeaders);
      applyMutation(headers, route.weighted?.responseHeaders);
    }
    return 'continue';
  },
  decodeData(s, data, endStream) {
    // Mirrors get the body too; they never hold the request back.
    for (const m of s.shadows) m.sendData(data, endStream);
    const up = s.upstream;
    if (up && !up.sendData(data, endStream)) s.pauseRequestBody();
    return 'continue';
  },
};

/**
 * Sends a copy of the request to each mirror cluster its percentage selects, Host with "-shadow"
 * appended (before any port), as Envoy's request mirroring: the answer is dropped and nothing the
 * mirror does reaches the client.
 */
function mirror(s: FilterCallbacks, mirrors: MirrorPolicy[], path: string, authority: string, headers: HeaderView, endStream: boolean): void {
  const upstream = s.state.clusters;
  for (const m of mirrors) {
    if (!percentHit(m.percentage)) continue;
    const cs = upstream.get(m.cluster);
    const host = cs ? upstream.pick(cs) : undefined;
    if (!cs || !host) continue;
    const colon = authority.lastIndexOf(':');
    const shadow = colon > 0 && !authority.endsWith(']') ? `${authority.slice(0, colon)}-shadow${authority.slice(colon)}` : `${authority}-shadow`;
    const copy = s.newHeaders();
    headers.forEach((name, value) => copy.add(name, value));
    if (copy.has('host')) copy.set('host', shadow);
    const target: UpstreamTarget = { address: { host: host.endpoint.address, port: host.endpoint.port }, cluster: cs.config, host, protocol: upstreamProtocol(cs.config, s.downstreamProtocol) };
    const req = upstream.request(target, DISCARD);
    s.shadows.push(req);
    req.sendHeaders(s.exchange.method, path, shadow, copy, endStream, false);
  }
}

/** What a consistent-hash cluster hashes a request on (DestinationRule consistentHash); absent: any endpoint. */
export function hashKey(policy: HashPolicy, headers: HeaderView, path: string, remoteAddress: string): string | undefined {
  if ('header' in policy) return headers.get(policy.header);
  if ('sourceIp' in policy) return remoteAddress.slice(0, remoteAddress.lastIndexOf(':'));
  if ('queryParameter' in policy) {
    const q = path.indexOf('?');
    return q < 0 ? undefined : (new URLSearchParams(path.slice(q + 1)).get(policy.queryParameter) ?? undefined);
  }
  const cookie = headers.get('cookie');
  const m = cookie ? new RegExp(`(?:^|;\\s*)${policy.cookie.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}=([^;]*)`).exec(cookie) : null;
  return m?.[1];
}
