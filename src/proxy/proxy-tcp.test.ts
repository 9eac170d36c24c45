// The sidecar's outbound TCP path: a captured connection to a TCP service address is piped to one
// endpoint of its cluster; one to an address outside the mesh's targets passes straight through.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { addService, cleanups, connectOutbound, emptyConfig, eventually, metricSum, sha256, startProxy, startTcpBackend, unusedPort } from './test-support.js';

const ECHO = 'echo.demo.svc.cluster.local';

/** Echoes every byte; when the client half-closes, writes "bye\n" and ends. */
function echoWithGoodbye(s: Socket): void {
  s.on('data', (d: Buffer) => s.write(d));
  s.on('end', () => s.end('bye\n'));
}

/** Collects what a socket receives until it ends or closes. */
function collect(s: Socket): { chunks: Buffer[]; text: () => string; ended: Promise<void>; closed: Promise<void> } {
  const chunks: Buffer[] = [];
  s.on('data', (d: Buffer) => chunks.push(d));
  s.on('error', () => undefined);
  return {
    chunks,
    text: () => Buffer.concat(chunks).toString('utf8'),
    ended: new Promise<void>((r) => s.once('end', () => r())),
    closed: new Promise<void>((r) => s.once('close', () => r())),
  };
}

/** Resolves when the collected bytes reach n. */
function received(s: Socket, c: { chunks: Buffer[] }, n: number): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (c.chunks.reduce((a, b) => a + b.length, 0) >= n) {
        s.off('data', check);
        resolve();
      }
    };
    s.on('data', check);
    check();
  });
}

describe('outbound TCP', () => {
  test('bytes echo through both ways, and a half-close still delivers the server\'s final bytes', async (t) => {
    const defer = cleanups(t);
    const backend = await startTcpBackend(echoWithGoodbye);
    defer(() => backend.close());
    const p = await startProxy(20, addService(emptyConfig(), { name: 'echo', vip: '127.213.2.1', port: 9000, upstream: 'tcp', endpoints: [backend.port] }));
    defer(() => p.shutdown());

    const s = connectOutbound(p.loopbackIP, { host: '127.213.2.1', port: 9000 });
    defer(() => s.destroy());
    const c = collect(s);
    s.write('hello ');
    await received(s, c, 6);
    assert.equal(c.text(), 'hello ');
    s.write('world\n');
    await received(s, c, 12);
    assert.equal(c.text(), 'hello world\n');
    // Half-close: the client is done sending but must still get the server's answer to that.
    s.end();
    await c.ended;
    assert.equal(c.text(), 'hello world\nbye\n');
    await c.closed;

    const line = await p.waitForLog((e) => e.upstreamCluster === `outbound|9000||${ECHO}`);
    assert.equal(line.request, '- - -');
    assert.equal(line.responseCode, '0');
    assert.equal(line.responseFlags, '-');
    assert.equal(line.bytesReceived, 12);
    assert.equal(line.bytesSent, 16);
    assert.equal(line.upstreamHost, `127.0.0.1:${backend.port}`);
    assert.equal(line.downstreamLocalAddress, '127.213.2.1:9000');
    const m = p.metrics();
    const labels = { reporter: 'source', source_workload: 'sleep-v1', destination_workload: 'echo-v1', destination_service: ECHO, destination_service_name: 'echo', request_protocol: 'tcp' };
    assert.equal(metricSum(m, 'istio_tcp_connections_opened_total', labels), 1);
    assert.equal(metricSum(m, 'istio_tcp_connections_closed_total', labels), 1);
    assert.equal(metricSum(m, 'istio_tcp_received_bytes_total', labels), 12);
    assert.equal(metricSum(m, 'istio_tcp_sent_bytes_total', labels), 16);
  });

  test('bulk data both ways arrives complete', async (t) => {
    const defer = cleanups(t);
    const backend = await startTcpBackend((s) => s.pipe(s));
    defer(() => backend.close());
    const p = await startProxy(21, addService(emptyConfig(), { name: 'echo', vip: '127.213.2.2', port: 9000, upstream: 'tcp', endpoints: [backend.port] }));
    defer(() => p.shutdown());

    const s = connectOutbound(p.loopbackIP, { host: '127.213.2.2', port: 9000 });
    defer(() => s.destroy());
    const c = collect(s);
    const data = randomBytes(3 * 1024 * 1024);
    s.write(data);
    await received(s, c, data.length);
    assert.equal(sha256(Buffer.concat(c.chunks)), sha256(data));
    s.end();
    await c.closed;
  });

  test('a half-closed client reading slowly still receives a large final response in full', async (t) => {
    const defer = cleanups(t);
    const payload = randomBytes(4 * 1024 * 1024);
    // The server reads the request up to the client's FIN, then answers with 4 MB and closes.
    const backend = await startTcpBackend((s) => {
      s.resume();
      s.on('end', () => s.end(payload));
    });
    defer(() => backend.close());
    const p = await startProxy(22, addService(emptyConfig(), { name: 'echo', vip: '127.213.2.3', port: 9000, upstream: 'tcp', endpoints: [backend.port] }));
    defer(() => p.shutdown());

    const s = connectOutbound(p.loopbackIP, { host: '127.213.2.3', port: 9000 });
    defer(() => s.destroy());
    s.on('error', () => undefined);
    s.end('GET BIG\n');
    // A slow reader: one chunk per timer turn, so the proxy has bytes queued towards it when the server closes.
    const chunks: Buffer[] = [];
    const done = new Promise<void>((resolve) => {
      s.on('data', (d: Buffer) => {
        chunks.push(d);
        s.pause();
        setTimeout(() => s.resume(), 1);
      });
      s.on('close', () => resolve());
    });
    assert.ok(await eventually(done, 30_000), 'connection closed');
    const got = Buffer.concat(chunks);
    assert.equal(got.length, payload.length);
    assert.equal(sha256(got), sha256(payload));
  });

  test('an address not among the outbound targets passes through to itself (ALLOW_ANY)', async (t) => {
    const defer = cleanups(t);
    const backend = await startTcpBackend(echoWithGoodbye);
    defer(() => backend.close());
    const p = await startProxy(23, addService(emptyConfig(), { name: 'echo', vip: '127.213.2.4', port: 9000, upstream: 'tcp', endpoints: [] }));
    defer(() => p.shutdown());

    const s = connectOutbound(p.loopbackIP, { host: '127.0.0.1', port: backend.port });
    defer(() => s.destroy());
    const c = collect(s);
    s.write('direct\n');
    await received(s, c, 7);
    s.end();
    await c.ended;
    assert.equal(c.text(), 'direct\nbye\n');

    const line = await p.waitForLog((e) => e.upstreamCluster === 'PassthroughCluster');
    assert.equal(line.upstreamHost, `127.0.0.1:${backend.port}`);
    assert.equal(line.downstreamLocalAddress, `127.0.0.1:${backend.port}`);
    assert.equal(line.responseFlags, '-');
    assert.equal(metricSum(p.metrics(), 'istio_tcp_connections_opened_total', { reporter: 'source', destination_service_name: 'PassthroughCluster' }), 1);
  });

  test('with REGISTRY_ONLY an unknown address is refused and never reached', async (t) => {
    const defer = cleanups(t);
    let reached = 0;
    const backend = await startTcpBackend((s) => {
      reached++;
      s.destroy();
    });
    defer(() => backend.close());
    const config = addService(emptyConfig(), { name: 'echo', vip: '127.213.2.5', port: 9000, upstream: 'tcp', endpoints: [backend.port] });
    config.outbound.policy = 'REGISTRY_ONLY';
    const p = await startProxy(24, config);
    defer(() => p.shutdown());

    const s = connectOutbound(p.loopbackIP, { host: '127.0.0.1', port: backend.port });
    defer(() => s.destroy());
    const c = collect(s);
    s.write('anyone there?\n');
    await c.closed;
    assert.equal(c.text(), '');
    assert.equal(reached, 0);
  });

  test('connection failures: no endpoints (UH) and nothing listening (UF)', async (t) => {
    const defer = cleanups(t);
    const closedPort = await unusedPort();
    const config = addService(emptyConfig(), { name: 'empty', vip: '127.213.2.6', port: 9000, upstream: 'tcp', endpoints: [] });
    addService(config, { name: 'down', vip: '127.213.2.7', port: 9000, upstream: 'tcp', endpoints: [closedPort] });
    const backend = await startTcpBackend(echoWithGoodbye);
    defer(() => backend.close());
    addService(config, { name: 'echo', vip: '127.213.2.8', port: 9000, upstream: 'tcp', endpoints: [backend.port] });
    const p = await startProxy(25, config);
    defer(() => p.shutdown());

    for (const [vip, name, flag] of [
      ['127.213.2.6', 'empty', 'UH'],
      ['127.213.2.7', 'down', 'UF'],
    ] as const) {
      const s = connectOutbound(p.loopbackIP, { host: vip, port: 9000 });
      defer(() => s.destroy());
      const c = collect(s);
      s.write('hi\n');
      await c.closed;
      assert.equal(c.text(), '', name);
      const line = await p.waitForLog((e) => e.upstreamCluster === `outbound|9000||${name}.demo.svc.cluster.local`, `${name} line`);
      assert.equal(line.responseFlags, flag, name);
      assert.equal(metricSum(p.metrics(), 'istio_tcp_connections_closed_total', { destination_service_name: name, response_flags: flag }), 1, name);
    }

    // The proxy keeps serving.
    const s = connectOutbound(p.loopbackIP, { host: '127.213.2.8', port: 9000 });
    defer(() => s.destroy());
    const c = collect(s);
    s.end('still here\n');
    await c.ended;
    assert.equal(c.text(), 'still here\nbye\n');
    await c.closed;
  });
});
