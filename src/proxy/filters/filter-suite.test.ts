// One suite for every HTTP filter behaviour, run over the three kinds of client the proxy serves:
// HTTP/1.1 (the proxy's own codec), HTTP/1.0 and h2c (node's servers behind the node codec). The
// expectations are the same for all three: the filter chain does not depend on the codec.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect as h2connect, createServer as createH2Server, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import { connect, type Socket } from 'node:net';
import type { ProxyConfig } from '../../xds/proxy-config.js';
import { encodePeerMetadata } from '../proxy-state.js';
import {
  addService,
  connectOutbound,
  emptyConfig,
  endpoint,
  h2Send,
  metricSum,
  outboundCluster,
  serviceHost,
  startH2Backend,
  startHttpBackend,
  startProxy,
  startTcpBackend,
  unusedPort,
  workload,
  type Backend,
  type ServiceSpec,
  type TestProxy,
} from '../test-support.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const UPSTREAM_RESET = 'upstream connect error or disconnect/reset before headers. reset reason: ';
const WEB = serviceHost('web');

type Headers = Record<string, string | string[] | undefined>;

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

/** What the backends report back: the HTTP version and headers they saw. */
interface Seen {
  version: string;
  headers: Headers;
}

type ClientKind = 'HTTP/1.1' | 'HTTP/1.0' | 'h2c';

interface Client {
  /** The protocol as the access log writes it. */
  readonly logged: string;
  request(authority: string, path: string, headers?: Record<string, string>): Promise<Answer>;
  close(): void;
}

/** A client whose every connection comes from dial() (the outbound capture listener, or an inbound port). */
function client(kind: ClientKind, dial: () => Socket): Client {
  switch (kind) {
    case 'HTTP/1.1':
      return {
        logged: 'HTTP/1.1',
        request: (authority, path, headers = {}) =>
          new Promise((resolve, reject) => {
            const req = httpRequest({ createConnection: dial, path, headers: { host: authority, ...headers } }, (res: IncomingMessage) => {
              const chunks: Buffer[] = [];
              res.on('data', (d: Buffer) => chunks.push(d));
              res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() }));
              res.on('error', reject);
            });
            req.on('error', reject);
            req.end();
          }),
        close: () => undefined,
      };
    case 'HTTP/1.0':
      return { logged: 'HTTP/1.0', request: (authority, path, headers = {}) => http10(dial(), authority, path, headers), close: () => undefined };
    case 'h2c': {
      let socket: Socket | undefined;
      const session = h2connect('http://h2c.invalid', { createConnection: () => (socket = dial()) });
      session.on('error', () => undefined);
      return {
        logged: 'HTTP/2',
        request: async (authority, path, headers = {}) => {
          const r = await h2Send(session, { ':authority': authority, ':method': 'GET', ':path': path, ...headers });
          return { status: r.status, headers: r.headers as Headers, text: r.text };
        },
        close: () => {
          session.destroy();
          socket?.destroy();
        },
      };
    }
  }
}

/** One HTTP/1.0 exchange written by hand (node's client speaks only HTTP/1.1); the response ends at close. */
function http10(s: Socket, authority: string, path: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    s.on('data', (d: Buffer) => chunks.push(d));
    s.on('error', reject);
    s.on('close', () => {
      const raw = Buffer.concat(chunks).toString('latin1');
      const end = raw.indexOf('\r\n\r\n');
      if (end < 0) {
        reject(new Error(`no response head in ${JSON.stringify(raw)}`));
        return;
      }
      const [statusLine, ...lines] = raw.slice(0, end).split('\r\n');
      const h: Headers = {};
      for (const l of lines) {
        const c = l.indexOf(':');
        const name = l.slice(0, c).toLowerCase();
        const value = l.slice(c + 1).trim();
        const prev = h[name];
        h[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
      }
      resolve({ status: Number(statusLine!.split(' ')[1]), headers: h, text: Buffer.from(raw.slice(end + 4), 'latin1').toString() });
    });
    s.write(`GET ${path} HTTP/1.0\r\nhost: ${authority}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`);
  });
}

/** Answers with what it saw, and with headers the proxy must replace or hide. */
function reportSeen(req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse): void {
  req.resume();
  req.on('end', () => {
    const seen: Seen = { version: req.httpVersion, headers: req.headers as Headers };
    res.setHeader('server', 'backend');
    res.setHeader('x-envoy-upstream-service-time', '999999');
    res.setHeader('x-envoy-peer-metadata', 'from-backend');
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(seen));
  });
}

/** One port that serves HTTP/1.1 and h2c (told apart by the first bytes), for a cluster of protocol auto. */
function startDualBackend(): Promise<Backend<unknown>> {
  const h1 = createHttpServer(reportSeen);
  const h2 = createH2Server({}, reportSeen);
  return startTcpBackend((s: Socket) => {
    s.once('data', (d: Buffer) => {
      s.pause();
      s.unshift(d);
      if (d.toString('latin1', 0, 3) === 'PRI') {
        // node's HTTP/2 server reads what was put back itself; resuming would hand it to no one.
        h2.emit('connection', s);
        return;
      }
      h1.emit('connection', s);
      s.resume();
    });
  });
}

function seenOf(a: Answer): Seen {
  assert.equal(a.status, 200, a.text);
  return JSON.parse(a.text) as Seen;
}

// ---------------------------------------------------------------------------------------------

const KINDS: ClientKind[] = ['HTTP/1.1', 'HTTP/1.0', 'h2c'];
const OUT_VIP = '127.213.5.1';
const INBOUND_PORT = 8080;

let out: TestProxy;
let inbound: TestProxy;
const backends: Backend<unknown>[] = [];

function service(name: string, upstream: ServiceSpec['upstream'], endpoints: number[], vip: string): ServiceSpec {
  return { name, vip, port: 80, upstream, endpoints };
}

before(async () => {
  const h1 = await startHttpBackend(reportSeen);
  const h2 = await startH2Backend(reportSeen);
  const dual = await startDualBackend();
  // Reads the request head, then drops the connection without answering.
  const reset = await startTcpBackend((s: Socket) => {
    let head = '';
    s.on('data', (d: Buffer) => {
      head += d.toString('latin1');
      if (head.includes('\r\n\r\n')) s.destroy();
    });
  });
  backends.push(h1, h2, dual, reset);
  const down = await unusedPort();

  const config = emptyConfig();
  // Hosts outside the route configuration get 404 NR rather than passing through.
  config.outbound.policy = 'REGISTRY_ONLY';
  addService(config, service('web', 'http1', [h1.port], OUT_VIP));
  addService(config, service('web-h2', 'http2', [h2.port], '127.213.5.2'));
  const auto = service('web-auto', 'http1', [dual.port], '127.213.5.3');
  addService(config, auto);
  config.clusters[outboundCluster(auto)]!.protocol = 'auto';
  addService(config, service('empty', 'http1', [], '127.213.5.4'));
  addService(config, service('down', 'http1', [down], '127.213.5.5'));
  addService(config, service('reset', 'http1', [reset.port], '127.213.5.6'));
  out = await startProxy(50, config);

  const inConfig: ProxyConfig = emptyConfig('sidecar', workload('web'));
  const cluster = `inbound|${INBOUND_PORT}||`;
  inConfig.inbound = [{ port: INBOUND_PORT, protocol: 'http', cluster, service: { host: WEB, name: 'web', namespace: 'demo', port: 80 } }];
  inConfig.clusters[cluster] = { name: cluster, kind: 'inbound', protocol: 'http1', lb: 'ROUND_ROBIN', connectTimeoutMs: 1000, endpoints: [endpoint(h1.port, 'web')] };
  inbound = await startProxy(51, inConfig);
});

after(async () => {
  await out?.shutdown();
  await inbound?.shutdown();
  for (const b of backends) await b.close();
});

for (const kind of KINDS) {
  describe(`HTTP filters over ${kind}`, () => {
    let c: Client;
    let toApp: Client;

    before(() => {
      c = client(kind, () => connectOutbound(out.loopbackIP, { host: OUT_VIP, port: 80 }));
      toApp = client(kind, () => connect({ host: inbound.podIP, port: INBOUND_PORT }));
    });

    after(() => {
      c?.close();
      toApp?.close();
    });

    const tag = kind.replace(/\W/g, '').toLowerCase();

    test(`request id: generated when absent, kept when present (${kind})`, async () => {
      const made = seenOf(await c.request(WEB, `/rid-new-${tag}`));
      assert.match(String(made.headers['x-request-id']), UUID);
      const kept = seenOf(await c.request(WEB, `/rid-kept-${tag}`, { 'x-request-id': `rid-${tag}` }));
      assert.equal(kept.headers['x-request-id'], `rid-${tag}`);
      const line = await out.waitForLog((e) => e.requestId === `rid-${tag}`);
      assert.equal(line.request, `GET /rid-kept-${tag} ${c.logged}`);
      const logged = await out.waitForLog((e) => e.request === `GET /rid-new-${tag} ${c.logged}`);
      assert.equal(logged.requestId, made.headers['x-request-id']);
    });

    test(`forwarding headers: x-forwarded-proto set when absent, kept when present (${kind})`, async () => {
      assert.equal(seenOf(await c.request(WEB, `/xfp-${tag}`)).headers['x-forwarded-proto'], 'http');
      assert.equal(seenOf(await c.request(WEB, `/xfp-kept-${tag}`, { 'x-forwarded-proto': 'https' })).headers['x-forwarded-proto'], 'https');
    });

    test(`peer metadata, outbound: the callee learns this workload; its answer stays with the proxy (${kind})`, async () => {
      const r = await c.request(WEB, `/meta-out-${tag}`, { 'x-envoy-peer-metadata': 'spoofed-by-app' });
      const seen = seenOf(r);
      assert.equal(seen.headers['x-envoy-peer-metadata'], out.proxy.state.peerMetadata);
      assert.equal(seen.headers['x-envoy-peer-metadata-id'], out.proxy.state.nodeId);
      assert.equal(r.headers['x-envoy-peer-metadata'], undefined);
    });

    test(`peer metadata, inbound: the caller labels the source, the app never sees it, the answer names the callee (${kind})`, async () => {
      const caller = workload(`caller-${tag}`, 'tools', 'v3');
      const r = await toApp.request('web:80', `/meta-in-${tag}`, { 'x-envoy-peer-metadata': encodePeerMetadata(caller), 'x-envoy-peer-metadata-id': 'sidecar~x' });
      const seen = seenOf(r);
      assert.equal(seen.headers['x-envoy-peer-metadata'], undefined);
      assert.equal(seen.headers['x-envoy-peer-metadata-id'], undefined);
      assert.equal(r.headers['x-envoy-peer-metadata'], inbound.proxy.state.peerMetadata);
      await inbound.waitForLog((e) => e.request === `GET /meta-in-${tag} ${toApp.logged}`);
      assert.equal(metricSum(inbound.metrics(), 'istio_requests_total', { reporter: 'destination', source_workload: `caller-${tag}-v3`, source_workload_namespace: 'tools', response_code: '200' }), 1);
    });

    test(`envoy response headers: server, upstream service time, and the decorator inbound (${kind})`, async () => {
      const r = await c.request(WEB, `/envoy-${tag}`);
      assert.equal(r.status, 200);
      assert.equal(r.headers.server, 'istio-envoy');
      assert.match(String(r.headers['x-envoy-upstream-service-time']), /^\d+$/);
      assert.notEqual(r.headers['x-envoy-upstream-service-time'], '999999');
      assert.equal(r.headers['x-envoy-decorator-operation'], undefined, 'outbound responses carry no decorator');
      const i = await toApp.request('web:80', `/envoy-in-${tag}`);
      assert.equal(i.headers.server, 'istio-envoy');
      assert.equal(i.headers['x-envoy-decorator-operation'], `${WEB}:80/*`);
    });

    /** A local reply, checked in the response, the access log and the metrics. */
    async function expectLocalReply(host: string, status: number, flag: string, details: string, body: (b: string) => void): Promise<void> {
      const id = `${flag}-${tag}`;
      const r = await c.request(host, `/${id}`, { 'x-request-id': id });
      assert.equal(r.status, status);
      body(r.text);
      assert.equal(r.headers.server, 'istio-envoy');
      assert.equal(r.headers['content-type'], 'text/plain');
      assert.equal(Number(r.headers['content-length']), Buffer.byteLength(r.text));
      assert.equal(r.headers['x-envoy-upstream-service-time'], undefined);
      const line = await out.waitForLog((e) => e.requestId === id);
      assert.equal(line.request, `GET /${id} ${c.logged}`);
      assert.equal(line.responseCode, String(status));
      assert.equal(line.responseFlags, flag);
      assert.equal(line.responseCodeDetails, details);
      assert.equal(metricSum(out.metrics(), 'istio_requests_total', { reporter: 'source', response_code: String(status), response_flags: flag, request_protocol: 'http' }) >= 1, true);
    }

    test(`local reply NR: a Host no route serves gets 404 with an empty body (${kind})`, async () => {
      await expectLocalReply('nowhere.example.com', 404, 'NR', 'route_not_found', (b) => assert.equal(b, ''));
    });

    test(`local reply UH: a cluster without endpoints gets 503 "no healthy upstream" (${kind})`, async () => {
      await expectLocalReply(serviceHost('empty'), 503, 'UH', 'no_healthy_upstream', (b) => assert.equal(b, 'no healthy upstream'));
    });

    test(`local reply UF: an endpoint where nothing listens gets 503 connection failure (${kind})`, async () => {
      await expectLocalReply(serviceHost('down'), 503, 'UF', 'upstream_reset_before_response_started{connection_failure}', (b) => assert.ok(b.startsWith(`${UPSTREAM_RESET}connection failure`), b));
    });

    test(`local reply UC: a backend that drops the request gets 503 connection termination (${kind})`, async () => {
      await expectLocalReply(serviceHost('reset'), 503, 'UC', 'upstream_reset_before_response_started{connection_termination}', (b) => assert.equal(b, `${UPSTREAM_RESET}connection termination`));
    });

    test(`upstream protocol: http1 clusters get HTTP/1.1 (${kind})`, async () => {
      assert.equal(seenOf(await c.request(WEB, `/proto-h1-${tag}`)).version, '1.1');
    });

    test(`upstream protocol: http2 clusters get HTTP/2, whatever the client spoke (${kind})`, async () => {
      const r = await c.request(serviceHost('web-h2'), `/proto-h2-${tag}`);
      const seen = seenOf(r);
      assert.equal(seen.version, '2.0');
      assert.equal(seen.headers[':authority'], serviceHost('web-h2'));
      assert.equal(r.headers.server, 'istio-envoy');
    });

    test(`upstream protocol: auto clusters speak what the client spoke (${kind})`, async () => {
      assert.equal(seenOf(await c.request(serviceHost('web-auto'), `/proto-auto-${tag}`)).version, kind === 'h2c' ? '2.0' : '1.1');
    });
  });
}
