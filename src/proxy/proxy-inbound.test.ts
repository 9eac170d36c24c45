// The sidecar's inbound path: requests to podIP:PORT go through the inbound cluster to the app,
// counted with reporter="destination" and labelled with the caller's metadata when it sent any.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import type { ProxyConfig, Protocol } from '../xds/proxy-config.js';
import { encodePeerMetadata } from './proxy-state.js';
import {
  OutboundAgent,
  addService,
  cleanups,
  emptyConfig,
  endpoint,
  eventually,
  metricSum,
  once,
  send,
  startHttpBackend,
  startProxy,
  startTcpBackend,
  workload,
} from './test-support.js';

const WEB = 'web.demo.svc.cluster.local';

/** A sidecar config for the "web" workload serving PORT, whose app listens on 127.0.0.1:appPort. */
function inboundConfig(port: number, appPort: number, protocol: Protocol = 'http'): ProxyConfig {
  const config = emptyConfig('sidecar', workload('web'));
  const cluster = `inbound|${port}||`;
  config.inbound = [{ port, protocol, cluster, service: { host: WEB, name: 'web', namespace: 'demo', port: 80 } }];
  config.clusters[cluster] = {
    name: cluster,
    kind: 'inbound',
    protocol: protocol === 'tcp' ? 'tcp' : 'http1',
    lb: 'ROUND_ROBIN',
    connectTimeoutMs: 1000,
    endpoints: [endpoint(appPort, 'web')],
  };
  return config;
}

describe('inbound HTTP', () => {
  test('a request to podIP:PORT reaches the app with Envoy headers and is counted by the destination', async (t) => {
    const defer = cleanups(t);
    const seen: IncomingHttpHeaders[] = [];
    const app = await startHttpBackend((req, res) => {
      seen.push(req.headers);
      res.end(`app saw ${req.url}`);
    });
    defer(() => app.close());
    const p = await startProxy(40, inboundConfig(8080, app.port));
    defer(() => p.shutdown());
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    defer(() => agent.destroy());

    const r = await send({ agent, host: p.podIP, port: 8080, path: '/inbound', headers: { host: 'web:80', 'x-envoy-attempt-count': '2' } });
    assert.equal(r.status, 200);
    assert.equal(r.text, 'app saw /inbound');
    assert.equal(r.headers.server, 'istio-envoy');
    assert.equal(r.headers['x-envoy-decorator-operation'], `${WEB}:80/*`);
    assert.match(String(r.headers['x-envoy-upstream-service-time']), /^\d+$/);
    assert.equal(typeof r.headers['x-envoy-peer-metadata'], 'string', 'the destination tells the caller who it is');
    assert.equal(seen[0]!.host, 'web:80');
    assert.equal(seen[0]!['x-forwarded-proto'], 'http');
    // The caller's sidecar counted the attempt; the inbound side passes its count on.
    assert.equal(seen[0]!['x-envoy-attempt-count'], '2');
    assert.match(String(seen[0]!['x-request-id']), /^[0-9a-f-]{36}$/);

    const line = await p.waitForLog((e) => e.request === 'GET /inbound HTTP/1.1');
    assert.equal(line.responseCode, '200');
    assert.equal(line.upstreamCluster, 'inbound|8080||');
    assert.equal(line.upstreamHost, `127.0.0.1:${app.port}`);
    assert.equal(line.downstreamLocalAddress, `${p.podIP}:8080`);
    assert.equal(
      metricSum(p.metrics(), 'istio_requests_total', {
        reporter: 'destination',
        source_workload: 'unknown',
        destination_workload: 'web-v1',
        destination_workload_namespace: 'demo',
        destination_service: WEB,
        destination_service_name: 'web',
        destination_service_namespace: 'demo',
        response_code: '200',
        response_flags: '-',
      }),
      1,
    );
  });

  test('a caller\'s x-envoy-peer-metadata labels the source and is not passed to the app', async (t) => {
    const defer = cleanups(t);
    const seen: IncomingHttpHeaders[] = [];
    const app = await startHttpBackend((req, res) => {
      seen.push(req.headers);
      res.end('ok');
    });
    defer(() => app.close());
    const p = await startProxy(41, inboundConfig(8080, app.port));
    defer(() => p.shutdown());
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    defer(() => agent.destroy());

    const caller = workload('sleep', 'tools', 'v2');
    const r = await send({
      agent,
      host: p.podIP,
      port: 8080,
      path: '/from-sleep',
      headers: { host: WEB, 'x-envoy-peer-metadata': encodePeerMetadata(caller), 'x-envoy-peer-metadata-id': 'sidecar~127.213.64.99~sleep-v2-0.tools~tools.svc.cluster.local' },
    });
    assert.equal(r.status, 200);
    assert.equal(seen[0]!['x-envoy-peer-metadata'], undefined);
    assert.equal(seen[0]!['x-envoy-peer-metadata-id'], undefined);

    await p.waitForLog((e) => e.request === 'GET /from-sleep HTTP/1.1');
    const m = p.metrics();
    assert.equal(
      metricSum(m, 'istio_requests_total', {
        reporter: 'destination',
        source_workload: 'sleep-v2',
        source_workload_namespace: 'tools',
        source_app: 'sleep',
        source_version: 'v2',
        source_canonical_service: 'sleep',
        source_canonical_revision: 'v2',
        destination_workload: 'web-v1',
        destination_service: WEB,
        response_code: '200',
      }),
      1,
    );
    assert.equal(metricSum(m, 'istio_requests_total', { reporter: 'destination', source_workload: 'unknown' }), 0);
  });

  test('sidecar to sidecar: each side counts the other\'s workload', async (t) => {
    const defer = cleanups(t);
    const seen: IncomingHttpHeaders[] = [];
    const app = await startHttpBackend((req, res) => {
      seen.push(req.headers);
      res.end('web app');
    });
    defer(() => app.close());
    const server = await startProxy(42, inboundConfig(8080, app.port));
    defer(() => server.shutdown());
    const clientConfig = addService(emptyConfig('sidecar', workload('sleep')), {
      name: 'web',
      vip: '127.213.4.1',
      port: 80,
      upstream: 'http1',
      endpoints: [endpoint(8080, 'web', server.podIP)],
    });
    const client = await startProxy(43, clientConfig);
    defer(() => client.shutdown());
    const agent = new OutboundAgent(client.loopbackIP, { host: '127.213.4.1', port: 80 });
    defer(() => agent.destroy());

    const r = await send({ agent, host: 'web', port: 80, path: '/chain', headers: { 'x-request-id': 'chain-1' } });
    assert.equal(r.status, 200);
    assert.equal(r.text, 'web app');
    assert.equal(r.headers['x-envoy-peer-metadata'], undefined, 'the caller\'s sidecar strips the exchange headers from the app\'s response');
    assert.equal(seen[0]!['x-envoy-peer-metadata'], undefined);
    assert.equal(seen[0]!['x-request-id'], 'chain-1');

    await server.waitForLog((e) => e.requestId === 'chain-1');
    await client.waitForLog((e) => e.requestId === 'chain-1');
    assert.equal(
      metricSum(server.metrics(), 'istio_requests_total', { reporter: 'destination', source_workload: 'sleep-v1', source_app: 'sleep', destination_workload: 'web-v1', response_code: '200' }),
      1,
    );
    assert.equal(
      metricSum(client.metrics(), 'istio_requests_total', { reporter: 'source', source_workload: 'sleep-v1', destination_workload: 'web-v1', destination_service: WEB, response_code: '200' }),
      1,
    );
  });
});

describe('inbound TCP', () => {
  test('a TCP port pipes bytes to the app and is counted by the destination', async (t) => {
    const defer = cleanups(t);
    const app = await startTcpBackend((s) => {
      s.on('data', (d: Buffer) => s.write(d.toString().toUpperCase()));
      s.on('end', () => s.end());
    });
    defer(() => app.close());
    const p = await startProxy(44, inboundConfig(9000, app.port, 'tcp'));
    defer(() => p.shutdown());

    const s = connect({ host: p.podIP, port: 9000 });
    defer(() => s.destroy());
    let text = '';
    s.on('data', (d: Buffer) => (text += d.toString()));
    s.end('quiet please');
    await once(s, 'close');
    assert.equal(text, 'QUIET PLEASE');
    const line = await p.waitForLog((e) => e.upstreamCluster === 'inbound|9000||');
    assert.equal(line.bytesReceived, 12);
    assert.equal(line.bytesSent, 12);
    const labels = { reporter: 'destination', destination_workload: 'web-v1', destination_service: WEB, request_protocol: 'tcp' };
    assert.equal(metricSum(p.metrics(), 'istio_tcp_connections_closed_total', labels), 1);
    assert.equal(metricSum(p.metrics(), 'istio_tcp_received_bytes_total', labels), 12);
  });
});

describe('listener changes with connections open', () => {
  test(
    'a push that removes an inbound port completes while a keep-alive connection to it is open',
    async (t) => {
      const defer = cleanups(t);
      const app = await startHttpBackend((_req, res) => res.end('ok'));
      defer(() => app.close());
      const config = inboundConfig(8080, app.port);
      const p = await startProxy(45, config);
      defer(() => p.shutdown());
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      defer(() => agent.destroy());
      assert.equal((await send({ agent, host: p.podIP, port: 8080, path: '/' })).status, 200);

      const next = structuredClone(config);
      next.version = '2';
      next.inbound = [];
      delete next.clusters['inbound|8080||'];
      const applied = p.proxy.apply(next);
      const done = await eventually(applied, 3000);
      // Let a stuck apply() finish before cleaning up.
      agent.destroy();
      await applied;
      assert.ok(done, 'apply() returned while the idle keep-alive connection stayed open');
      assert.equal(p.proxy.state.config?.version, '2');
    },
  );

  test(
    'shutdown() with drainSeconds 0 closes an idle keep-alive connection instead of waiting for it',
    async (t) => {
      const defer = cleanups(t);
      const app = await startHttpBackend((_req, res) => res.end('ok'));
      defer(() => app.close());
      const p = await startProxy(46, inboundConfig(8080, app.port));
      defer(() => p.shutdown());
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      defer(() => agent.destroy());
      const r = await send({ agent, host: p.podIP, port: 8080, path: '/' });
      assert.equal(r.status, 200);
      const closed = once(r.socket, 'close');

      const stopped = p.shutdown();
      const done = await eventually(stopped, 3000);
      agent.destroy();
      await stopped;
      assert.ok(done, 'shutdown() returned while the client kept its connection open');
      assert.ok(await eventually(closed), 'the proxy closed the connection');
    },
  );
});
