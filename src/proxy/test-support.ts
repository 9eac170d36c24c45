// Helpers for the proxy's request-path tests: a proxy with a hand-built configuration on its own
// loopback addresses, small backends, a client for the outbound capture listener, and readers for
// the access log and the Prometheus text.

import { createHash } from 'node:crypto';
import { Agent, createServer as createHttpServer, request as httpRequest, type ClientRequestArgs, type IncomingHttpHeaders, type IncomingMessage, type RequestListener, type Server as HttpServer } from 'node:http';
import { connect as h2connect, createServer as createH2Server, type ClientHttp2Session, type Http2Server, type Http2ServerRequest, type Http2ServerResponse, type Http2Session, type IncomingHttpHeaders as H2Headers, type OutgoingHttpHeaders as H2OutgoingHeaders } from 'node:http2';
import { connect, createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { PassThrough, type Duplex } from 'node:stream';
import type { TestContext } from 'node:test';
import type { Cluster, Endpoint, ProxyConfig, WorkloadMeta } from '../xds/proxy-config.js';
import { proxyHeader } from './listener/proxy-protocol.js';
import { Proxy } from './proxy.js';

/**
 * Address block of these tests: pod IPs 127.213.64.N, proxy loopback IPs 127.213.128.N. Each file
 * keeps to its own N: proxy-http 1-19, proxy-tcp 20-29, proxy-errors 30-39, proxy-inbound 40-49,
 * filters/filter-suite 50-59.
 */
export function addressesFor(n: number): { podIP: string; loopbackIP: string } {
  return { podIP: `127.213.64.${n}`, loopbackIP: `127.213.128.${n}` };
}

/** Runs registered clean-ups after the test, last registered first. */
export function cleanups(t: TestContext): (fn: () => unknown) => void {
  const stack: (() => unknown)[] = [];
  t.after(async () => {
    while (stack.length) {
      const fn = stack.pop()!;
      try {
        await fn();
      } catch {
        // Keep cleaning up the rest.
      }
    }
  });
  return (fn) => void stack.push(fn);
}

// ---------------------------------------------------------------------------------------------
// Configuration

export function workload(name: string, namespace = 'demo', version = 'v1'): WorkloadMeta {
  return {
    workload: `${name}-${version}`,
    namespace,
    serviceAccount: name,
    principal: `spiffe://cluster.local/ns/${namespace}/sa/${name}`,
    app: name,
    version,
    canonicalService: name,
    canonicalRevision: version,
    cluster: 'Kubernetes',
    podName: `${name}-${version}-0`,
    labels: { app: name, version },
  };
}

export function endpoint(port: number, name = 'web', address = '127.0.0.1'): Endpoint {
  return { address, port, meshed: false, workload: workload(name) };
}

export function emptyConfig(role: 'sidecar' | 'router' = 'sidecar', self: WorkloadMeta = workload('sleep')): ProxyConfig {
  return {
    version: '1',
    role,
    self,
    outbound: { targets: {}, policy: 'ALLOW_ANY' },
    inbound: [],
    gateway: [],
    routes: {},
    clusters: {},
  };
}

export interface ServiceSpec {
  name: string;
  namespace?: string;
  /** Service address the app dials (outbound target), e.g. 127.213.1.1. */
  vip: string;
  port: number;
  /** Upstream protocol of the service's cluster. */
  upstream: 'http1' | 'http2' | 'tcp';
  /** Backend ports on 127.0.0.1 (or full endpoints). */
  endpoints: (number | Endpoint)[];
}

export function serviceHost(name: string, namespace = 'demo'): string {
  return `${name}.${namespace}.svc.cluster.local`;
}

export function outboundCluster(s: ServiceSpec): string {
  return `outbound|${s.port}||${serviceHost(s.name, s.namespace)}`;
}

/** Adds a service (target, virtual host in the port's route configuration, cluster) to a config. */
export function addService(config: ProxyConfig, s: ServiceSpec): ProxyConfig {
  const ns = s.namespace ?? 'demo';
  const host = serviceHost(s.name, ns);
  const clusterName = outboundCluster(s);
  const cluster: Cluster = {
    name: clusterName,
    kind: 'outbound',
    service: { host, name: s.name, namespace: ns, port: s.port },
    protocol: s.upstream,
    lb: 'ROUND_ROBIN',
    connectTimeoutMs: 10_000,
    endpoints: s.endpoints.map((e) => (typeof e === 'number' ? endpoint(e, s.name) : e)),
  };
  config.clusters[clusterName] = cluster;
  if (s.upstream === 'tcp') {
    config.outbound.targets[`${s.vip}:${s.port}`] = { protocol: 'tcp', cluster: clusterName };
    return config;
  }
  const routeName = String(s.port);
  config.outbound.targets[`${s.vip}:${s.port}`] = { protocol: 'http', route: routeName };
  const rc = (config.routes[routeName] ??= { name: routeName, virtualHosts: [] });
  const names = [s.name, `${s.name}.${ns}`, `${s.name}.${ns}.svc`, host, s.vip];
  rc.virtualHosts.push({
    name: `${host}:${s.port}`,
    domains: [...names, ...names.map((d) => `${d}:${s.port}`)],
    routes: [{ name: 'default', match: { prefix: '/' }, action: { cluster: clusterName }, decorator: `${host}:${s.port}/*` }],
  });
  return config;
}

// ---------------------------------------------------------------------------------------------
// The proxy

export interface TestProxy {
  proxy: Proxy;
  podIP: string;
  loopbackIP: string;
  /** Access-log lines written so far. */
  readonly logLines: string[];
  /** Resolves with the first access-log line (parsed) that satisfies pred, waiting for it if needed. */
  waitForLog(pred: (e: AccessLogLine) => boolean, what?: string): Promise<AccessLogLine>;
  metrics(): string;
  shutdown(): Promise<void>;
}

/** Starts a proxy (no control plane) on 127.213.64.N / 127.213.128.N and applies config. */
export async function startProxy(n: number, config: ProxyConfig, role: 'sidecar' | 'router' = config.role): Promise<TestProxy> {
  const { podIP, loopbackIP } = addressesFor(n);
  const out = new PassThrough();
  const logLines: string[] = [];
  let partial = '';
  const waiters = new Set<() => void>();
  out.on('data', (d: Buffer) => {
    partial += d.toString('utf8');
    let nl: number;
    while ((nl = partial.indexOf('\n')) >= 0) {
      logLines.push(partial.slice(0, nl));
      partial = partial.slice(nl + 1);
    }
    for (const w of [...waiters]) w();
  });
  const proxy = new Proxy({
    role,
    podName: `${config.self.podName}`,
    namespace: config.self.namespace,
    podIP,
    loopbackIP,
    // Never dialled: tests apply configurations directly.
    discovery: { host: '127.0.0.1', port: 1 },
    version: 'test',
    accessLogOut: out,
    log: () => undefined,
    drainSeconds: 0,
  });
  await proxy.apply(config);
  let closed = false;
  return {
    proxy,
    podIP,
    loopbackIP,
    logLines,
    waitForLog(pred, what = 'matching access-log line') {
      return new Promise((resolve, reject) => {
        const check = () => {
          for (const l of logLines) {
            const e = parseAccessLog(l);
            if (e && pred(e)) {
              waiters.delete(check);
              clearTimeout(timer);
              resolve(e);
              return;
            }
          }
        };
        // A guard against a hang, not a latency check: the line normally appears within a tick.
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no ${what} in the access log; lines so far:\n${logLines.join('\n')}`));
        }, 10_000);
        waiters.add(check);
        check();
      });
    },
    metrics: () => proxy.state.metrics.render(),
    async shutdown() {
      if (closed) return;
      closed = true;
      await proxy.shutdown();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Access log and metrics

export interface AccessLogLine {
  raw: string;
  startTime: string;
  /** "METHOD PATH PROTOCOL" */
  request: string;
  responseCode: string;
  responseFlags: string;
  responseCodeDetails: string;
  bytesReceived: number;
  bytesSent: number;
  upstreamServiceTime: string;
  requestId: string;
  authority: string;
  upstreamHost: string;
  upstreamCluster: string;
  downstreamLocalAddress: string;
  routeName: string;
}

/** Splits one line of Istio's default text format into its fields. */
export function parseAccessLog(line: string): AccessLogLine | undefined {
  const tokens = line.match(/\[[^\]]*\]|"[^"]*"|\S+/g);
  if (!tokens || tokens.length !== 22) return undefined;
  const unq = (s: string) => s.replace(/^["[]|["\]]$/g, '');
  const t = tokens.map(unq);
  return {
    raw: line,
    startTime: t[0]!,
    request: t[1]!,
    responseCode: t[2]!,
    responseFlags: t[3]!,
    responseCodeDetails: t[4]!,
    bytesReceived: Number(t[7]),
    bytesSent: Number(t[8]),
    upstreamServiceTime: t[10]!,
    requestId: t[13]!,
    authority: t[14]!,
    upstreamHost: t[15]!,
    upstreamCluster: t[16]!,
    downstreamLocalAddress: t[18]!,
    routeName: t[21]!,
  };
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parsePrometheus(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
    let lm: RegExpExecArray | null;
    while ((lm = re.exec(m[2] ?? '')) !== null) labels[lm[1]!] = lm[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** Sum of the samples of a metric whose labels include all of `labels`. */
export function metricSum(text: string, name: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const s of parsePrometheus(text)) {
    if (s.name !== name) continue;
    if (Object.entries(labels).every(([k, v]) => s.labels[k] === v)) sum += s.value;
  }
  return sum;
}

// ---------------------------------------------------------------------------------------------
// Backends

export interface Backend<S> {
  server: S;
  port: number;
  close(): Promise<void>;
}

export async function startHttpBackend(handler: RequestListener): Promise<Backend<HttpServer>> {
  const server = createHttpServer(handler);
  await listen(server);
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

export async function startH2Backend(handler: (req: Http2ServerRequest, res: Http2ServerResponse) => void): Promise<Backend<Http2Server>> {
  const server = createH2Server({}, handler);
  const sessions = new Set<Http2Session>();
  server.on('session', (s: Http2Session) => {
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
  });
  await listen(server);
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        for (const s of sessions) s.destroy();
      }),
  };
}

export async function startTcpBackend(onConnection: (s: Socket) => void): Promise<Backend<NetServer>> {
  const sockets = new Set<Socket>();
  const server = createNetServer({ allowHalfOpen: true }, (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    onConnection(s);
  });
  await listen(server);
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        for (const s of sockets) s.destroy();
      }),
  };
}

/** A port on 127.0.0.1 where nothing listens (bound, then released). */
export async function unusedPort(): Promise<number> {
  const server = createNetServer();
  await listen(server);
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

function listen(server: NetServer): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Clients

/** Connects to the outbound capture listener and writes the PROXY line naming dst; the app's bytes follow. */
export function connectOutbound(loopbackIP: string, dst: { host: string; port: number }): Socket {
  const s = connect({ host: loopbackIP, port: 15001 });
  s.write(proxyHeader('127.213.0.1', dst));
  return s;
}

/**
 * An HTTP/1.1 agent whose connections all go through the outbound capture listener to dst, as an
 * app's would after redirection. Keep-alive with one socket, so consecutive requests share a connection.
 */
export class OutboundAgent extends Agent {
  connections = 0;
  private readonly opened: Socket[] = [];

  constructor(
    private readonly loopbackIP: string,
    private readonly dst: { host: string; port: number },
  ) {
    super({ keepAlive: true, maxSockets: 1 });
  }

  /** One pool whatever the Host header: every connection goes to the same captured destination. */
  override getName(): string {
    return `${this.dst.host}:${this.dst.port}`;
  }

  override createConnection(): Duplex {
    this.connections++;
    const s = connectOutbound(this.loopbackIP, this.dst);
    this.opened.push(s);
    return s;
  }

  override destroy(): void {
    super.destroy();
    for (const s of this.opened) s.destroy();
  }
}

export interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
  socket: Socket;
}

/** One HTTP/1.1 request; resolves with the full response. */
export function send(opts: ClientRequestArgs & { body?: Buffer | string }): Promise<Response> {
  return new Promise((resolve, reject) => {
    const { body, ...rest } = opts;
    const req = httpRequest(rest, (res: IncomingMessage) => {
      // Taken now: a keep-alive socket is detached from the response once it ends.
      const socket = res.socket as Socket;
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('error', reject);
      res.on('end', () => {
        const b = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: b, text: b.toString('utf8'), socket });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

export function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

export function once<T = unknown>(emitter: NodeJS.EventEmitter, event: string): Promise<T> {
  return new Promise((resolve) => emitter.once(event, (v: T) => resolve(v)));
}

/** An h2c client session over the outbound capture listener to dst; authority is the URL's host. */
export function h2Outbound(loopbackIP: string, dst: { host: string; port: number }, authority: string): { session: ClientHttp2Session; socket: Socket } {
  const socket = connectOutbound(loopbackIP, dst);
  const session = h2connect(`http://${authority}`, { createConnection: () => socket });
  session.on('error', () => undefined);
  return { session, socket };
}

export interface H2Response {
  status: number;
  headers: H2Headers;
  body: Buffer;
  text: string;
}

export function h2Send(session: ClientHttp2Session, headers: H2OutgoingHeaders, body?: Buffer | string): Promise<H2Response> {
  return new Promise((resolve, reject) => {
    const stream = session.request(headers, { endStream: body === undefined });
    let status = 0;
    let rh: H2Headers = {};
    const chunks: Buffer[] = [];
    stream.on('response', (h) => {
      rh = h;
      status = Number(h[':status']);
    });
    stream.on('data', (d: Buffer) => chunks.push(d));
    stream.on('error', reject);
    stream.on('end', () => {
      const b = Buffer.concat(chunks);
      resolve({ status, headers: rh, body: b, text: b.toString('utf8') });
    });
    if (body !== undefined) stream.end(body);
  });
}

/**
 * Resolves true once p resolves, or false if it has not after ms. A guard so a test that waits for
 * an event fails instead of hanging; not a latency check.
 */
export function eventually(p: Promise<unknown>, ms = 10_000): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    p.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(false);
      },
    );
  });
}

/**
 * Sends raw bytes on a new outbound connection, one write per tick; resolves with everything the
 * proxy wrote until it closed, or until a whole response (by its content-length) was followed by a
 * quiet moment. With `silenceIsAnswer`, no answer at all by `waitMs` resolves '' (a request whose body
 * never came waits for it, as a server does); otherwise running out of time is an error.
 */
export function exchangeRaw(
  loopbackIP: string,
  dst: { host: string; port: number },
  parts: ReadonlyArray<string | Buffer>,
  opts: { waitMs?: number; quietMs?: number; silenceIsAnswer?: boolean } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connectOutbound(loopbackIP, dst);
    s.setNoDelay(true);
    let answer = '';
    let quiet: NodeJS.Timeout | undefined;
    const done = (): void => {
      clearTimeout(timer);
      clearTimeout(quiet);
      s.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => {
      s.destroy();
      if (answer === '' && opts.silenceIsAnswer) resolve('');
      else reject(new Error(`no whole answer after ${JSON.stringify(answer)}`));
    }, opts.waitMs ?? 10_000);
    s.on('data', (d: Buffer) => {
      answer += d.toString('latin1');
      const end = answer.indexOf('\r\n\r\n');
      const cl = /\r\ncontent-length: (\d+)\r\n/i.exec(answer.slice(0, end + 2));
      if (end >= 0 && cl && answer.length >= end + 4 + Number(cl[1])) {
        clearTimeout(quiet);
        quiet = setTimeout(done, opts.quietMs ?? 30);
      }
    });
    s.on('error', () => undefined);
    s.on('close', done);
    void (async () => {
      for (const p of parts) {
        if (s.destroyed) return;
        s.write(typeof p === 'string' ? Buffer.from(p, 'latin1') : p);
        await new Promise((r) => setImmediate(r));
      }
    })();
  });
}
