// Which VirtualService routes a host, for the sidecars of a namespace or for a gateway, and its tcp[]
// and tls[] rules as L4 routes.

import type { VirtualServiceSpec } from '../../config/istio/virtual-service.js';
import type { Resource } from '../../config/resource.js';
import type { L4Route } from '../../xds/proxy-config.js';
import type { Snapshot } from '../model/snapshot.js';
import { exportedTo, hostMatches, hostSpecificity, resolveHost } from './hosts.js';
import { destinationCluster, gatewayListed, type RouteContext } from './http-routes.js';

type VS = Resource<VirtualServiceSpec>;

/** Whether any rule of the VirtualService can apply to the gateway context (its own gateways, or a match's). */
function boundTo(vs: VS, gateway: string): boolean {
  const ns = vs.metadata.namespace!;
  const gws = vs.spec?.gateways ?? [];
  if (gatewayListed(gws, gateway, ns)) return true;
  const matchGateways = [...(vs.spec?.http ?? []), ...(vs.spec?.tcp ?? []), ...(vs.spec?.tls ?? [])].flatMap((r) => (r.match ?? []).flatMap((m) => m.gateways ?? []));
  return matchGateways.length > 0 && gatewayListed(matchGateways, gateway, ns);
}

/**
 * The VirtualService for `host` as the sidecars of `fromNamespace` see it: exported to them, bound to the
 * mesh, the most specific host pattern winning and, between equals, the oldest (as Istio keeps the first
 * of conflicting ones).
 */
export function meshVirtualServiceFor(host: string, fromNamespace: string, snapshot: Snapshot): VS | undefined {
  let best: VS | undefined;
  let bestScore = -1;
  for (const vs of (snapshot.config.get('VirtualService') ?? []) as VS[]) {
    if (!vs.spec?.hosts?.length || !exportedTo(vs, fromNamespace) || !boundTo(vs, 'mesh')) continue;
    for (const h of vs.spec.hosts) {
      const pattern = resolveHost(h, vs.metadata.namespace!, snapshot);
      if (!hostMatches(pattern, host)) continue;
      const score = hostSpecificity(pattern);
      if (score > bestScore) {
        best = vs;
        bestScore = score;
      }
    }
  }
  return best;
}

/** tcp[] (or tls[] with SNI hosts) rules as L4 routes for one port, in order. */
export function l4Routes(vs: VS, ctx: RouteContext, kind: 'tcp' | 'tls'): L4Route[] {
  const ns = vs.metadata.namespace!;
  const vsGateways = vs.spec?.gateways ?? [];
  const out: L4Route[] = [];
  const rules = kind === 'tcp' ? (vs.spec?.tcp ?? []) : (vs.spec?.tls ?? []);
  for (const r of rules) {
    const dests = r.route ?? [];
    const clusters = dests.map((d) => ({ cluster: destinationCluster(d.destination, ns, ctx), weight: d.weight ?? (dests.length === 1 ? 100 : 0) }));
    const matches = r.match?.length ? r.match : [undefined];
    for (const m of matches) {
      if (m?.port !== undefined && m.port !== ctx.port) continue;
      if (!gatewayListed(m?.gateways?.length ? m.gateways : vsGateways, ctx.gateway, ns)) continue;
      const match: NonNullable<L4Route['match']> = {};
      if (m && 'sniHosts' in m && m.sniHosts?.length) match.sniHosts = m.sniHosts;
      if (m?.sourceLabels && Object.keys(m.sourceLabels).length) match.sourceLabels = m.sourceLabels;
      if (m?.sourceNamespace) match.sourceNamespace = m.sourceNamespace;
      if (m?.destinationSubnets?.length) match.destinationSubnets = m.destinationSubnets;
      out.push({ ...(Object.keys(match).length ? { match } : {}), clusters });
    }
  }
  return out;
}
