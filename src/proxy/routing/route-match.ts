// Envoy's route matching over Weft's route configuration: the first route of a virtual host whose
// match holds, and the weighted choice among its clusters.

import type { QueryParamMatch, Route, RouteMatch, StringMatch, VirtualHost, WorkloadMeta } from '../../xds/proxy-config.js';
import { re2FullMatch } from '../../regex/re2.js';

/** RE2's whole-value match; ignoreCase as RE2's (?i) flag. */
function fullMatch(pattern: string, value: string, ignoreCase = false): boolean {
  return re2FullMatch(ignoreCase ? `(?i)${pattern}` : pattern, value);
}
import type { RequestView } from './request-view.js';

export function matchString(m: StringMatch, value: string, ignoreCase = false): boolean {
  if ('exact' in m) return ignoreCase ? value.toLowerCase() === m.exact.toLowerCase() : value === m.exact;
  if ('prefix' in m) return ignoreCase ? value.toLowerCase().startsWith(m.prefix.toLowerCase()) : value.startsWith(m.prefix);
  return fullMatch(m.regex, value, ignoreCase);
}

/** The value of a header or of the pseudo-headers :method, :scheme, :authority and :path. */
function headerOf(req: RequestView, name: string): string | undefined {
  switch (name) {
    case ':method': return req.method;
    case ':scheme': return req.scheme;
    case ':authority': return req.authority;
    case ':path': return req.path;
    default: return req.header(name);
  }
}

function pathOnly(target: string): string {
  const q = target.indexOf('?');
  return q < 0 ? target : target.slice(0, q);
}

/** Query parameters of a request target, first value of each name, decoded as Envoy does (no '+' to space). */
function queryParam(target: string, name: string): string | undefined {
  const q = target.indexOf('?');
  if (q < 0) return undefined;
  for (const pair of target.slice(q + 1).split('&')) {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    if (key !== name) continue;
    const raw = eq < 0 ? '' : pair.slice(eq + 1);
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }
  return undefined;
}

function queryMatches(target: string, qp: QueryParamMatch): boolean {
  const v = queryParam(target, qp.name);
  if (v === undefined) return false;
  return qp.match ? matchString(qp.match, v) : true;
}

/** Whether a request (from a proxy of workload `self`) satisfies a route's match. */
export function routeMatches(m: RouteMatch, req: RequestView, self: WorkloadMeta | undefined): boolean {
  const ic = m.ignoreCase === true;
  if (m.prefix !== undefined) {
    if (!(ic ? req.path.toLowerCase().startsWith(m.prefix.toLowerCase()) : req.path.startsWith(m.prefix))) return false;
  } else if (m.path !== undefined) {
    const p = pathOnly(req.path);
    if (!(ic ? p.toLowerCase() === m.path.toLowerCase() : p === m.path)) return false;
  } else if (m.regex !== undefined) {
    if (!fullMatch(m.regex, pathOnly(req.path), ic)) return false;
  }
  if (m.headers) {
    for (const h of m.headers) {
      const v = headerOf(req, h.name);
      const ok = v !== undefined && (h.match ? matchString(h.match, v) : true);
      if (ok === (h.invert === true)) return false;
    }
  }
  if (m.queryParams) for (const qp of m.queryParams) if (!queryMatches(req.path, qp)) return false;
  if (m.sourceNamespace !== undefined && self?.namespace !== m.sourceNamespace) return false;
  if (m.sourceLabels) {
    for (const [k, v] of Object.entries(m.sourceLabels)) if (self?.labels[k] !== v) return false;
  }
  return true;
}

/** The first route whose match holds, as Envoy evaluates a virtual host's routes in order. */
export function selectRoute(vh: VirtualHost, req: RequestView, self: WorkloadMeta | undefined): Route | undefined {
  for (const r of vh.routes) if (routeMatches(r.match, req, self)) return r;
  return undefined;
}

/** A weighted choice: each entry in proportion to its weight; entries of weight 0 are never chosen. */
export function pickWeighted<T extends { weight: number }>(entries: readonly T[], random: () => number = Math.random): T | undefined {
  if (entries.length === 1) return entries[0]!.weight > 0 ? entries[0] : undefined;
  let total = 0;
  for (const e of entries) total += e.weight;
  if (total <= 0) return undefined;
  let x = random() * total;
  for (const e of entries) {
    if (e.weight <= 0) continue;
    if (x < e.weight) return e;
    x -= e.weight;
  }
  return entries.findLast((e) => e.weight > 0);
}

/** Whether a share of requests (0-100, fractions allowed) is selected this time. */
export function percentHit(percentage: number, random: () => number = Math.random): boolean {
  return percentage >= 100 || (percentage > 0 && random() * 100 < percentage);
}
