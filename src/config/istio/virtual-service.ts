// VirtualService: how requests to a host are routed (HTTP, TLS passthrough and TCP rules).

import { z } from 'zod';
import type { CheckFinding, KindInfo } from '../kind-info.js';
import {
  atMostOne,
  count,
  exportTo,
  int32,
  labelMap,
  nullableBool,
  parsedSpec,
  percent,
  portNumber,
  portSelector,
  positiveDuration,
  presenceMatch,
  Problems,
  regexString,
  stringList,
  stringMatch,
  uint32,
} from './common.js';

export const destination = z.strictObject({
  host: z.string().min(1, 'destination host is required'),
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

const weight = z.number().int().min(0, 'weight must be in range 0..100').max(100, 'weight must be in range 0..100');

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
  uriRegexRewrite: z.strictObject({ match: regexString.optional(), rewrite: z.string().optional() }).optional(),
});

/** Envoy's x-envoy-retry-on and x-envoy-retry-grpc-on values that Istio accepts; bare status codes are allowed too. */
export const retryOnPolicies = [
  '5xx', 'gateway-error', 'reset', 'reset-before-request', 'connect-failure', 'envoy-ratelimited', 'retriable-4xx',
  'refused-stream', 'retriable-status-codes', 'retriable-headers', 'http3-post-connect-failure',
  'cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable',
];

export const httpRetry = z.strictObject({
  attempts: count.optional(),
  perTryTimeout: positiveDuration.optional(),
  retryOn: z
    .string()
    .superRefine((s, ctx) => {
      for (const p of s.split(',').map((x) => x.trim())) {
        const code = /^\d+$/.test(p) ? Number(p) : NaN;
        if (!retryOnPolicies.includes(p) && !(code >= 100 && code <= 599)) {
          ctx.addIssue({ code: 'custom', message: `"${p}" is not a valid retryOn policy (one of ${retryOnPolicies.join(', ')}, or an HTTP status code)` });
        }
      }
    })
    .optional(),
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

const legacyMirrorPercent = z.number().int().min(0).max(100, 'mirror percent must have a max value of 100').nullish();

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
  match: z.array(z.strictObject({ ...l4Match, sniHosts: z.array(z.string()).min(1, 'TLS match must have at least one SNI host') })),
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

const httpMethods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE'];

function checkWeights(routes: ReadonlyArray<{ weight?: number | undefined }> | undefined, path: string, out: Problems): void {
  if (!routes || routes.length < 2) return;
  const total = routes.reduce((sum, r) => sum + (r.weight ?? 0), 0);
  if (total !== 100) out.add(path, `total destination weight ${total} != 100`);
}

function checkHttpRoute(r: HttpRoute, at: string, isDelegate: boolean, appliesToGateway: boolean, out: Problems): void {
  const routes = r.route?.length ?? 0;
  if (r.delegate) {
    if (isDelegate) out.add(`${at}.delegate`, 'delegate is not allowed in a delegate virtual service');
    if (!appliesToGateway) out.add(`${at}.delegate`, 'http delegate only applies to gateway');
    if (!r.delegate.name) out.add(`${at}.delegate.name`, 'delegate name is required');
    for (const f of ['route', 'redirect', 'directResponse'] as const) {
      if (r[f] !== undefined) out.add(`${at}.${f}`, `${f} cannot be set together with delegate`);
    }
  } else if (r.redirect) {
    if (routes > 0) out.add(at, 'HTTP route cannot contain both route and redirect');
    if (r.fault) out.add(at, 'HTTP route cannot contain both fault and redirect');
    if (r.rewrite) out.add(at, 'HTTP route rule cannot contain both rewrite and redirect');
    if (r.directResponse) out.add(at, 'HTTP route cannot contain both redirect and directResponse');
  } else if (r.directResponse) {
    if (routes > 0) out.add(at, 'HTTP route cannot contain both route and directResponse');
  } else if (routes === 0) {
    out.add(at, 'HTTP route, redirect, directResponse or delegate is required');
  }

  r.match?.forEach((m, j) => {
    if (isDelegate && m.gateways?.length) out.add(`${at}.match[${j}].gateways`, 'gateways cannot be set in a delegate virtual service');
  });

  const rd = r.redirect;
  if (rd) {
    if (!rd.uri && !rd.authority && !rd.scheme && rd.port === undefined && !rd.derivePort) {
      out.add(`${at}.redirect`, 'redirect must specify URI, authority, scheme or port');
    }
    if (rd.redirectCode !== undefined && rd.redirectCode !== 0 && (rd.redirectCode < 300 || rd.redirectCode > 399)) {
      out.add(`${at}.redirect.redirectCode`, `${rd.redirectCode} is not a valid redirect code, must be 3xx`);
    }
  }
  const dr = r.directResponse;
  if (dr && (dr.status < 200 || dr.status > 599)) out.add(`${at}.directResponse.status`, `HTTP status ${dr.status} is not in range 200-599`);

  const rw = r.rewrite;
  if (rw) {
    if (!rw.uri && !rw.authority && !rw.uriRegexRewrite) out.add(`${at}.rewrite`, 'rewrite must specify uri, authority or uriRegexRewrite');
    if (rw.uri !== undefined && rw.uriRegexRewrite) out.add(`${at}.rewrite`, 'rewrite may only contain one of uri or uriRegexRewrite');
    if (rw.uriRegexRewrite && (rw.uriRegexRewrite.match === undefined || rw.uriRegexRewrite.rewrite === undefined)) {
      out.add(`${at}.rewrite.uriRegexRewrite`, 'uriRegexRewrite requires both match and rewrite');
    }
  }

  const f = r.fault;
  if (f) {
    if (!f.abort && !f.delay) out.add(`${at}.fault`, 'HTTP fault injection must have an abort and/or a delay');
    const status = f.abort?.httpStatus;
    if (status !== undefined && (status < 200 || status > 599)) {
      out.add(`${at}.fault.abort.httpStatus`, `HTTP status ${status} is not in range 200-599`);
    }
  }

  if (r.mirror && r.mirrors?.length) out.add(`${at}.mirrors`, 'HTTP route cannot contain both mirror and mirrors');

  r.corsPolicy?.allowMethods?.forEach((m, j) => {
    if (!httpMethods.includes(m)) out.add(`${at}.corsPolicy.allowMethods[${j}]`, `"${m}" is not a supported HTTP method`);
  });

  checkWeights(r.route, `${at}.route`, out);
}

function check(obj: { spec?: unknown }): CheckFinding[] {
  const spec = parsedSpec(virtualServiceSpec, obj.spec);
  if (!spec) return [];
  const out = new Problems();
  const hosts = spec.hosts ?? [];
  const gateways = spec.gateways ?? [];
  // A VirtualService without hosts can only be used as the target of another's delegate.
  const isDelegate = hosts.length === 0;
  if (isDelegate) {
    if (gateways.length) out.add('spec.hosts', 'virtual service must have at least one host (a delegate virtual service, which has none, cannot set gateways)');
    if (spec.tls?.length) out.add('spec.tls', 'delegate virtual service must have no tls route specified');
    if (spec.tcp?.length) out.add('spec.tcp', 'delegate virtual service must have no tcp route specified');
  }
  const appliesToMesh = gateways.length === 0 || gateways.includes('mesh');
  const appliesToGateway = gateways.some((g) => g !== 'mesh');
  hosts.forEach((h, i) => {
    if (h === '') out.add(`spec.hosts[${i}]`, 'empty host');
    else if (h === '*' && appliesToMesh) out.add(`spec.hosts[${i}]`, 'wildcard host * is not allowed for virtual services bound to the mesh gateway');
    const first = hosts.indexOf(h);
    if (first !== i) out.add(`spec.hosts[${i}]`, `duplicate hosts in virtual service: ${h}`);
  });
  if (!spec.http?.length && !spec.tcp?.length && !spec.tls?.length) out.add('spec', 'http, tcp or tls must be provided in virtual service');

  spec.http?.forEach((r, i) => checkHttpRoute(r, `spec.http[${i}]`, isDelegate, appliesToGateway, out));
  spec.tls?.forEach((r, i) => {
    if (r.match.length === 0) out.add(`spec.tls[${i}].match`, 'TLS route must have at least one match condition');
    if (!r.route?.length) out.add(`spec.tls[${i}].route`, 'TLS route is required');
    checkWeights(r.route, `spec.tls[${i}].route`, out);
  });
  spec.tcp?.forEach((r, i) => {
    if (!r.route?.length) out.add(`spec.tcp[${i}].route`, 'TCP route is required');
    checkWeights(r.route, `spec.tcp[${i}].route`, out);
  });
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
