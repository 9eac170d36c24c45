// VirtualService: how requests to a host are routed (HTTP, TLS passthrough and TCP rules).

import { isIP } from 'node:net';
import { z } from 'zod';
import type { CheckFinding, KindInfo } from '../kind-info.js';
import {
  atMostOne,
  exportTo,
  gatewayNameFindings,
  int32,
  ipSubnetProblem,
  isIstioDnsLabel,
  labelMap,
  nullableBool,
  parseDurationMs,
  parsedSpec,
  percent,
  percentageProblem,
  portNumber,
  portProblem,
  portSelector,
  positiveDuration,
  presenceMatch,
  Problems,
  regexProblem,
  stringList,
  stringMatch,
  subsetNameProblem,
  tagProblems,
  uint32,
  wildcardDomainProblem,
  type PresenceMatch,
} from './common.js';

export const destination = z.strictObject({
  host: z.string(),
  subset: z.string().optional(),
  port: portSelector.optional(),
});
export type Destination = z.infer<typeof destination>;

const headerOperations = z.strictObject({
  set: z.record(z.string(), z.string()).optional(),
  add: z.record(z.string(), z.string()).optional(),
  remove: stringList.optional(),
});
export const headers = z.strictObject({
  request: headerOperations.optional(),
  response: headerOperations.optional(),
});

// Istio refuses negative weights only: it scales the rest, so they need not add up to 100.
const weight = int32.refine((w) => w >= 0, { error: (iss) => `weight ${String(iss.input)} < 0` });

export const httpRouteDestination = z.strictObject({
  destination,
  weight: weight.optional(),
  headers: headers.optional(),
});

export const routeDestination = z.strictObject({
  destination,
  weight: weight.optional(),
});

export const httpMatchRequest = z.strictObject({
  name: z.string().optional(),
  uri: stringMatch.optional(),
  scheme: stringMatch.optional(),
  method: stringMatch.optional(),
  authority: stringMatch.optional(),
  headers: z.record(z.string(), presenceMatch).optional(),
  port: portNumber.optional(),
  sourceLabels: labelMap.optional(),
  gateways: stringList.optional(),
  queryParams: z.record(z.string(), presenceMatch).optional(),
  ignoreUriCase: z.boolean().optional(),
  withoutHeaders: z.record(z.string(), presenceMatch).optional(),
  sourceNamespace: z.string().optional(),
  statPrefix: z.string().optional(),
});
export type HttpMatchRequest = z.infer<typeof httpMatchRequest>;

export const httpRedirect = z
  .strictObject({
    uri: z.string().optional(),
    authority: z.string().optional(),
    port: portNumber.optional(),
    derivePort: z.enum(['FROM_PROTOCOL_DEFAULT', 'FROM_REQUEST_PORT']).optional(),
    scheme: z.string().optional(),
    redirectCode: uint32.optional(),
  })
  .superRefine(atMostOne(['port', 'derivePort']));

export const httpDirectResponse = z.strictObject({
  status: uint32,
  body: z
    .strictObject({ string: z.string().optional(), bytes: z.base64().optional() })
    .superRefine(atMostOne(['string', 'bytes']))
    .optional(),
});

export const delegate = z.strictObject({
  name: z.string().optional(),
  namespace: z.string().optional(),
});

export const httpRewrite = z.strictObject({
  uri: z.string().optional(),
  authority: z.string().optional(),
  uriRegexRewrite: z.strictObject({ match: z.string().optional(), rewrite: z.string().optional() }).optional(),
});

/** Envoy's x-envoy-retry-on and x-envoy-retry-grpc-on values that Istio accepts; bare status codes are allowed too. */
export const retryOnPolicies = [
  '5xx', 'gateway-error', 'reset', 'reset-before-request', 'connect-failure', 'envoy-ratelimited', 'retriable-4xx',
  'refused-stream', 'retriable-status-codes', 'retriable-headers', 'http3-post-connect-failure',
  'cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable',
];

export const httpRetry = z.strictObject({
  attempts: int32.optional(),
  perTryTimeout: positiveDuration.optional(),
  retryOn: z.string().optional(),
  retryRemoteLocalities: nullableBool,
  retryIgnorePreviousHosts: nullableBool,
  backoff: positiveDuration.optional(),
});

export const corsPolicy = z.strictObject({
  allowOrigins: z.array(stringMatch).optional(),
  /** Deprecated: exact origins; use allowOrigins. */
  allowOrigin: stringList.optional(),
  allowMethods: stringList.optional(),
  allowHeaders: stringList.optional(),
  exposeHeaders: stringList.optional(),
  maxAge: positiveDuration.optional(),
  allowCredentials: nullableBool,
  unmatchedPreflights: z.enum(['UNSPECIFIED', 'FORWARD', 'IGNORE']).optional(),
});

const percentInt = z.number().int().min(0, 'percent must be in range 0..100').max(100, 'percent must be in range 0..100');

export const httpFaultInjection = z.strictObject({
  delay: z
    .strictObject({
      fixedDelay: positiveDuration.optional(),
      exponentialDelay: positiveDuration.optional(),
      percentage: percent.optional(),
      /** Deprecated integer percentage; use percentage. */
      percent: percentInt.optional(),
    })
    .superRefine(atMostOne(['fixedDelay', 'exponentialDelay']))
    .optional(),
  abort: z
    .strictObject({
      httpStatus: int32.optional(),
      grpcStatus: z.string().optional(),
      http2Error: z.string().optional(),
      percentage: percent.optional(),
      /** Deprecated integer percentage (Istio 1.0's samples); use percentage. */
      percent: percentInt.optional(),
    })
    .superRefine(atMostOne(['httpStatus', 'grpcStatus', 'http2Error']))
    .optional(),
});

export const httpMirrorPolicy = z.strictObject({
  destination,
  percentage: percent.optional(),
});

const legacyMirrorPercent = uint32.nullish();

export const httpRoute = z.strictObject({
  name: z.string().optional(),
  match: z.array(httpMatchRequest).optional(),
  route: z.array(httpRouteDestination).optional(),
  redirect: httpRedirect.optional(),
  directResponse: httpDirectResponse.optional(),
  delegate: delegate.optional(),
  rewrite: httpRewrite.optional(),
  timeout: positiveDuration.optional(),
  retries: httpRetry.optional(),
  fault: httpFaultInjection.optional(),
  mirror: destination.optional(),
  mirrors: z.array(httpMirrorPolicy).optional(),
  mirrorPercentage: percent.optional(),
  /** Deprecated integer percentage; use mirrorPercentage. */
  mirrorPercent: legacyMirrorPercent,
  /** The same deprecated field under its proto name. */
  mirror_percent: legacyMirrorPercent,
  corsPolicy: corsPolicy.optional(),
  headers: headers.optional(),
});
export type HttpRoute = z.infer<typeof httpRoute>;

const l4Match = {
  destinationSubnets: stringList.optional(),
  port: portNumber.optional(),
  sourceLabels: labelMap.optional(),
  gateways: stringList.optional(),
  sourceNamespace: z.string().optional(),
};

export const tlsRoute = z.strictObject({
  match: z.array(z.strictObject({ ...l4Match, sniHosts: z.array(z.string()).optional() })).optional(),
  route: z.array(routeDestination).optional(),
});
export type TlsRoute = z.infer<typeof tlsRoute>;

export const tcpRoute = z.strictObject({
  match: z.array(z.strictObject({ ...l4Match, sourceSubnet: z.string().optional() })).optional(),
  route: z.array(routeDestination).optional(),
});
export type TcpRoute = z.infer<typeof tcpRoute>;

export const virtualServiceSpec = z.strictObject({
  hosts: stringList.optional(),
  gateways: stringList.optional(),
  http: z.array(httpRoute).optional(),
  tls: z.array(tlsRoute).optional(),
  tcp: z.array(tcpRoute).optional(),
  exportTo: exportTo.optional(),
});
export type VirtualServiceSpec = z.infer<typeof virtualServiceSpec>;

// ---------------------------------------------------------------------------------------------
// Istio's ValidateVirtualService, rule by rule, in its words (pkg/config/validation)

const httpMethods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE'];

/** Status codes Go's http.StatusText names: retryOn accepts these as well as Envoy's policy names. */
const knownStatuses = new Set([
  100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308,
  400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423,
  424, 425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
]);

/** gRPC status names Istio's fault injection accepts (grpc.SupportedGRPCStatus). */
const grpcStatuses = [
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE',
  'DATA_LOSS', 'UNAUTHENTICATED',
];

const headerName = /^[-_A-Za-z0-9]+$/;
const jwtClaimHeader = /^@request\.auth\.claims(\.[^.]+|\[[^\]]+\])+$/;

/** Go's %q of a string list printed with %v: [a b]. */
const goList = (l: readonly string[]): string => `[${l.join(' ')}]`;
/** Go's %f. */
const goFloat = (n: number): string => n.toFixed(6);

function headerNameProblem(name: string, allowClaims: boolean): string | undefined {
  if (name === '') return 'header name cannot be empty';
  if (allowClaims && jwtClaimHeader.test(name)) return undefined;
  return headerName.test(name) ? undefined : `header name ${name} is not a valid header name`;
}

const isInternalHeader = (k: string): boolean => k.startsWith(':') || k.toLowerCase() === 'host';
const isAuthorityHeader = (k: string): boolean => k.toLowerCase() === ':authority' || k.toLowerCase() === 'host';

/** ValidateHTTPHeaderValue: no control characters, and % only as %% or around a variable. */
function headerValueProblem(v: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000A-\u001F\u007F]/.test(v)) return `header value configuration ${v} is invalid`;
  let i = 0;
  while (i < v.length) {
    if (v[i] !== '%') {
      i++;
      continue;
    }
    if (v[i + 1] === '%') {
      i += 2;
      continue;
    }
    const close = v.indexOf('%', i + 1);
    if (close < 0) return `header value configuration: invalid header value "${v}": unterminated variable expression at position ${i}`;
    i = close + 1;
  }
  return undefined;
}

type HeaderOps = z.infer<typeof headers>;

function checkHeaderOps(h: HeaderOps | undefined, at: string, out: Problems): void {
  const req = h?.request;
  const res = h?.response;
  for (const [op, map] of [['add', req?.add], ['set', req?.set]] as const) {
    for (const [name, val] of Object.entries(map ?? {})) {
      if (name === '') out.add(`${at}.request.${op}`, 'header name cannot be empty');
      else if (isInternalHeader(name) && !isAuthorityHeader(name)) out.add(`${at}.request.${op}`, `invalid header ${JSON.stringify(name)}: header cannot have ":" prefix`);
      const bad = headerValueProblem(val);
      if (bad) out.add(`${at}.request.${op}`, bad);
    }
  }
  const opName = (name: string, path: string): void => {
    if (name === '') out.add(path, 'header name cannot be empty');
    else if (name.toLowerCase() === 'host') out.add(path, `invalid header ${JSON.stringify(name)}: cannot set Host header`);
    else if (isInternalHeader(name)) out.add(path, `invalid header ${JSON.stringify(name)}: header cannot have ":" prefix`);
  };
  req?.remove?.forEach((n, i) => opName(n, `${at}.request.remove[${i}]`));
  for (const [op, map] of [['add', res?.add], ['set', res?.set]] as const) {
    for (const [name, val] of Object.entries(map ?? {})) {
      opName(name, `${at}.response.${op}`);
      const bad = headerValueProblem(val);
      if (bad) out.add(`${at}.response.${op}`, bad);
    }
  }
  res?.remove?.forEach((n, i) => opName(n, `${at}.response.remove[${i}]`));
}

/** validateStringMatch (an empty prefix is refused) or validateStringMatchRegexp (uri: empty prefix allowed). */
function checkStringMatch(m: PresenceMatch | undefined, where: string, at: string, out: Problems, allowEmptyPrefix = false): void {
  if (!m) return;
  if (m.prefix === '' && !allowEmptyPrefix) out.add(at, `${JSON.stringify(where)}: prefix string match should not be empty`);
  if (m.regex === undefined) return;
  if (m.regex === '') {
    out.add(at, `${JSON.stringify(where)}: regex string match should not be empty`);
    return;
  }
  const bad = regexProblem(m.regex, where);
  if (bad) out.add(at, bad);
}

function checkDestination(d: Destination | undefined, at: string, out: Problems): void {
  if (!d) return;
  if (d.host === '*') out.add(`${at}.host`, `invalid destination host ${d.host}`);
  else {
    const bad = wildcardDomainProblem(d.host);
    if (bad) out.add(`${at}.host`, bad);
  }
  if (d.subset !== undefined && d.subset !== '') {
    const bad = subsetNameProblem(d.subset);
    if (bad) out.add(`${at}.subset`, bad);
  }
  if (d.port) {
    const bad = portProblem(d.port.number);
    if (bad) out.add(`${at}.port.number`, bad);
  }
}

function checkRouteDestinations(
  routes: ReadonlyArray<{ destination: Destination; weight?: number | undefined; headers?: HeaderOps | undefined }> | undefined,
  at: string,
  out: Problems,
): void {
  let total = 0;
  routes?.forEach((r, i) => {
    checkHeaderOps(r.headers, `${at}[${i}].headers`, out);
    checkDestination(r.destination, `${at}[${i}].destination`, out);
    total += r.weight ?? 0;
  });
  if (routes && routes.length > 1 && total === 0) out.add(at, 'total destination weight = 0');
}

function checkL4Match(m: { destinationSubnets?: string[] | undefined; port?: number | undefined; sourceLabels?: Record<string, string> | undefined; gateways?: string[] | undefined }, at: string, out: Problems): void {
  m.destinationSubnets?.forEach((s, i) => {
    const bad = ipSubnetProblem(s);
    if (bad) out.add(`${at}.destinationSubnets[${i}]`, bad);
  });
  for (const p of tagProblems(m.sourceLabels)) out.add(`${at}.sourceLabels`, p);
  m.gateways?.forEach((g, i) => gatewayNameFindings(g, `${at}.gateways[${i}]`, out));
}

function checkHttpRoute(r: HttpRoute, at: string, inDelegate: boolean, out: Problems): void {
  const routes = r.route?.length ?? 0;
  if (!inDelegate && r.delegate) {
    // a root route only delegates
    if (r.redirect) out.add(at, `root HTTP route ${r.name ?? ''} must not specify redirect`);
    if (r.route) out.add(at, `root HTTP route ${r.name ?? ''} must not specify route`);
  } else {
    if (inDelegate && r.delegate) out.add(`${at}.delegate`, 'delegate HTTP route cannot contain delegate');
    if (r.redirect) {
      if (routes > 0) out.add(at, 'HTTP route cannot contain both route and redirect');
      if (r.fault) out.add(at, 'HTTP route cannot contain both fault and redirect');
      if (r.rewrite) out.add(at, 'HTTP route rule cannot contain both rewrite and redirect');
      if (r.directResponse) out.add(at, 'HTTP route rule cannot contain both direct_response and redirect');
    } else if (r.directResponse) {
      if (routes > 0) out.add(at, 'HTTP route cannot contain both route and direct_response');
      if (r.fault) out.add(at, 'HTTP route cannot contain both fault and direct_response');
      if (r.rewrite) out.add(at, 'HTTP route rule cannot contain both rewrite and direct_response');
    } else if (routes === 0) {
      out.add(at, 'HTTP route, redirect or direct_response is required');
    }
    if (r.mirror && r.mirrors?.length) out.add(at, 'HTTP route cannot contain both mirror and mirrors');
  }

  r.match?.forEach((m, j) => {
    const mat = `${at}.match[${j}]`;
    for (const [name, h] of Object.entries(m.headers ?? {})) {
      const bad = headerNameProblem(name, true);
      if (bad) out.add(`${mat}.headers`, bad);
      checkStringMatch(h, 'headers', `${mat}.headers.${name}`, out);
    }
    for (const [name, h] of Object.entries(m.withoutHeaders ?? {})) {
      const bad = headerNameProblem(name, true);
      if (bad) out.add(`${mat}.withoutHeaders`, bad);
      // "*" is a presence match, not a regex
      if (h.regex !== '*') checkStringMatch(h, 'withoutHeaders', `${mat}.withoutHeaders.${name}`, out);
    }
    checkStringMatch(m.uri, 'uri', `${mat}.uri`, out, true);
    checkStringMatch(m.scheme, 'scheme', `${mat}.scheme`, out);
    checkStringMatch(m.method, 'method', `${mat}.method`, out);
    checkStringMatch(m.authority, 'authority', `${mat}.authority`, out);
    for (const [name, q] of Object.entries(m.queryParams ?? {})) checkStringMatch(q, 'queryParams', `${mat}.queryParams.${name}`, out);
    for (const p of tagProblems(m.sourceLabels)) out.add(`${mat}.sourceLabels`, p);
    m.gateways?.forEach((g, i) => gatewayNameFindings(g, `${mat}.gateways[${i}]`, out));
    if (m.sourceNamespace && !isIstioDnsLabel(m.sourceNamespace)) out.add(`${mat}.sourceNamespace`, `sourceNamespace match ${m.sourceNamespace} is invalid`);
  });

  checkHeaderOps(r.headers, `${at}.headers`, out);

  const cors = r.corsPolicy;
  if (cors) {
    cors.allowOrigins?.forEach((o, i) => {
      const value = o.exact ?? o.prefix ?? o.regex ?? '';
      if (value === '') out.add(`${at}.corsPolicy.allowOrigins[${i}]`, `'${value}' is not a valid match type for CORS allow origins`);
      else checkStringMatch(o, 'corsPolicy.allowOrigins', `${at}.corsPolicy.allowOrigins[${i}]`, out);
    });
    cors.allowMethods?.forEach((m, i) => {
      if (!httpMethods.includes(m)) out.add(`${at}.corsPolicy.allowMethods[${i}]`, `${JSON.stringify(m)} is not a supported HTTP method`);
    });
    for (const f of ['allowHeaders', 'exposeHeaders'] as const) {
      cors[f]?.forEach((h, i) => {
        const bad = h === '*' ? undefined : headerNameProblem(h, false);
        if (bad) out.add(`${at}.corsPolicy.${f}[${i}]`, bad);
      });
    }
    if (cors.maxAge !== undefined && parseDurationMs(cors.maxAge) % 1000 !== 0) {
      out.add(`${at}.corsPolicy.maxAge`, 'max_age duration is accurate only to seconds precision');
    }
  }

  const f = r.fault;
  if (f) {
    if (!f.abort && !f.delay) out.add(`${at}.fault`, 'HTTP fault injection must have an abort and/or a delay');
    const a = f.abort;
    if (a) {
      const bad = percentageProblem(a.percentage?.value);
      if (bad) out.add(`${at}.fault.abort.percentage`, bad);
      if (a.grpcStatus !== undefined) {
        if (!grpcStatuses.includes(a.grpcStatus)) {
          out.add(`${at}.fault.abort.grpcStatus`, `gRPC status ${JSON.stringify(a.grpcStatus)} is not supported. See https://github.com/grpc/grpc/blob/master/doc/statuscodes.md for a list of supported codes, for example 'NOT_FOUND'`);
        }
      } else if (a.http2Error !== undefined) {
        out.add(`${at}.fault.abort.http2Error`, 'HTTP/2 abort fault injection not supported yet');
      } else if (a.httpStatus !== undefined) {
        if (a.httpStatus < 200 || a.httpStatus > 600) out.add(`${at}.fault.abort.httpStatus`, `HTTP status ${a.httpStatus} is not in range 200-599`);
      } else {
        out.warn(`${at}.fault.abort`, 'abort configured, but error type not set');
      }
    }
    const d = f.delay;
    if (d) {
      const bad = percentageProblem(d.percentage?.value);
      if (bad) out.add(`${at}.fault.delay.percentage`, bad);
      if (d.exponentialDelay !== undefined) out.add(`${at}.fault.delay.exponentialDelay`, 'exponentialDelay not supported yet');
    }
  }

  const legacy = r.mirrorPercent ?? r.mirror_percent;
  if (legacy !== undefined && legacy !== null) {
    const field = r.mirrorPercent !== undefined && r.mirrorPercent !== null ? 'mirrorPercent' : 'mirror_percent';
    if (legacy > 100) out.add(`${at}.${field}`, `mirror_percent must have a max value of 100 (it has ${legacy})`);
    out.warn(`${at}.${field}`, 'using deprecated setting "mirrorPercent", use "mirrorPercentage" instead');
  }
  const mp = r.mirrorPercentage?.value;
  if (mp !== undefined) {
    if (mp > 100) out.add(`${at}.mirrorPercentage`, `mirror_percentage must have a max value of 100 (it has ${goFloat(mp)})`);
    if (mp < 0) out.add(`${at}.mirrorPercentage`, `mirror_percentage must have a min value of 0 (it has ${goFloat(mp)})`);
  }
  checkDestination(r.mirror, `${at}.mirror`, out);
  r.mirrors?.forEach((m, i) => {
    checkDestination(m.destination, `${at}.mirrors[${i}].destination`, out);
    const v = m.percentage?.value;
    if (v !== undefined && v > 100) out.add(`${at}.mirrors[${i}].percentage`, `mirror percentage must have a max value of 100 (it has ${goFloat(v)})`);
    if (v !== undefined && v < 0) out.add(`${at}.mirrors[${i}].percentage`, `mirror percentage must have a min value of 0 (it has ${goFloat(v)})`);
  });

  // validateHTTPRedirect reports the first problem only
  const rd = r.redirect;
  if (rd) {
    const rat = `${at}.redirect`;
    if (!rd.uri && !rd.authority && rd.port === undefined && !rd.derivePort && !rd.scheme) out.add(rat, 'redirect must specify URI, authority, scheme, or port');
    else if (rd.redirectCode && (rd.redirectCode < 300 || rd.redirectCode > 399)) out.add(`${rat}.redirectCode`, `${rd.redirectCode} is not a valid redirect code, must be 3xx`);
    else if (rd.scheme && rd.scheme !== 'http' && rd.scheme !== 'https') out.add(`${rat}.scheme`, 'invalid redirect scheme, must be "http" or "https"');
  }

  const dr = r.directResponse;
  if (dr) {
    const body = dr.body;
    const size = body?.string !== undefined ? Buffer.byteLength(body.string) : body?.bytes !== undefined ? Buffer.from(body.bytes, 'base64').length : 0;
    if (size > 1024 * 1024) out.add(`${at}.directResponse.body`, 'large direct_responses may impact control plane performance, must be less than 1MB');
    else if (size > 100 * 1024) out.warn(`${at}.directResponse.body`, 'large direct_responses may impact control plane performance');
    if (dr.status < 200 || dr.status > 600) out.add(`${at}.directResponse.status`, `HTTP status ${dr.status} is not in range 200-599`);
  }

  const rt = r.retries;
  if (rt) {
    const attempts = rt.attempts ?? 0;
    if (attempts < 0) out.add(`${at}.retries.attempts`, 'attempts cannot be negative');
    if (attempts === 0 && (rt.perTryTimeout !== undefined || rt.retryOn || (rt.retryRemoteLocalities !== undefined && rt.retryRemoteLocalities !== null))) {
      out.add(`${at}.retries`, 'http retry policy configured when attempts are set to 0 (disabled)');
    }
    if (rt.retryOn) {
      for (const p of rt.retryOn.split(',')) {
        const code = /^[+-]?\d+$/.test(p) ? Number(p) : NaN;
        if (!knownStatuses.has(code) && !retryOnPolicies.includes(p)) out.add(`${at}.retries.retryOn`, `${JSON.stringify(p)} is not a valid retryOn policy`);
      }
    }
  }

  const rw = r.rewrite;
  if (rw) {
    const rat = `${at}.rewrite`;
    const rx = rw.uriRegexRewrite;
    if (rw.uri && rx) out.add(rat, 'rewrite may only contain one of URI or UriRegexRewrite');
    else if (!rw.uri && !rx && !rw.authority) out.add(rat, 'rewrite must specify at least one of URI, UriRegexRewrite, or authority. Only one of URI or UriRegexRewrite may be specified');
    else if (rx) {
      const joined = (e: string): void => out.add(`${rat}.uriRegexRewrite`, `UriRegexRewrite has errors\n${e}`);
      if (!rx.match || !rx.rewrite) joined('UriRegexRewrite requires both Rewrite and Match fields to be specified');
      else {
        const bad = regexProblem(rx.match, 'HTTPRewrite.UriRegexRewrite.Match');
        if (bad) joined(bad);
      }
    }
  }
  // the authority is rewritten in one place only
  let authority = rw?.authority ?? '';
  for (const map of [r.headers?.request?.set, r.headers?.request?.add]) {
    for (const [k, v] of Object.entries(map ?? {})) {
      if (!isAuthorityHeader(k)) continue;
      if (authority) {
        out.add(`${at}.headers.request`, `authority header cannot be set multiple times: have ${JSON.stringify(authority)}, attempting to set ${JSON.stringify(v)}`);
        break;
      }
      authority = v;
    }
  }

  checkRouteDestinations(r.route, `${at}.route`, out);
}

/** host.Name.Matches: equal names, or one wildcard covering the other. */
function hostsOverlap(a: string, b: string): boolean {
  const aw = a.startsWith('*');
  const bw = b.startsWith('*');
  if (aw && bw) return a.length < b.length ? b.slice(1).endsWith(a.slice(1)) : a.slice(1).endsWith(b.slice(1));
  if (aw) return b.endsWith(a.slice(1));
  if (bw) return a.endsWith(b.slice(1));
  return a === b;
}

/** host.Name.SubsetOf. */
function hostSubsetOf(n: string, o: string): boolean {
  if (n.startsWith('*')) return o.startsWith('*') && n.slice(1).endsWith(o.slice(1));
  if (o.startsWith('*')) return n.endsWith(o.slice(1));
  return n === o;
}

/** ValidateWildcardDomainForVirtualServiceBoundToGateway: also takes Istio's generated outbound_ SNI names. */
function gatewayHostProblem(sni: boolean, domain: string): string | undefined {
  const first = domain.split('.')[0];
  if (sni && first === 'outbound_' && domain.length <= 255) {
    return /outbound_.([0-8].*).*/.test(domain) ? undefined : `domain name ${JSON.stringify(domain)} invalid (label ${JSON.stringify(first)} invalid)`;
  }
  return wildcardDomainProblem(domain);
}

/** JSON of a match without its name, keys sorted: equal strings mean equal matches. */
function matchKey(m: object): string {
  const { name: _name, ...rest } = m as { name?: string };
  return canonical(rest);
}
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

interface PrefixMatch {
  route: string;
  match: string;
  prefix: string;
  port: number;
  method: string;
  authority: string;
  headers: Map<string, string>;
  queryParams: Map<string, string>;
  withoutHeaders: Map<string, string>;
}

const exactOrPrefix = (m: PresenceMatch | undefined): string => (m?.exact ? `exact:${m.exact}` : m?.prefix ? `prefix:${m.prefix}` : '');

/** coveredValidation: a later prefix match that an earlier, shorter one already takes. */
function covers(a: PrefixMatch, b: PrefixMatch): boolean {
  if (!b.prefix.startsWith(a.prefix) || a.port !== b.port) return false;
  if (a.method !== b.method && !a.method.startsWith(b.method)) return false;
  if (a.authority !== b.authority && !a.authority.startsWith(b.authority)) return false;
  for (const [am, bm] of [[a.headers, b.headers], [a.queryParams, b.queryParams], [a.withoutHeaders, b.withoutHeaders]] as const) {
    if (am.size !== bm.size) return false;
    for (const [k, v] of am) {
      const w = bm.get(k);
      if (w === undefined || (v !== w && !v.startsWith(w))) return false;
    }
  }
  return true;
}

/** analyzeUnreachable*Rules: warnings for rules and matches earlier rules already take. */
function unreachableWarnings(
  kind: 'http' | 'tls' | 'tcp',
  routes: ReadonlyArray<{ name?: string | undefined; match?: ReadonlyArray<object & { name?: string | undefined }> | undefined }>,
  out: Problems,
): void {
  const routeName = (r: { name?: string | undefined }, i: number): string => (kind === 'http' && r.name ? JSON.stringify(r.name) : `#${i}`);
  const matchName = (m: { name?: string | undefined }, j: number): string => (kind === 'http' && m.name ? JSON.stringify(m.name) : `#${j}`);
  const seen = new Map<string, number>();
  let emptySeen = false;
  const prefixes: PrefixMatch[] = [];
  routes.forEach((r, i) => {
    const at = `spec.${kind}[${i}]`;
    if (!r.match?.length) {
      if (emptySeen) out.warn(at, `virtualService rule ${routeName(r, i)} not used (only the last rule can have no matches)`);
      emptySeen = true;
      return;
    }
    let dups = 0;
    r.match.forEach((m, j) => {
      const key = matchKey(m);
      const prev = seen.get(key);
      if (prev !== undefined) {
        out.warn(`${at}.match[${j}]`, `virtualService rule ${routeName(r, i)} match ${matchName(m, j)} is not used (duplicate/overlapping match in rule ${routeName(routes[prev]!, prev)})`);
        dups++;
        return;
      }
      seen.set(key, i);
      const hm = m as HttpMatchRequest;
      if (kind === 'http' && hm.uri?.prefix) {
        const pairs = (x: Record<string, PresenceMatch> | undefined): Map<string, string> => new Map(Object.entries(x ?? {}).map(([k, v]) => [k, exactOrPrefix(v)]));
        prefixes.push({
          route: routeName(r, i),
          match: matchName(m, j),
          prefix: hm.uri.prefix,
          port: hm.port ?? 0,
          // no method means GET, as Istio assumes
          method: exactOrPrefix(hm.method) || 'exact:GET',
          authority: exactOrPrefix(hm.authority),
          headers: pairs(hm.headers),
          queryParams: pairs(hm.queryParams),
          withoutHeaders: pairs(hm.withoutHeaders),
        });
      }
    });
    if (dups === r.match.length) out.warn(at, `virtualService rule ${routeName(r, i)} not used (all matches used by prior rules)`);
  });
  for (let i = 0; i < prefixes.length; i++) {
    for (let j = i + 1; j < prefixes.length; j++) {
      const a = prefixes[i]!;
      const b = prefixes[j]!;
      if (a.prefix === b.prefix || !covers(a, b)) continue;
      out.warn(`spec.http`, `virtualService rule ${b.route} match ${b.match} of prefix ${b.prefix} is not used (duplicate/overlapping match in rule ${a.match} of prefix ${a.prefix} on ${a.route})`);
    }
  }
}

function check(obj: { spec?: unknown }): CheckFinding[] {
  const spec = parsedSpec(virtualServiceSpec, obj.spec);
  if (!spec) return [];
  const out = new Problems();
  const hosts = spec.hosts ?? [];
  const gateways = spec.gateways ?? [];
  // Without hosts this is a delegate: another VirtualService's route hands requests to it.
  const isDelegate = hosts.length === 0;
  if (isDelegate) {
    if (gateways.length) out.add('spec.gateways', 'delegate virtual service must have no gateways specified');
    if (spec.tls?.length) out.add('spec.tls', 'delegate virtual service must have no tls route specified');
    if (spec.tcp?.length) out.add('spec.tcp', 'delegate virtual service must have no tcp route specified');
  }
  gateways.forEach((g, i) => gatewayNameFindings(g, `spec.gateways[${i}]`, out));
  // bound to gateways only when "mesh" is not among them
  const appliesToGateway = gateways.length > 0 && !gateways.includes('mesh');
  const appliesToMesh = !appliesToGateway;
  if (!appliesToGateway) {
    spec.http?.forEach((r, i) =>
      r.match?.forEach((m, j) => {
        for (const key of [...Object.keys(m.headers ?? {}), ...Object.keys(m.withoutHeaders ?? {})]) {
          if (jwtClaimHeader.test(key)) {
            out.add(`spec.http[${i}].match[${j}]`, `JWT claim based routing (key: ${key}) is only supported for gateway, found no gateways: ${goList(gateways)}`);
          }
        }
      }),
    );
  }
  const sni = spec.tls?.some((t) => t.match?.some((m) => (m.sniHosts?.length ?? 0) > 0)) ?? false;
  let allHostsValid = true;
  hosts.forEach((h, i) => {
    const bad = appliesToGateway ? gatewayHostProblem(sni, h) : wildcardDomainProblem(h);
    if (bad) {
      if (!isIP(h)) {
        out.add(`spec.hosts[${i}]`, bad);
        allHostsValid = false;
      }
    } else if (appliesToMesh && h === '*') {
      out.add(`spec.hosts[${i}]`, 'wildcard host * is not allowed for virtual services bound to the mesh gateway');
      allHostsValid = false;
    }
  });
  if (allHostsValid) {
    for (let i = 0; i < hosts.length; i++) {
      for (let j = i + 1; j < hosts.length; j++) {
        if (hostsOverlap(hosts[i]!, hosts[j]!)) out.add(`spec.hosts[${j}]`, `duplicate hosts in virtual service: ${hosts[i]} & ${hosts[j]}`);
      }
    }
  }
  if (!spec.http?.length && !spec.tcp?.length && !spec.tls?.length) out.add('spec', 'http, tcp or tls must be provided in virtual service');

  spec.http?.forEach((r, i) => checkHttpRoute(r, `spec.http[${i}]`, isDelegate, out));
  spec.tls?.forEach((r, i) => {
    const at = `spec.tls[${i}]`;
    if (!r.match?.length) out.add(`${at}.match`, 'TLS route must have at least one match condition');
    r.match?.forEach((m, j) => {
      const mat = `${at}.match[${j}]`;
      if (!m.sniHosts?.length) out.add(`${mat}.sniHosts`, 'TLS match must have at least one SNI host');
      m.sniHosts?.forEach((s, k) => {
        const where = `${mat}.sniHosts[${k}]`;
        const bad = appliesToGateway ? gatewayHostProblem(true, s) : wildcardDomainProblem(s);
        if (bad) {
          if (isIP(s)) out.warn(where, `using an IP address (${JSON.stringify(s)}) goes against SNI spec and most clients do not support this`);
          else out.add(where, bad);
          return;
        }
        if (!hosts.some((h) => hostSubsetOf(s, h))) {
          out.add(where, `SNI host ${JSON.stringify(s)} is not a compatible subset of any of the virtual service hosts: [${hosts.join(', ')}]`);
        }
      });
      checkL4Match(m, mat, out);
    });
    if (!r.route?.length) out.add(`${at}.route`, 'TLS route is required');
    checkRouteDestinations(r.route, `${at}.route`, out);
  });
  spec.tcp?.forEach((r, i) => {
    const at = `spec.tcp[${i}]`;
    r.match?.forEach((m, j) => checkL4Match(m, `${at}.match[${j}]`, out));
    if (!r.route?.length) out.add(`${at}.route`, 'TCP route is required');
    checkRouteDestinations(r.route, `${at}.route`, out);
  });

  unreachableWarnings('http', spec.http ?? [], out);
  unreachableWarnings('tcp', spec.tcp ?? [], out);
  unreachableWarnings('tls', spec.tls ?? [], out);
  return out.list;
}

export const virtualServiceKind: KindInfo = {
  kind: 'VirtualService',
  group: 'networking.istio.io',
  versions: ['v1alpha3', 'v1beta1', 'v1'],
  plural: 'virtualservices',
  singular: 'virtualservice',
  shortNames: ['vs'],
  namespaced: true,
  spec: virtualServiceSpec,
  specRequired: true,
  check,
};
