// Calls to UPSTREAM_URIS. Like fake-service's client: always a GET, the inbound path, query and headers
// appended when HTTP_CLIENT_APPEND_REQUEST is on, anything but 200 is a failure, and errors read as Go's do.
// The host name of each URI is used as given; resolving it is the runtime's business.

import http from 'node:http';
import type { FakeServiceConfig } from './config.js';

export interface UpstreamResult {
  /** The URI as configured; the key under upstream_calls. */
  uri: string;
  /** The URL actually requested. */
  url: string;
  /** HTTP status, or -1 when no response arrived. */
  code: number;
  body?: string;
  headers: Record<string, string>;
  cookies: Record<string, string>;
  /** Set when the call counts as failed. */
  error?: string;
}

export interface InboundRequest {
  /** Path and query as received, e.g. "/orders?id=3". */
  url: string;
  headers: http.IncomingHttpHeaders;
}

export interface UpstreamClient {
  /** The request that call() would send, for logging before it goes out. */
  plan(uri: string, inbound: InboundRequest): PlannedRequest;
  call(plan: PlannedRequest, signal?: AbortSignal): Promise<UpstreamResult>;
  close(): void;
}

export interface PlannedRequest {
  uri: string;
  url: string;
  host: string;
  port: number;
  path: string;
  headers: Record<string, string | string[]>;
}

// Never forwarded: they describe the inbound connection, not the request. Accept-Encoding is dropped
// because the body is read as text.
const NOT_FORWARDED = new Set([
  'host',
  'content-length',
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'trailers',
  'transfer-encoding',
  'upgrade',
  'expect',
  'accept-encoding',
]);

// Trace context that must reach upstreams for a mesh to stitch spans together (the set Istio documents).
const TRACE_HEADERS = [
  'x-request-id',
  'x-b3-traceid',
  'x-b3-spanid',
  'x-b3-parentspanid',
  'x-b3-sampled',
  'x-b3-flags',
  'b3',
  'traceparent',
  'tracestate',
  'x-ot-span-context',
  'x-cloud-trace-context',
  'grpc-trace-bin',
];

export function createUpstreamClient(opts: FakeServiceConfig['httpClient']): UpstreamClient {
  // Without keep-alives (fake-service's default) every call opens a connection, so calls to a Service
  // with several endpoints spread over them the way kube-proxy spreads connections.
  const agent = new http.Agent({ keepAlive: opts.keepAlives });

  return {
    plan: (uri, inbound) => planRequest(uri, inbound, opts.appendRequest),
    call: (plan, signal) => send(agent, plan, opts.requestTimeoutMs, signal),
    close: () => agent.destroy(),
  };
}

export function planRequest(uri: string, inbound: InboundRequest, append: boolean): PlannedRequest {
  const u = new URL(uri);
  let path = u.pathname;
  let query = u.search.slice(1);
  if (append) {
    const q = inbound.url.indexOf('?');
    const inPath = q < 0 ? inbound.url : inbound.url.slice(0, q);
    const inQuery = q < 0 ? '' : inbound.url.slice(q + 1);
    path = path.endsWith('/') && inPath.startsWith('/') ? path + inPath.slice(1) : path + inPath;
    if (inQuery) query = query ? `${query}&${inQuery}` : inQuery;
  }
  const fullPath = path + (query ? `?${query}` : '');
  const headers = forwardedHeaders(inbound.headers, append);
  // What the Go client calls itself when the caller sent no User-Agent; mesh access logs show it.
  if (headers['user-agent'] === undefined) headers['user-agent'] = 'Go-http-client/1.1';
  return {
    uri,
    url: `${u.protocol}//${u.host}${fullPath}`,
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: u.port ? Number(u.port) : 80,
    path: fullPath,
    headers,
  };
}

function forwardedHeaders(inbound: http.IncomingHttpHeaders, append: boolean): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (!append) {
    for (const name of TRACE_HEADERS) {
      const v = inbound[name];
      if (v !== undefined) out[name] = v;
    }
    return out;
  }
  const connectionListed = new Set(
    String(inbound.connection ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );
  for (const [name, v] of Object.entries(inbound)) {
    if (v === undefined || NOT_FORWARDED.has(name) || connectionListed.has(name)) continue;
    out[name] = v;
  }
  return out;
}

function send(agent: http.Agent, plan: PlannedRequest, timeoutMs: number, signal?: AbortSignal): Promise<UpstreamResult> {
  const base = { uri: plan.uri, url: plan.url, headers: {}, cookies: {} };
  const goErr = (detail: string): string => `Get "${plan.url}": ${detail}`;
  return new Promise((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    let req: http.ClientRequest | undefined;
    const finish = (r: UpstreamResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(r);
    };
    const fail = (detail: string): void => {
      finish({ ...base, code: -1, error: `Error communicating with upstream service: ${goErr(detail)}` });
      req?.destroy();
    };
    const onAbort = (): void => fail('context canceled');

    try {
      req = http.request({ host: plan.host, port: plan.port, path: plan.path, method: 'GET', headers: plan.headers, agent });
    } catch (err) {
      // Node refuses some paths and header values outright; that is this call's failure, not the handler's.
      fail(err instanceof Error ? err.message : String(err));
      return;
    }
    if (timeoutMs > 0) timer = setTimeout(() => fail('context deadline exceeded (Client.Timeout exceeded while awaiting headers)'), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();

    req.on('error', (err: NodeJS.ErrnoException) => fail(goStyleError(err, plan)));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err) => {
        finish({ ...base, code: res.statusCode ?? -1, error: `Error reading response body: ${err.message}` });
      });
      res.on('end', () => {
        const code = res.statusCode ?? -1;
        const result: UpstreamResult = {
          ...base,
          code,
          body: Buffer.concat(chunks).toString('utf8'),
          headers: responseHeaders(res.rawHeaders),
          cookies: responseCookies(res.headers['set-cookie']),
        };
        if (code !== 200) result.error = `Error processing upstream request: ${plan.url}, expected code 200, got ${code}`;
        finish(result);
      });
    });
    req.end();
  });
}

/** Go's net/http wording for the failures a workshop runs into; Node's own text otherwise. */
function goStyleError(err: NodeJS.ErrnoException, plan: PlannedRequest): string {
  const addr = `${plan.host}:${plan.port}`;
  switch (err.code) {
    case 'ECONNREFUSED':
      return `dial tcp ${addr}: connect: connection refused`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `dial tcp: lookup ${plan.host}: no such host`;
    case 'ECONNRESET':
      return err.message === 'socket hang up' ? 'EOF' : 'read: connection reset by peer';
    case 'ETIMEDOUT':
      return `dial tcp ${addr}: connect: connection timed out`;
    default:
      return err.message;
  }
}

/** Header names in Go's canonical form ("X-Envoy-Upstream-Service-Time"), repeated values joined by ",". */
function responseHeaders(raw: string[]): Record<string, string> {
  const values = new Map<string, string[]>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = canonicalHeaderKey(raw[i]!);
    const list = values.get(name) ?? [];
    list.push(raw[i + 1]!);
    values.set(name, list);
  }
  return Object.fromEntries([...values].map(([k, v]) => [k, v.join(',')]));
}

function canonicalHeaderKey(name: string): string {
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_m, sep: string, ch: string) => sep + ch.toUpperCase());
}

function responseCookies(setCookie: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of setCookie ?? []) {
    const pair = line.split(';', 1)[0]!;
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  return out;
}
