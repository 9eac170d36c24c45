// `proxy-config routes`: istioctl's route summary over Weft's route configurations.

import { PASSTHROUGH_CLUSTER, type ProxyConfig, type RouteConfig, type RouteMatch } from '../../xds/proxy-config.js';
import { goTabwriter } from '../printers/go-tabwriter.js';

export interface RouteFilter {
  name?: string;
}

/** Numeric names (the ports of sidecar route configurations) in order first, then the rest by name. */
export function selectRoutes(config: ProxyConfig, f: RouteFilter): RouteConfig[] {
  const num = (s: string): number => (/^\d+$/.test(s) ? Number(s) : Number.POSITIVE_INFINITY);
  return Object.values(config.routes)
    .filter((r) => !f.name || r.name === f.name)
    .sort((a, b) => num(a.name) - num(b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Path test as istioctl prints it: "prefix*", the exact path, or "regex R"; header tests are left out, as there. */
export function describeMatch(m: RouteMatch): string {
  const conds: string[] = [];
  if (m.prefix !== undefined) conds.push(`${m.prefix}*`);
  if (m.path !== undefined) conds.push(m.path);
  if (m.regex !== undefined) conds.push(`regex ${m.regex}`);
  // Weft leaves the path test out when every path matches; Envoy (and so istioctl) says prefix "/".
  return conds.length ? conds.join(' ') : '/*';
}

/**
 * istioctl's DOMAINS column: the port-less names, the longer spellings of a name dropped when the
 * shorter is there, two shown and the rest counted ("reviews, reviews.default + 1 more...").
 */
export function describeDomains(domains: string[]): string {
  if (domains.length === 0) return '';
  if (domains.length === 1) return domains[0]!;
  const withoutPort = domains.filter((d) => !d.includes(':') || (countOf(d, ':') > 2 && d.endsWith(']')));
  const kept = unexpand(istioOrder(withoutPort));
  if (kept.length > 2) return `${kept.slice(0, 2).join(', ')} + ${kept.length - 2} more...`;
  return kept.join(', ');
}

function countOf(s: string, ch: string): number {
  return s.split(ch).length - 1;
}

/**
 * Istio lists a service's names fqdn, short name, name.ns.svc, name.ns, address; Weft's virtual hosts
 * list them longest first. Put them in Istio's order so the column reads as istioctl's.
 */
function istioOrder(domains: string[]): string[] {
  const rank = (d: string): number => {
    if (d.endsWith('.svc.cluster.local')) return 0;
    if (!d.includes('.') && !d.includes(':') && d !== '*') return 1;
    if (d.endsWith('.svc')) return 2;
    return 3;
  };
  return domains.map((d, i) => ({ d, i })).sort((a, b) => rank(a.d) - rank(b.d) || a.i - b.i).map((x) => x.d);
}

function unexpand(domains: string[]): string[] {
  const all = new Set(domains);
  const drop = new Set<string>();
  for (const h of domains) {
    for (const suffix of ['.svc.cluster.local', '.svc']) {
      if (h.endsWith(suffix) && all.has(h.slice(0, -suffix.length))) drop.add(h);
    }
  }
  return domains.filter((h) => !drop.has(h));
}

export function routeTable(config: ProxyConfig, f: RouteFilter): string {
  const rows = [['NAME', 'VHOST NAME', 'DOMAINS', 'MATCH', 'VIRTUAL SERVICE']];
  for (const rc of selectRoutes(config, f)) {
    for (const vh of rc.virtualHosts) {
      const domains = describeDomains(vh.domains);
      for (const r of vh.routes) {
        // istioctl leaves out the catch-all that passes unknown hosts through.
        if (r.action?.cluster === PASSTHROUGH_CLUSTER) continue;
        rows.push([rc.name, vh.name, domains, describeMatch(r.match), r.virtualService ?? '']);
      }
      if (vh.routes.length === 0) rows.push([rc.name, vh.name, domains, '/*', '404']);
    }
  }
  return goTabwriter(rows, 5);
}
