// A VirtualService's http[] rules as routes: matches, weighted destinations (subsets are clusters),
// redirects, direct responses, rewrites, header changes, timeouts, retries, faults, mirrors and CORS,
// as Istio writes them into Envoy's route configuration.

import { parseDurationMs, type PresenceMatch, type StringMatch as IstioStringMatch } from '../../config/istio/common.js';
import type { Destination, HttpMatchRequest, HttpRoute, VirtualServiceSpec } from '../../config/istio/virtual-service.js';
import type { Resource } from '../../config/resource.js';
import {
  outboundClusterName,
  type CorsPolicy, type FaultPolicy, type HeaderMatch, type HeaderMutation, type MirrorPolicy, type QueryParamMatch,
  type RetryPolicy, type Route, type RouteAction, type RouteMatch, type StringMatch, type WeightedCluster,
} from '../../xds/proxy-config.js';
import type { Snapshot } from '../model/snapshot.js';
import { resolveHost } from './hosts.js';

/** Where the routes are used: the sidecars ("mesh") or a gateway ("ns/name"), and on which port. */
export interface RouteContext {
  /** "mesh" or "NS/NAME" of the Gateway. */
  gateway: string;
  /** The service port (sidecars) or the gateway server port the route configuration is for. */
  port: number;
  snapshot: Snapshot;
}

/** Istio's retry policy when a route names none: two retries of connection failures and 503s, on other endpoints. */
export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 2,
  retryOn: ['connect-failure', 'refused-stream', 'unavailable', 'cancelled', 'retriable-status-codes'],
  retriableStatusCodes: [503],
  otherHosts: true,
};

function stringMatch(m: IstioStringMatch | PresenceMatch): StringMatch | undefined {
  if (m.exact !== undefined && m.exact !== null) return { exact: m.exact };
  if (m.prefix !== undefined && m.prefix !== null) return { prefix: m.prefix };
  if (m.regex !== undefined && m.regex !== null) return { regex: m.regex };
  return undefined;
}

function headerMatch(name: string, m: PresenceMatch, invert: boolean): HeaderMatch {
  const sm = stringMatch(m);
  return { name: name.toLowerCase(), ...(sm ? { match: sm } : {}), ...(invert ? { invert: true } : {}) };
}

/** Whether a match condition applies in this context (its own gateways, else the VirtualService's). */
function matchApplies(m: HttpMatchRequest, vsGateways: string[], ctx: RouteContext, vsNamespace: string): boolean {
  if (m.port !== undefined && m.port !== ctx.port) return false;
  const gws = m.gateways?.length ? m.gateways : vsGateways;
  return gatewayListed(gws, ctx.gateway, vsNamespace);
}

/** Whether a gateways list names the context: "mesh", "NS/NAME", or "NAME" in the VirtualService's namespace. */
export function gatewayListed(gateways: string[], gateway: string, vsNamespace: string): boolean {
  const list = gateways.length ? gateways : ['mesh'];
  return list.some((g) => (g === 'mesh' ? gateway === 'mesh' : (g.includes('/') ? g : `${vsNamespace}/${g}`) === gateway));
}

export function routeMatch(m: HttpMatchRequest | undefined): RouteMatch {
  const out: RouteMatch = {};
  if (!m) return out;
  const uri = m.uri ? stringMatch(m.uri) : undefined;
  if (uri && 'exact' in uri) out.path = uri.exact;
  else if (uri && 'prefix' in uri) out.prefix = uri.prefix;
  else if (uri && 'regex' in uri) out.regex = uri.regex;
  if (m.ignoreUriCase) out.ignoreCase = true;
  const headers: HeaderMatch[] = [];
  for (const [field, pseudo] of [['scheme', ':scheme'], ['method', ':method'], ['authority', ':authority']] as const) {
    const sm = m[field] ? stringMatch(m[field]!) : undefined;
    if (sm) headers.push({ name: pseudo, match: sm });
  }
  for (const [name, hm] of Object.entries(m.headers ?? {})) headers.push(headerMatch(name, hm, false));
  for (const [name, hm] of Object.entries(m.withoutHeaders ?? {})) headers.push(headerMatch(name, hm, true));
  if (headers.length) out.headers = headers;
  const qps: QueryParamMatch[] = Object.entries(m.queryParams ?? {}).map(([name, qm]) => {
    const sm = stringMatch(qm);
    return { name, ...(sm ? { match: sm } : {}) };
  });
  if (qps.length) out.queryParams = qps;
  if (m.sourceLabels && Object.keys(m.sourceLabels).length) out.sourceLabels = m.sourceLabels;
  if (m.sourceNamespace) out.sourceNamespace = m.sourceNamespace;
  return out;
}

/** The cluster a destination names: its port if given, else the service's only port, else the context's port. */
export function destinationCluster(d: Destination, vsNamespace: string, ctx: RouteContext): string {
  const host = resolveHost(d.host, vsNamespace, ctx.snapshot);
  let port = d.port?.number;
  if (port === undefined) {
    const svc = ctx.snapshot.services.find((s) => s.host === host);
    port = svc?.ports.length === 1 ? svc.ports[0]!.port : svc?.ports.some((p) => p.port === ctx.port) || !svc ? ctx.port : svc.ports[0]!.port;
  }
  return outboundClusterName(port, d.subset ?? '', host);
}

function headerMutation(ops: { set?: Record<string, string>; add?: Record<string, string>; remove?: string[] } | undefined): HeaderMutation | undefined {
  if (!ops) return undefined;
  const out: HeaderMutation = {};
  if (ops.set && Object.keys(ops.set).length) out.set = ops.set;
  if (ops.add && Object.keys(ops.add).length) out.add = ops.add;
  if (ops.remove?.length) out.remove = ops.remove;
  return Object.keys(out).length ? out : undefined;
}

function retryPolicy(r: HttpRoute['retries']): RetryPolicy | undefined {
  if (!r) return DEFAULT_RETRY;
  if (!r.attempts) return undefined;
  const policy: RetryPolicy = { ...DEFAULT_RETRY, attempts: r.attempts, otherHosts: r.retryIgnorePreviousHosts !== false };
  if (r.perTryTimeout) policy.perTryTimeoutMs = parseDurationMs(r.perTryTimeout);
  if (r.retryOn) {
    // Bare status codes in retryOn become retriable status codes, as Istio splits them.
    const parts = r.retryOn.split(',').map((p) => p.trim()).filter((p) => p !== '');
    const codes = parts.filter((p) => /^\d+$/.test(p)).map(Number);
    const on = parts.filter((p) => !/^\d+$/.test(p));
    if (codes.length && !on.includes('retriable-status-codes')) on.push('retriable-status-codes');
    policy.retryOn = on;
    policy.retriableStatusCodes = codes;
  }
  return policy;
}

function faultPolicy(f: HttpRoute['fault']): FaultPolicy | undefined {
  if (!f) return undefined;
  const out: FaultPolicy = {};
  // Without a percentage nothing is injected, as Istio's reference says.
  if (f.delay?.fixedDelay) out.delay = { fixedDelayMs: parseDurationMs(f.delay.fixedDelay), percentage: f.delay.percentage?.value ?? f.delay.percent ?? 0 };
  if (f.abort) {
    const percentage = f.abort.percentage?.value ?? f.abort.percent ?? 0;
    if (f.abort.httpStatus !== undefined) out.abort = { httpStatus: f.abort.httpStatus, percentage };
    else if (f.abort.grpcStatus !== undefined) out.abort = { grpcStatus: f.abort.grpcStatus, percentage };
  }
  return out.delay || out.abort ? out : undefined;
}

function mirrors(r: HttpRoute, vsNamespace: string, ctx: RouteContext): MirrorPolicy[] | undefined {
  const out: MirrorPolicy[] = [];
  if (r.mirror) {
    const percentage = r.mirrorPercentage?.value ?? r.mirrorPercent ?? r.mirror_percent ?? 100;
    out.push({ cluster: destinationCluster(r.mirror, vsNamespace, ctx), percentage });
  }
  for (const m of r.mirrors ?? []) out.push({ cluster: destinationCluster(m.destination, vsNamespace, ctx), percentage: m.percentage?.value ?? 100 });
  return out.length ? out : undefined;
}

function corsPolicy(c: HttpRoute['corsPolicy']): CorsPolicy | undefined {
  if (!c) return undefined;
  const origins: StringMatch[] = [...(c.allowOrigins ?? []).map((o) => stringMatch(o)).filter((o): o is StringMatch => o !== undefined), ...(c.allowOrigin ?? []).map((o) => ({ exact: o }))];
  return {
    allowOrigins: origins,
    ...(c.allowMethods?.length ? { allowMethods: c.allowMethods } : {}),
    ...(c.allowHeaders?.length ? { allowHeaders: c.allowHeaders } : {}),
    ...(c.exposeHeaders?.length ? { exposeHeaders: c.exposeHeaders } : {}),
    ...(c.maxAge ? { maxAge: String(Math.floor(parseDurationMs(c.maxAge) / 1000)) } : {}),
    ...(c.allowCredentials !== undefined && c.allowCredentials !== null ? { allowCredentials: c.allowCredentials } : {}),
    forwardUnmatchedPreflights: c.unmatchedPreflights !== 'IGNORE',
  };
}

function routeAction(r: HttpRoute, m: RouteMatch, vsNamespace: string, ctx: RouteContext): RouteAction {
  const dests = r.route ?? [];
  const weighted: WeightedCluster[] = dests.map((d) => {
    const req = headerMutation(d.headers?.request);
    const res = headerMutation(d.headers?.response);
    return { cluster: destinationCluster(d.destination, vsNamespace, ctx), weight: d.weight ?? (dests.length === 1 ? 100 : 0), ...(req ? { requestHeaders: req } : {}), ...(res ? { responseHeaders: res } : {}) };
  });
  const action: RouteAction = weighted.length === 1 && !weighted[0]!.requestHeaders && !weighted[0]!.responseHeaders ? { cluster: weighted[0]!.cluster } : { weightedClusters: weighted };
  if (r.timeout) action.timeoutMs = parseDurationMs(r.timeout);
  const retry = retryPolicy(r.retries);
  if (retry) action.retry = retry;
  const rw = r.rewrite;
  if (rw?.uri !== undefined) {
    // An exact match is rewritten whole; a prefix (or no path match) has its prefix replaced.
    if (m.path !== undefined) action.regexRewrite = { pattern: '^.*$', substitution: rw.uri };
    else action.prefixRewrite = rw.uri;
  }
  if (rw?.uriRegexRewrite?.match !== undefined && rw.uriRegexRewrite.rewrite !== undefined) action.regexRewrite = { pattern: rw.uriRegexRewrite.match, substitution: rw.uriRegexRewrite.rewrite };
  if (rw?.authority) action.hostRewrite = rw.authority;
  const mir = mirrors(r, vsNamespace, ctx);
  if (mir) action.mirrors = mir;
  return action;
}

/** The decorator operation Istio gives a route: the first destination's host and port, and the matched path. */
function decorator(r: HttpRoute, m: RouteMatch, vsNamespace: string, ctx: RouteContext): string {
  const d = r.route?.[0]?.destination;
  const path = m.path ?? (m.prefix !== undefined ? `${m.prefix}*` : '/*');
  if (!d) return `${ctx.gateway === 'mesh' ? 'mesh' : ctx.gateway}:${ctx.port}${path}`;
  const cluster = destinationCluster(d, vsNamespace, ctx).split('|');
  return `${cluster[3]}:${cluster[1]}${path}`;
}

/** The routes of one VirtualService's http[] rules that apply in this context, in order. */
export function httpRoutes(vs: Resource<VirtualServiceSpec>, ctx: RouteContext): Route[] {
  const spec = vs.spec!;
  const ns = vs.metadata.namespace!;
  const vsGateways = spec.gateways ?? [];
  const out: Route[] = [];
  (spec.http ?? []).forEach((r, i) => {
    if (r.delegate) return;
    const matches = r.match?.length ? r.match.filter((m) => matchApplies(m, vsGateways, ctx, ns)) : gatewayListed(vsGateways, ctx.gateway, ns) ? [undefined] : [];
    for (const m of matches) {
      const match = routeMatch(m);
      const name = r.name ? (m?.name ? `${r.name}.${m.name}` : r.name) : `${vs.metadata.name}.${ns}.${i}`;
      const route: Route = { name, match, decorator: decorator(r, match, ns, ctx), virtualService: `${vs.metadata.name}.${ns}` };
      if (r.redirect) {
        const rd = r.redirect;
        route.redirect = {
          ...(rd.uri ? { path: rd.uri } : {}),
          ...(rd.authority ? { host: rd.authority } : {}),
          ...(rd.port !== undefined ? { port: rd.port } : {}),
          ...(rd.derivePort === 'FROM_REQUEST_PORT' ? { portFromRequest: true } : {}),
          ...(rd.scheme ? { scheme: rd.scheme } : {}),
          status: rd.redirectCode || 301,
        };
      } else if (r.directResponse) {
        const body = r.directResponse.body;
        const text = body?.string ?? (body?.bytes !== undefined ? Buffer.from(body.bytes, 'base64').toString('latin1') : undefined);
        route.directResponse = { status: r.directResponse.status, ...(text !== undefined ? { body: text } : {}) };
      } else {
        route.action = routeAction(r, match, ns, ctx);
      }
      const reqH = headerMutation(r.headers?.request);
      const resH = headerMutation(r.headers?.response);
      if (reqH) route.requestHeaders = reqH;
      if (resH) route.responseHeaders = resH;
      const fault = faultPolicy(r.fault);
      if (fault) route.fault = fault;
      const cors = corsPolicy(r.corsPolicy);
      if (cors) route.cors = cors;
      out.push(route);
    }
  });
  return out;
}
