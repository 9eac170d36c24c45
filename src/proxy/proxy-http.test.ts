// The sidecar's outbound HTTP path: an app's connection captured on loopbackIP:15001 (PROXY line,
// then HTTP/1.1 or h2c), routed by Host header to a cluster and on to a real backend.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest, type ClientRequest, type IncomingHttpHeaders } from 'node:http';
import type { IncomingHttpHeaders as H2Headers } from 'node:http2';
import type { Socket } from 'node:net';
import {
  OutboundAgent,
  addService,
  cleanups,
  connectOutbound,
  emptyConfig,
  eventually,
  h2Outbound,
  h2Send,
  metricSum,
  send,
  sha256,
  startH2Backend,
  startHttpBackend,
  startProxy,
  startTcpBackend,
} from './test-support.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const WEB = 'web.demo.svc.cluster.local';

describe('outbound HTTP/1.1', () => {
  test('a GET reaches the backend with request id and forwarding headers, and comes back with Envoy response headers', async (t) => {
    const defer = cleanups(t);
    const seen: IncomingHttpHeaders[] = [];
    const from: (string | undefined)[] = [];
    const backend = await startHttpBackend((req, res) => {
      seen.push(req.headers);
      from.push(req.socket.remoteAddress);
      res.setHeader('server', 'backend');
      res.end(`hello from ${req.url}`);
    });
    defer(() => backend.close());
    const p = await startProxy(1, addService(emptyConfig(), { name: 'web', vip: '127.213.1.1', port: 80, upstream: 'http1', endpoints: [backend.port] }));
    defer(() => p.shutdown());
    const agent = new OutboundAgent(p.loopbackIP, { host: '127.213.1.1', port: 80 });
    defer(() => agent.destroy());

    const r1 = await send({ agent, host: WEB, port: 80, path: '/first' });
    assert.equal(r1.status, 200);
    assert.equal(r1.text, 'hello from /first');
    assert.equal(r1.headers.server, 'istio-envoy');
    assert.match(String(r1.headers['x-envoy-upstream-service-time']), /^\d+$/);
    assert.equal(seen.length, 1);
    assert.match(String(seen[0]!['x-request-id']), UUID, 'x-request-id generated when absent');
    assert.equal(seen[0]!['x-forwarded-proto'], 'http');
    assert.equal(seen[0]!['x-envoy-attempt-count'], '1', 'the first attempt, as Istio routes count them');
    assert.equal(seen[0]!.host, WEB);

    // The app's own count is replaced, not repeated: the route does the counting.
    const r2 = await send({ agent, host: WEB, port: 80, path: '/second', headers: { 'x-request-id': 'keep-me-123', 'x-envoy-attempt-count': '7' } });
    assert.equal(r2.status, 200);
    assert.equal(r2.text, 'hello from /second');
    assert.equal(seen[1]!['x-request-id'], 'keep-me-123', 'x-request-id kept when present');
    assert.equal(seen[1]!['x-forwarded-proto'], 'http');
    assert.equal(seen[1]!['x-envoy-attempt-count'], '1');
    assert.equal(r2.headers.server, 'istio-envoy');

    // Upstream connections leave from the pod's own address.
    assert.deepEqual(from, [p.podIP, p.podIP]);

    // Keep-alive: both requests went over one downstream connection.
    assert.equal(agent.connections, 1);
    assert.equal(r1.socket, r2.socket);

    const line = await p.waitForLog((e) => e.requestId === 'keep-me-123');
    assert.equal(line.request, 'GET /second HTTP/1.1');
    assert.equal(line.responseCode, '200');
    assert.equal(line.responseFlags, '-');
    assert.equal(line.responseCodeDetails, 'via_upstream');
    assert.equal(line.authority, WEB);
    assert.equal(line.upstreamHost, `127.0.0.1:${backend.port}`);
    assert.equal(line.upstreamCluster, `outbound|80||${WEB}`);
    assert.equal(line.downstreamLocalAddress, '127.213.1.1:80');
    assert.equal(line.routeName, 'default');
    await p.waitForLog((e) => e.request === 'GET /first HTTP/1.1');
    assert.equal(
      metricSum(p.metrics(), 'istio_requests_total', {
        reporter: 'source',
        source_workload: 'sleep-v1',
        destination_workload: 'web-v1',
        destination_service: WEB,
        destination_service_name: 'web',
        response_code: '200',
        response_flags: '-',
      }),
      2,
    );
  });

  test('a restarted endpoint: every pooled connection it closed is dropped, and the request succeeds on a new one', async (t) => {
    const defer = cleanups(t);
    // Answers the first request on each connection and closes the connection on the second, as an
    // endpoint whose process restarted leaves every pooled connection to it closed.
    let accepted = 0;
    const backend = await startTcpBackend((s) => {
      accepted++;
      let served = 0;
      s.on('data', (d) => {
        if (!d.includes('\r\n\r\n')) return;
        if (served++ > 0) return void s.destroy();
        s.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
      });
    });
    defer(() => backend.close());
    const p = await startProxy(1, addService(emptyConfig(), { name: 'web', vip: '127.213.1.1', port: 80, upstream: 'http1', endpoints: [backend.port] }));
    defer(() => p.shutdown());
    // Four downstream connections at once leave four pooled upstream connections.
    const agents = [0, 1, 2, 3].map(() => new OutboundAgent(p.loopbackIP, { host: '127.213.1.1', port: 80 }));
    for (const a of agents) defer(() => a.destroy());
    const first = await Promise.all(agents.map((agent) => send({ agent, host: WEB, port: 80, path: '/warm' })));
    assert.deepEqual(first.map((r) => r.status), [200, 200, 200, 200]);
    assert.equal(accepted, 4);
    const r = await send({ agent: agents[0]!, host: WEB, port: 80, path: '/after-restart' });
    assert.equal(r.status, 200, `the retry went out on another dead pooled connection: ${r.text}`);
    assert.equal(accepted, 5, 'the retry dials a new connection');
  });

  test('a 5 MB POST body is streamed to the backend', async (t) => {
    const defer = cleanups(t);
    let firstData!: () => void;
    const backendGotData = new Promise<void>((r) => (firstData = r));
    const backend = await startHttpBackend((req, res) => {
      const hash = createHash('sha256');
      let bytes = 0;
      req.on('data', (d: Buffer) => {
        if (bytes === 0) firstData();
        bytes += d.length;
        hash.update(d);
      });
      req.on('end', () => res.end(JSON.stringify({ bytes, sha: hash.digest('hex'), te: req.headers['transfer-encoding'] ?? null })));
    });
    defer(() => backend.close());
    const p = await startProxy(2, addService(emptyConfig(), { name: 'web', vip: '127.213.1.2', port: 80, upstream: 'http1', endpoints: [backend.port] }));
    defer(() => p.shutdown());
    const agent = new OutboundAgent(p.loopbackIP, { host: '127.213.1.2', port: 80 });
    defer(() => agent.destroy());

    const body = randomBytes(5 * 1024 * 1024);
    const half = body.length / 2;
    let req!: ClientRequest;
    const result = new Promise<{ status: number; text: string }>((resolve, reject) => {
      req = httpRequest({ agent, host: WEB, port: 80, method: 'POST', path: '/upload', headers: { 'content-type': 'application/octet-stream' } }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
    });
    defer(() => req.destroy());
    // Half the body, then wait for the backend to see bytes: the proxy forwards before the body is complete.
    req.write(body.subarray(0, half));
    const early = await eventually(backendGotData);
    req.end(body.subarray(half));
    const r = await result;
    assert.ok(early, 'the backend received body bytes before the client finished sending');
    assert.equal(r.status, 200);
    const got = JSON.parse(r.text) as { bytes: number; sha: string; te: string | null };
    assert.equal(got.bytes, body.length);
    assert.equal(got.sha, sha256(body));
    assert.equal(got.te, 'chunked');
    const line = await p.waitForLog((e) => e.request === 'POST /upload HTTP/1.1');
    assert.equal(line.bytesReceived, body.length);
    assert.equal(line.responseCode, '200');
  });

  test('a chunked response streams back: the client sees the first chunk before the backend has finished', async (t) => {
    const defer = cleanups(t);
    let clientSawFirst!: () => void;
    const firstSeen = new Promise<void>((r) => (clientSawFirst = r));
    let backendFinished = false;
    const backend = await startHttpBackend(async (_req, res) => {
      res.on('finish', () => (backendFinished = true));
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('chunk-1\n');
      // Wait until the client has the first chunk (with a guard against a proxy that buffers), then finish with pauses.
      await eventually(firstSeen);
      await new Promise((r) => setTimeout(r, 30));
      res.write('chunk-2\n');
      await new Promise((r) => setTimeout(r, 30));
      res.write('chunk-3\n');
      await new Promise((r) => setTimeout(r, 30));
      res.end('chunk-4\n');
    });
    defer(() => backend.close());
    const p = await startProxy(3, addService(emptyConfig(), { name: 'web', vip: '127.213.1.3', port: 80, upstream: 'http1', endpoints: [backend.port] }));
    defer(() => p.shutdown());
    const agent = new OutboundAgent(p.loopbackIP, { host: '127.213.1.3', port: 80 });
    defer(() => agent.destroy());

    const r = await new Promise<{ chunks: string[]; finishedAtFirst: boolean; headers: IncomingHttpHeaders }>((resolve, reject) => {
      const req = httpRequest({ agent, host: WEB, port: 80, path: '/stream' }, (res) => {
        const chunks: string[] = [];
        let finishedAtFirst = true;
        res.on('data', (d: Buffer) => {
          if (chunks.length === 0) {
            finishedAtFirst = backendFinished;
            clientSawFirst();
          }
          chunks.push(d.toString());
        });
        res.on('end', () => resolve({ chunks, finishedAtFirst, headers: res.headers }));
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(r.chunks.join(''), 'chunk-1\nchunk-2\nchunk-3\nchunk-4\n');
    assert.equal(r.finishedAtFirst, false, 'first chunk arrived before the backend finished the response');
    assert.ok(r.chunks.length >= 2, `response arrived in ${r.chunks.length} piece(s)`);
    assert.equal(r.chunks[0], 'chunk-1\n');
    assert.equal(r.headers['transfer-encoding'], 'chunked');
    assert.equal(r.headers.server, 'istio-envoy');
  });
});

describe('outbound h2c', () => {
  test('h2c downstream to an h2c backend, with a request body', async (t) => {
    const defer = cleanups(t);
    const seen: { version: string; headers: H2Headers }[] = [];
    const backend = await startH2Backend((req, res) => {
      seen.push({ version: req.httpVersion, headers: req.headers });
      const hash = createHash('sha256');
      let bytes = 0;
      req.on('data', (d: Buffer) => {
        bytes += d.length;
        hash.update(d);
      });
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        res.setHeader('x-backend', 'h2');
        res.end(JSON.stringify({ method: req.method, path: req.url, authority: req.headers[':authority'], bytes, sha: hash.digest('hex') }));
      });
    });
    defer(() => backend.close());
    const p = await startProxy(4, addService(emptyConfig(), { name: 'web', vip: '127.213.1.4', port: 80, upstream: 'http2', endpoints: [backend.port] }));
    defer(() => p.shutdown());
    const { session, socket } = h2Outbound(p.loopbackIP, { host: '127.213.1.4', port: 80 }, WEB);
    defer(() => {
      session.destroy();
      socket.destroy();
    });

    const body = randomBytes(256 * 1024);
    const r = await h2Send(session, { ':authority': WEB, ':method': 'POST', ':path': '/h2-upload', 'content-type': 'application/octet-stream' }, body);
    assert.equal(r.status, 200);
    assert.equal(r.headers.server, 'istio-envoy');
    assert.equal(r.headers['x-backend'], 'h2');
    assert.match(String(r.headers['x-envoy-upstream-service-time']), /^\d+$/);
    const got = JSON.parse(r.text) as { method: string; path: string; authority: string; bytes: number; sha: string };
    assert.deepEqual(got, { method: 'POST', path: '/h2-upload', authority: WEB, bytes: body.length, sha: sha256(body) });
    assert.equal(seen[0]!.version, '2.0');
    assert.match(String(seen[0]!.headers['x-request-id']), UUID);
    assert.equal(seen[0]!.headers['x-forwarded-proto'], 'http');
    assert.equal(seen[0]!.headers['x-envoy-attempt-count'], '1');

    // A second request on the same session.
    const r2 = await h2Send(session, { ':authority': WEB, ':method': 'GET', ':path': '/again', 'x-request-id': 'h2-req-1' });
    assert.equal(r2.status, 200);
    assert.equal(seen[1]!.headers['x-request-id'], 'h2-req-1');

    const line = await p.waitForLog((e) => e.request === 'POST /h2-upload HTTP/2');
    assert.equal(line.responseCode, '200');
    assert.equal(line.bytesReceived, body.length);
    assert.equal(line.authority, WEB);
  });

  test('h2c downstream to an HTTP/1.1 backend', async (t) => {
    const defer = cleanups(t);
    const seen: { version: string; headers: IncomingHttpHeaders; bytes: number }[] = [];
    const backend = await startHttpBackend((req, res) => {
      let bytes = 0;
      req.on('data', (d: Buffer) => (bytes += d.length));
      req.on('end', () => {
        seen.push({ version: req.httpVersion, headers: req.headers, bytes });
        // Connection-specific headers must not reach an HTTP/2 client.
        res.setHeader('connection', 'keep-alive');
        res.setHeader('keep-alive', 'timeout=5');
        res.end(`h1 backend got ${bytes} bytes for ${req.method} ${req.url}`);
      });
    });
    defer(() => backend.close());
    const p = await startProxy(5, addService(emptyConfig(), { name: 'web', vip: '127.213.1.5', port: 80, upstream: 'http1', endpoints: [backend.port] }));
    defer(() => p.shutdown());
    const { session, socket } = h2Outbound(p.loopbackIP, { host: '127.213.1.5', port: 80 }, WEB);
    defer(() => {
      session.destroy();
      socket.destroy();
    });

    const r1 = await h2Send(session, { ':authority': WEB, ':method': 'GET', ':path': '/plain' });
    assert.equal(r1.status, 200);
    assert.equal(r1.text, 'h1 backend got 0 bytes for GET /plain');
    assert.equal(r1.headers.server, 'istio-envoy');
    assert.equal(r1.headers.connection, undefined);
    assert.equal(r1.headers['keep-alive'], undefined);

    const body = randomBytes(100_000);
    const r2 = await h2Send(session, { ':authority': WEB, ':method': 'PUT', ':path': '/put', 'content-type': 'application/octet-stream' }, body);
    assert.equal(r2.status, 200);
    assert.equal(r2.text, `h1 backend got ${body.length} bytes for PUT /put`);

    assert.equal(seen.length, 2);
    assert.equal(seen[0]!.version, '1.1');
    assert.equal(seen[0]!.headers.host, WEB, 'the :authority becomes the Host header');
    assert.match(String(seen[0]!.headers['x-request-id']), UUID);
    assert.equal(seen[0]!.headers['x-forwarded-proto'], 'http');
    assert.equal(seen[1]!.bytes, body.length);
    const line = await p.waitForLog((e) => e.request === 'PUT /put HTTP/2');
    assert.equal(line.responseCode, '200');
  });
});

describe('configuration updates', () => {
  test('apply() rejects a route that does nothing, and the previous configuration keeps serving; a missing cluster is 503 NC', async (t) => {
    const defer = cleanups(t);
    const backend = await startHttpBackend((_req, res) => res.end('v1 backend'));
    defer(() => backend.close());
    const good = addService(emptyConfig(), { name: 'web', vip: '127.213.1.6', port: 80, upstream: 'http1', endpoints: [backend.port] });
    const p = await startProxy(6, good);
    defer(() => p.shutdown());
    const agent = new OutboundAgent(p.loopbackIP, { host: '127.213.1.6', port: 80 });
    defer(() => agent.destroy());
    assert.equal((await send({ agent, host: WEB, port: 80, path: '/' })).status, 200);

    const bad = structuredClone(good);
    bad.version = '2';
    delete bad.routes['80']!.virtualHosts[0]!.routes[0]!.action;
    await assert.rejects(p.proxy.apply(bad), /needs exactly one of action, redirect and directResponse/);
    assert.equal(p.proxy.state.config?.version, '1');

    // Same keep-alive connection and a new one both still get the old routes.
    const r = await send({ agent, host: WEB, port: 80, path: '/after-nack' });
    assert.equal(r.status, 200);
    assert.equal(r.text, 'v1 backend');
    const fresh = new OutboundAgent(p.loopbackIP, { host: '127.213.1.6', port: 80 });
    defer(() => fresh.destroy());
    const r2 = await send({ agent: fresh, host: WEB, port: 80, path: '/fresh' });
    assert.equal(r2.status, 200);
    assert.equal(r2.text, 'v1 backend');

    // A route to a cluster the push does not carry (a subset no DestinationRule defines yet) answers 503 NC.
    const nc = structuredClone(good);
    nc.version = '3';
    nc.routes['80']!.virtualHosts[0]!.routes[0]!.action!.cluster = 'outbound|80|v9|web.demo.svc.cluster.local';
    await p.proxy.apply(nc);
    const r3 = await send({ agent: fresh, host: WEB, port: 80, path: '/no-cluster' });
    assert.equal(r3.status, 503);
    const line = await p.waitForLog((e) => e.request === 'GET /no-cluster HTTP/1.1');
    assert.equal(line.responseFlags, 'NC');
    assert.equal(line.responseCodeDetails, 'cluster_not_found');
  });
});

describe('protocol upgrades', () => {
  test('an Upgrade answered with 101 becomes a tunnel that carries bytes both ways', async (t) => {
    const defer = cleanups(t);
    const backend = await startHttpBackend((_req, res) => res.end('plain'));
    backend.server.on('upgrade', (req, socket: Socket) => {
      assert.equal(req.headers.upgrade, 'echo');
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n');
      socket.on('data', (d: Buffer) => socket.write(`echo:${d.toString()}`));
      socket.on('end', () => socket.end());
    });
    defer(() => backend.close());
    const p = await startProxy(7, addService(emptyConfig(), { name: 'web', vip: '127.213.1.7', port: 80, upstream: 'http1', endpoints: [backend.port] }));
    defer(() => p.shutdown());
    const s = connectOutbound(p.loopbackIP, { host: '127.213.1.7', port: 80 });
    defer(() => s.destroy());
    let got = '';
    s.on('data', (d: Buffer) => (got += d.toString('latin1')));
    s.write(`GET /ws HTTP/1.1\r\nHost: ${WEB}\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n`);
    await waitFor(() => got.includes('\r\n\r\n'));
    assert.match(got, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
    assert.match(got, /\r\nupgrade: echo\r\n/i);
    got = '';
    s.write('ping');
    await waitFor(() => got === 'echo:ping');
    s.end();
    const line = await p.waitForLog((e) => e.request === 'GET /ws HTTP/1.1');
    assert.equal(line.responseCode, '101');
  });
});

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check(), 'condition not met');
}
