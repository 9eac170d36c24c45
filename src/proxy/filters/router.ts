// The terminal filter: route -> cluster -> endpoint -> upstream request. Route lookup is one call
// (routeRequest); endpoint choice, in-flight counting and the upstream protocol belong to the
// upstream layer. The request body follows the headers upstream as it arrives.

import type { ProxyConfig } from '../../xds/proxy-config.js';
import type { RequestView } from '../routing/request-view.js';
import { passthroughCluster, routeRequest } from '../http/exchange.js';
import type { HttpFilter } from '../http/filter-chain.js';
import { localReplies } from '../local-reply/local-reply.js';
import { upstreamProtocol, type UpstreamTarget } from '../upstream/upstream.js';

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
    const view: RequestView = { method: ex.method, path: ex.path, authority: ex.authority, scheme: 'http', header: (name) => headers.get(name) };
    const route = routeRequest(s.state, s.info, ex, view);
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
      const host = upstream.pick(cs);
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
    const request = upstream.request(target, s.upstreamCallbacks);
    s.startUpstream(request);
    request.sendHeaders(ex.method, ex.path, ex.authority, headers, endStream, s.upgrade);
    return 'continue';
  },
  decodeData(s, data, endStream) {
    const up = s.upstream;
    if (up && !up.sendData(data, endStream)) s.pauseRequestBody();
    return 'continue';
  },
};
