// Local replies: what the proxy answers when it cannot get a response from upstream, with the
// response flags Envoy would put in the access log and in istio_requests_total.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import type { Socket } from 'node:net';
import type { ProxyConfig } from '../xds/proxy-config.js';
import {
  OutboundAgent,
  addService,
  cleanups,
  emptyConfig,
  endpoint,
  h2Outbound,
  h2Send,
  metricSum,
  send,
  serviceHost,
  startHttpBackend,
  startProxy,
  startTcpBackend,
  unusedPort,
  workload,
  type Backend,
  type TestProxy,
  connectOutbound,
  once,
  outboundCluster,
} from './test-support.js';

const UPSTREAM_RESET = 'upstream connect error or disconnect/reset before headers. reset reason: ';

describe('outbound local replies', () => {
  let p: TestProxy;
  let agent: OutboundAgent;
  const backends: Backend<unknown>[] = [];
  let good: Backend<unknown>;

  before(async () => {
    good = await startHttpBackend((req, res) => res.end(`ok ${req.url}`));
    // Accepts, reads the request head, then drops the connection without answering.
    const reset = await startTcpBackend((s: Socket) => {
      let head = '';
      s.on('data', (d: Buffer) => {
        head += d.toString('latin1');
        if (head.includes('\r\n\r\n')) s.destroy();
      });
    });
    backends.push(good, reset);
    const down = await unusedPort();
    const config = emptyConfig();
    addService(config, { name: 'web', vip: '127.213.3.1', port: 80, upstream: 'http1', endpoints: [good.port] });
    addService(config, { name: 'empty', vip: '127.213.3.2', port: 80, upstream: 'http1', endpoints: [] });
    addService(config, { name: 'down', vip: '127.213.3.3', port: 80, upstream: 'http1', endpoints: [down] });
    addService(config, { name: 'reset', vip: '127.213.3.4', port: 80, upstream: 'http1', endpoints: [reset.port] });
    addService(config, { name: 'down-h2', vip: '127.213.3.5', port: 80, upstream: 'http2', endpoints: [down] });
    p = await startProxy(30, config);
    // Every request rides one keep-alive connection to the first service address; the Host header
    // picks the virtual host, so each failure is followed by a good request on the same connection.
    agent = new OutboundAgent(p.loopbackIP, { host: '127.213.3.1', port: 80 });
  });

  after(async () => {
    agent?.destroy();
    await p?.shutdown();
    for (const b of backends) await b.close();
  });

  async function expectServingAfter(tag: string, via = agent): Promise<void> {
    const r = await send({ agent: via, host: serviceHost('web'), port: 80, path: `/after-${tag}` });
    assert.equal(r.status, 200, `good request after ${tag}`);
    assert.equal(r.text, `ok /after-${tag}`);
  }

  /** A request that fails with status and flag, checked in the response, access log and metrics; then a good one on the same connection. */
  async function expectFailure(name: string, status: number, flag: string, body: (b: string) => void, via = agent, thenServing = true): Promise<void> {
    const requestId = `${name}-failure`;
    const r = await send({ agent: via, host: serviceHost(name), port: 80, path: `/${name}`, headers: { 'x-request-id': requestId } });
    assert.equal(r.status, status);
    body(r.text);
    assert.equal(r.headers.server, 'istio-envoy');
    assert.equal(r.headers['content-type'], 'text/plain');
    assert.equal(Number(r.headers['content-length']), Buffer.byteLength(r.text));
    const line = await p.waitForLog((e) => e.requestId === requestId, `${name} access-log line`);
    assert.equal(line.responseCode, String(status));
    assert.equal(line.responseFlags, flag);
    assert.equal(line.request, `GET /${name} HTTP/1.1`);
    assert.equal(line.upstreamCluster, `outbound|80||${serviceHost(name)}`);
    assert.equal(line.upstreamServiceTime, '-');
    assert.equal(
      metricSum(p.metrics(), 'istio_requests_total', {
        reporter: 'source',
        destination_service: serviceHost(name),
        response_code: String(status),
        response_flags: flag,
      }),
      1,
    );
    if (thenServing) await expectServingAfter(name, via);
  }

  test('a cluster without endpoints: 503 "no healthy upstream", flag UH', async () => {
    await expectFailure('empty', 503, 'UH', (b) => assert.equal(b, 'no healthy upstream'));
    const line = await p.waitForLog((e) => e.requestId === 'empty-failure');
    assert.equal(line.responseCodeDetails, 'no_healthy_upstream');
    assert.equal(line.upstreamHost, '-');
  });

  test('an endpoint where nothing listens: 503 connection failure, flag UF', async () => {
    await expectFailure('down', 503, 'UF', (b) => assert.ok(b.startsWith(`${UPSTREAM_RESET}connection failure`), b));
    const line = await p.waitForLog((e) => e.requestId === 'down-failure');
    assert.equal(line.responseCodeDetails, 'upstream_reset_before_response_started{connection_failure}');
  });

  test('a backend that drops the connection after reading the request: 503 connection termination, flag UC', async () => {
    await expectFailure('reset', 503, 'UC', (b) => assert.equal(b, `${UPSTREAM_RESET}connection termination`));
    const line = await p.waitForLog((e) => e.requestId === 'reset-failure');
    assert.equal(line.responseCodeDetails, 'upstream_reset_before_response_started{connection_termination}');
  });

  test('an HTTP/2 endpoint where nothing listens: 503 connection failure, flag UF', async () => {
    const own = new OutboundAgent(p.loopbackIP, { host: '127.213.3.1', port: 80 });
    try {
      await expectFailure('down-h2', 503, 'UF', (b) => assert.ok(b.startsWith(`${UPSTREAM_RESET}connection failure`), b), own, false);
      // A new connection is served.
      await expectServingAfter('down-h2');
    } finally {
      own.destroy();
    }
  });

  test(
    'an HTTP/2 upstream failure leaves the downstream HTTP/1.1 connection usable',
    async () => {
      const own = new OutboundAgent(p.loopbackIP, { host: '127.213.3.1', port: 80 });
      try {
        const bad = await send({ agent: own, host: serviceHost('down-h2'), port: 80, path: '/down-h2-again' });
        assert.equal(bad.status, 503);
        assert.notEqual(bad.headers.connection, 'close');
        const good = await send({ agent: own, host: serviceHost('web'), port: 80, path: '/after-down-h2-again' });
        assert.equal(good.status, 200);
        assert.equal(good.socket, bad.socket, 'same downstream connection');
        assert.equal(own.connections, 1);
      } finally {
        own.destroy();
      }
    },
  );

  test('a failure answered to an h2c client, and the session keeps working', async () => {
    const { session, socket } = h2Outbound(p.loopbackIP, { host: '127.213.3.1', port: 80 }, serviceHost('web'));
    try {
      const bad = await h2Send(session, { ':authority': serviceHost('empty'), ':method': 'GET', ':path': '/h2-empty', 'x-request-id': 'h2-empty' });
      assert.equal(bad.status, 503);
      assert.equal(bad.text, 'no healthy upstream');
      const line = await p.waitForLog((e) => e.requestId === 'h2-empty');
      assert.equal(line.responseFlags, 'UH');
      assert.equal(line.request, 'GET /h2-empty HTTP/2');
      const ok = await h2Send(session, { ':authority': serviceHost('web'), ':method': 'GET', ':path': '/h2-after' });
      assert.equal(ok.status, 200);
      assert.equal(ok.text, 'ok /h2-after');
    } finally {
      session.destroy();
      socket.destroy();
    }
  });

  test(
    'an HTTP/2 upstream connect failure answered to an h2c client is logged and counted as UF',
    async () => {
      const { session, socket } = h2Outbound(p.loopbackIP, { host: '127.213.3.1', port: 80 }, serviceHost('web'));
      try {
        const down = await h2Send(session, { ':authority': serviceHost('down-h2'), ':method': 'GET', ':path': '/h2-down', 'x-request-id': 'h2-down' });
        assert.equal(down.status, 503);
        assert.ok(down.text.startsWith(`${UPSTREAM_RESET}connection failure`), down.text);
        const ok = await h2Send(session, { ':authority': serviceHost('web'), ':method': 'GET', ':path': '/h2-after-down' });
        assert.equal(ok.status, 200);
        const line = await p.waitForLog((e) => e.requestId === 'h2-down');
        assert.equal(line.responseFlags, 'UF');
        assert.equal(line.request, 'GET /h2-down HTTP/2');
        assert.equal(metricSum(p.metrics(), 'istio_requests_total', { destination_service: serviceHost('down-h2'), response_code: '503', response_flags: 'UC' }), 0);
      } finally {
        session.destroy();
        socket.destroy();
      }
    },
  );

  test('the failures above all rode one downstream connection', () => {
    assert.equal(agent.connections, 1);
  });
});

describe('gateway local replies', () => {
  test('a Host that matches no virtual host: 404, flag NR', async (t) => {
    const defer = cleanups(t);
    const backend = await startHttpBackend((req, res) => res.end(`gateway backend ${req.url}`));
    defer(() => backend.close());
    const port = 8080;
    const config: ProxyConfig = emptyConfig('router', workload('ingressgateway', 'istio-system'));
    const cluster = `outbound|80||${serviceHost('web')}`;
    config.gateway = [{ port, protocol: 'http', route: `http.${port}` }];
    config.routes[`http.${port}`] = {
      name: `http.${port}`,
      virtualHosts: [{ name: `web.example.com:${port}`, domains: ['web.example.com', `web.example.com:${port}`], routes: [{ name: 'web', match: { prefix: '/' }, action: { cluster } }] }],
    };
    config.clusters[cluster] = {
      name: cluster,
      kind: 'outbound',
      service: { host: serviceHost('web'), name: 'web', namespace: 'demo', port: 80 },
      protocol: 'http1',
      lb: 'ROUND_ROBIN',
      connectTimeoutMs: 1000,
      endpoints: [endpoint(backend.port)],
    };
    const p = await startProxy(31, config);
    defer(() => p.shutdown());
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    defer(() => agent.destroy());

    const r = await send({ agent, host: p.podIP, port, path: '/nowhere', headers: { host: 'nope.example.com', 'x-request-id': 'gw-nr' } });
    assert.equal(r.status, 404);
    assert.equal(r.text, '');
    assert.equal(r.headers.server, 'istio-envoy');
    const line = await p.waitForLog((e) => e.requestId === 'gw-nr');
    assert.equal(line.responseCode, '404');
    assert.equal(line.responseFlags, 'NR');
    assert.equal(line.responseCodeDetails, 'route_not_found');
    assert.equal(line.authority, 'nope.example.com');
    assert.equal(line.downstreamLocalAddress, `${p.podIP}:${port}`);
    assert.equal(metricSum(p.metrics(), 'istio_requests_total', { reporter: 'source', source_workload: 'ingressgateway-v1', response_code: '404', response_flags: 'NR' }), 1);

    const ok = await send({ agent, host: p.podIP, port, path: '/yes', headers: { host: 'web.example.com' } });
    assert.equal(ok.status, 200);
    assert.equal(ok.text, 'gateway backend /yes');
    assert.equal(ok.socket, r.socket, 'same downstream connection');
    await p.waitForLog((e) => e.request === 'GET /yes HTTP/1.1');
    assert.equal(
      metricSum(p.metrics(), 'istio_requests_total', { reporter: 'source', destination_service: serviceHost('web'), destination_workload: 'web-v1', response_code: '200', response_flags: '-' }),
      1,
    );
  });
});

describe('malformed traffic', () => {
  test('a broken chunked request body gets 400 and the proxy keeps serving', async (t) => {
    const defer = cleanups(t);
    const good = await startHttpBackend((req, res) => {
      req.resume();
      req.on('end', () => res.end('ok'));
      req.on('error', () => undefined);
    });
    defer(() => good.close());
    const config = emptyConfig();
    addService(config, { name: 'web', vip: '127.213.3.9', port: 80, upstream: 'http1', endpoints: [good.port] });
    const p = await startProxy(31, config);
    defer(() => p.shutdown());
    const s = connectOutbound(p.loopbackIP, { host: '127.213.3.9', port: 80 });
    defer(() => s.destroy());
    let answer = '';
    s.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    const closed = once(s, 'close');
    s.write(`POST / HTTP/1.1\r\nHost: ${serviceHost('web')}\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nZZ-not-hex\r\n\r\n`);
    await closed;
    assert.match(answer, /^HTTP\/1\.1 (400|502) /);
    const agent = new OutboundAgent(p.loopbackIP, { host: '127.213.3.9', port: 80 });
    defer(() => agent.destroy());
    const r = await send({ agent, host: serviceHost('web'), port: 80, path: '/after' });
    assert.equal(r.status, 200);
  });
});

describe('requests in flight', () => {
  test('a client that goes away mid-request leaves its endpoint\'s in-flight count as it was (least request stays fair)', async (t) => {
    const defer = cleanups(t);
    let arrived!: () => void;
    const got = new Promise<void>((r) => (arrived = r));
    const slow = await startHttpBackend(() => arrived()); // never answers
    defer(() => slow.close());
    const config = emptyConfig();
    addService(config, { name: 'web', vip: '127.213.3.10', port: 80, upstream: 'http1', endpoints: [slow.port] });
    const p = await startProxy(32, config);
    defer(() => p.shutdown());
    const host = p.proxy.state.clusters.get(outboundCluster({ name: 'web', vip: '127.213.3.10', port: 80, upstream: 'http1', endpoints: [slow.port] }))!.hosts[0]!;
    const s = connectOutbound(p.loopbackIP, { host: '127.213.3.10', port: 80 });
    s.on('error', () => undefined);
    s.write(`GET /hang HTTP/1.1\r\nHost: ${serviceHost('web')}\r\n\r\n`);
    await got;
    const inFlight = (): number => host.active;
    assert.equal(inFlight(), 1);
    s.destroy();
    for (let i = 0; i < 200 && inFlight() !== 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(inFlight(), 0);
    const line = await p.waitForLog((e) => e.request === 'GET /hang HTTP/1.1');
    assert.equal(line.responseFlags, 'DC');
  });
});
