import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { parseConfig } from './config.js';
import { createFakeService, type FakeService, type FakeServiceOptions } from './server.js';
import { seeded } from '../../../test/support/random-json.js';

interface Running {
  service: FakeService;
  url: string;
  logs: string[];
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

type Doc = Record<string, unknown> & { upstream_calls?: Record<string, Doc> };

const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  await Promise.all(cleanups.map((c) => c()));
});

async function start(env: Record<string, string>, opts: FakeServiceOptions = {}): Promise<Running> {
  const logs: string[] = [];
  const config = parseConfig({ LISTEN_ADDR: '127.0.0.1:0', ...env });
  const service = createFakeService(config, { ipAddresses: ['10.244.0.22'], log: (l) => logs.push(l), ...opts });
  await new Promise<void>((resolve) => service.server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => service.close());
  const { port } = service.server.address() as AddressInfo;
  return { service, url: `http://127.0.0.1:${port}`, logs };
}

/** A plain HTTP server standing in for an upstream, recording what reaches it. */
async function stub(handler: http.RequestListener): Promise<{ url: string; seen: http.IncomingMessage[] }> {
  const seen: http.IncomingMessage[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function request(url: string, opts: { method?: string; headers?: http.OutgoingHttpHeaders } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'GET', headers: opts.headers ?? {}, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function getJson(url: string, opts: { method?: string; headers?: http.OutgoingHttpHeaders } = {}): Promise<{ status: number; doc: Doc; text: string }> {
  const r = await request(url, opts);
  return { status: r.status, doc: JSON.parse(r.text) as Doc, text: r.text };
}


async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

const GO_DURATION = /^\d+(\.\d+)?(ns|µs|ms|s)$|^(\d+h)?(\d+m)?\d+(\.\d+)?s$/;
const GO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/;

describe('fake-service handler', () => {
  it('answers the JSON document with fake-service field order and content type', async () => {
    const now = () => new Date(2022, 1, 6, 17, 34, 59, 493);
    const a = await start({ NAME: 'service-a', SERVICE_OWNER: 'dave', MESSAGE: 'Hello from service-a' }, { now });
    const r = await request(`${a.url}/`);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(Number(r.headers['content-length']), Buffer.byteLength(r.text));
    assert.ok(r.text.startsWith('{\n  "name": "service-a",\n  "owner": "dave",\n  "uri": "/",\n'), r.text);
    assert.ok(r.text.endsWith('\n}\n'));
    const doc = JSON.parse(r.text) as Doc;
    assert.deepEqual(Object.keys(doc), ['name', 'owner', 'uri', 'type', 'ip_addresses', 'start_time', 'end_time', 'duration', 'body', 'code']);
    assert.equal(doc.type, 'HTTP');
    assert.deepEqual(doc.ip_addresses, ['10.244.0.22']);
    assert.equal(doc.start_time, '2022-02-06T17:34:59.493000');
    assert.equal(doc.end_time, '2022-02-06T17:34:59.493000');
    assert.match(String(doc.duration), GO_DURATION);
    assert.equal(doc.body, 'Hello from service-a');
    assert.equal(doc.code, 200);
  });

  it('leaves owner out when SERVICE_OWNER is unset, reports the path and query, embeds JSON messages', async () => {
    const s = await start({ MESSAGE: '{"greeting":"hi","items":[1,2]}' });
    const { doc } = await getJson(`${s.url}/some/path?x=1`);
    assert.equal(doc.name, 'Service');
    assert.ok(!('owner' in doc));
    assert.equal(doc.uri, '/some/path?x=1');
    assert.deepEqual(doc.body, { greeting: 'hi', items: [1, 2] });
    assert.match(String(doc.start_time), GO_TIME);
  });

  it('answers every method, and HEAD gets the status and headers without a body', async () => {
    const s = await start({});
    assert.equal((await getJson(s.url, { method: 'POST' })).doc.code, 200);
    assert.equal((await getJson(s.url, { method: 'DELETE' })).status, 200);
    const head = await request(s.url, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
    assert.equal(head.headers['content-type'], 'text/plain; charset=utf-8');
    assert.ok(Number(head.headers['content-length']) > 0);

    const failing = await start({ ERROR_RATE: '1' });
    const failedHead = await request(failing.url, { method: 'HEAD' });
    assert.equal(failedHead.status, 500);
    assert.equal(failedHead.text, '');
  });

  it('logs each request in hclog text format', async () => {
    const s = await start({ NAME: 'service-a' });
    await request(`${s.url}/?a=b`, { headers: { 'User-Agent': 'curl/7.74.0' } });
    const text = s.logs.join('');
    assert.match(text, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(Z|[+-]\d{4}) \[INFO\] {2}Handle inbound request:\n {2}request=\n {2}\| GET \/\?a=b HTTP\/1\.1\n {2}\| Host: 127\.0\.0\.1:\d+\n/m);
    assert.match(text, /\| user-agent: curl\/7\.74\.0\n/);
    assert.match(text, /\[INFO\] {2}Finished handling request: duration="?[\d.]+(ns|µs|ms|s)"?\n/);
    assert.doesNotMatch(text, /error/i);
  });

  it('logs JSON lines when LOG_FORMAT is json', async () => {
    const s = await start({ LOG_FORMAT: 'json' });
    await request(s.url);
    const first = JSON.parse(s.logs[0]!) as Record<string, unknown>;
    assert.equal(first['@level'], 'info');
    assert.equal(first['@message'], 'Handle inbound request');
    assert.match(String(first.request), /^GET \/ HTTP\/1\.1\nHost: /);
    assert.deepEqual(Object.keys(first), ['@level', '@message', '@timestamp', 'request']);
  });
});

describe('upstream calls', () => {
  it('nests the responses of real upstream instances, keyed by the configured URI', async () => {
    const c = await start({ NAME: 'service-c(v1)', SERVICE_OWNER: 'sam', MESSAGE: 'Hello from service-c(v1)' });
    const b = await start({ NAME: 'service-b', SERVICE_OWNER: 'oli', MESSAGE: 'Hello from service-b', UPSTREAM_URIS: c.url });
    const a = await start({ NAME: 'service-a', SERVICE_OWNER: 'dave', UPSTREAM_URIS: `${b.url},${c.url}` });

    const { status, doc } = await getJson(a.url);
    assert.equal(status, 200);
    assert.equal(doc.code, 200);
    assert.ok(!('error' in doc));
    assert.deepEqual(Object.keys(doc), ['name', 'owner', 'uri', 'type', 'ip_addresses', 'start_time', 'end_time', 'duration', 'body', 'upstream_calls', 'code']);
    const calls = doc.upstream_calls!;
    assert.deepEqual(Object.keys(calls).sort(), [b.url, c.url].sort());

    const fromB = calls[b.url]!;
    assert.equal(fromB.name, 'service-b');
    assert.equal(fromB.owner, 'oli');
    assert.equal(fromB.uri, b.url);
    assert.equal(fromB.code, 200);
    assert.equal(fromB.body, 'Hello from service-b');
    assert.equal((fromB.headers as Record<string, string>)['Content-Type'], 'text/plain; charset=utf-8');
    const nested = fromB.upstream_calls![c.url]!;
    assert.equal(nested.name, 'service-c(v1)');
    assert.equal(nested.code, 200);

    const fromC = calls[c.url]!;
    assert.equal(fromC.name, 'service-c(v1)');
    assert.equal(fromC.owner, 'sam');
    assert.equal(fromC.body, 'Hello from service-c(v1)');

    // One worker: b is called before c.
    const aLog = a.logs.join('');
    assert.ok(aLog.indexOf(`uri=${b.url}/`) < aLog.indexOf(`uri=${c.url}/`), aLog);
  });

  it('answers 500 with the failed upstream inside upstream_calls when an upstream errors', async () => {
    const c = await start({ NAME: 'service-c(v2)', SERVICE_OWNER: 'pam', ERROR_RATE: '1', ERROR_CODE: '500' });
    const b = await start({ NAME: 'service-b' });
    const a = await start({ NAME: 'service-a', UPSTREAM_URIS: `${b.url},${c.url}` });

    const direct = await getJson(c.url);
    assert.equal(direct.status, 500);
    assert.deepEqual(Object.keys(direct.doc), ['name', 'owner', 'uri', 'type', 'ip_addresses', 'code', 'error']);
    assert.equal(direct.doc.error, 'Service error automatically injected');

    const { status, doc } = await getJson(a.url);
    assert.equal(status, 500);
    assert.equal(doc.code, 500);
    assert.equal(doc.body, 'Hello World');
    const calls = doc.upstream_calls!;
    assert.equal(calls[b.url]!.code, 200);
    const failed = calls[c.url]!;
    assert.equal(failed.name, 'service-c(v2)');
    assert.equal(failed.owner, 'pam');
    assert.equal(failed.uri, c.url);
    assert.equal(failed.code, 500);
    assert.equal(failed.error, `Error processing upstream request: ${c.url}/, expected code 200, got 500`);

    // `kubectl logs ... | grep -i error` finds the failure on both sides.
    assert.match(a.logs.join(''), /\[ERROR\] Error processing upstream request: error="Error processing upstream request: /);
    assert.match(a.logs.join(''), /\[ERROR\] Error handling request: /);
    assert.match(c.logs.join(''), /\[ERROR\] Error handling request: error="Service error automatically injected"/);
    assert.match(c.logs.join(''), /error_injector: Injecting error: request_count=\d+ error_percentage=1 error_type=http_error/);
  });

  it('stops at the first failing upstream when calling in sequence', async () => {
    const c = await start({ ERROR_RATE: '1' });
    const b = await start({});
    const a = await start({ UPSTREAM_URIS: `${c.url},${b.url}` });
    const { doc } = await getJson(a.url);
    assert.equal(doc.code, 500);
    assert.deepEqual(Object.keys(doc.upstream_calls!), [c.url]);
    assert.equal(b.logs.length, 0);
  });

  it('calls upstreams in parallel with UPSTREAM_WORKERS', async () => {
    // Each stub answers only once both calls have arrived, so this finishes only if they overlap.
    const waiting: http.ServerResponse[] = [];
    const handler: http.RequestListener = (_req, res) => {
      waiting.push(res);
      if (waiting.length === 2) for (const w of waiting) w.writeHead(200).end('{"name":"stub","code":200}');
    };
    const one = await stub(handler);
    const two = await stub(handler);
    const a = await start({ UPSTREAM_URIS: `${one.url},${two.url}`, UPSTREAM_WORKERS: '2' });
    const { doc } = await getJson(a.url);
    assert.equal(doc.code, 200);
    assert.deepEqual(Object.keys(doc.upstream_calls!).sort(), [one.url, two.url].sort());
  });

  it('reports an unreachable upstream with code -1 and the connection error', async () => {
    const port = await closedPort();
    const a = await start({ UPSTREAM_URIS: `http://127.0.0.1:${port}` });
    const { status, doc } = await getJson(a.url);
    assert.equal(status, 500);
    const failed = doc.upstream_calls![`http://127.0.0.1:${port}`]!;
    assert.deepEqual(Object.keys(failed), ['uri', 'code', 'error']);
    assert.equal(failed.code, -1);
    assert.equal(
      failed.error,
      `Error communicating with upstream service: Get "http://127.0.0.1:${port}/": dial tcp 127.0.0.1:${port}: connect: connection refused`,
    );
  });

  it('reports an upstream that answers something other than fake-service JSON', async () => {
    const up = await stub((_req, res) => {
      res.writeHead(403, { 'Content-Type': 'text/plain' }).end('RBAC: access denied');
    });
    const a = await start({ UPSTREAM_URIS: up.url });
    const { doc } = await getJson(a.url);
    const failed = doc.upstream_calls![up.url]!;
    assert.equal(failed.code, 403);
    assert.equal(failed.error, `Error processing upstream request: ${up.url}/, expected code 200, got 403`);
    assert.match(a.logs.join(''), /\[ERROR\] Unable to read response JSON/);
  });

  it('times out an upstream after HTTP_CLIENT_REQUEST_TIMEOUT', async () => {
    const up = await stub(() => {
      // never answers
    });
    const a = await start({ UPSTREAM_URIS: up.url, HTTP_CLIENT_REQUEST_TIMEOUT: '50ms' });
    const { doc } = await getJson(a.url);
    const failed = doc.upstream_calls![up.url]!;
    assert.equal(failed.code, -1);
    assert.match(String(failed.error), /Client\.Timeout exceeded while awaiting headers/);
  });

  it('appends the inbound path, query and headers to upstream calls', async () => {
    const up = await stub((_req, res) => {
      res.writeHead(200).end('{"name":"stub","code":200}');
    });
    const a = await start({ UPSTREAM_URIS: `${up.url},${up.url}/api?v=2` });
    const { doc } = await getJson(`${a.url}/orders/7?x=1`, {
      headers: {
        'X-Custom': 'yes',
        'x-request-id': 'abc-123',
        'x-b3-traceid': '80f198ee56343ba864fe8b2a57d3eff7',
        'Proxy-Authorization': 'secret',
        Connection: 'keep-alive, x-hop',
        'X-Hop': 'only-for-this-hop',
      },
    });
    assert.equal(doc.code, 200);
    assert.deepEqual(
      up.seen.map((r) => r.url),
      ['/orders/7?x=1', '/api/orders/7?v=2&x=1'],
    );
    const h = up.seen[0]!.headers;
    assert.equal(h['x-custom'], 'yes');
    assert.equal(h['x-request-id'], 'abc-123');
    assert.equal(h['x-b3-traceid'], '80f198ee56343ba864fe8b2a57d3eff7');
    assert.equal(h.host, new URL(up.url).host);
    assert.equal(h['proxy-authorization'], undefined);
    assert.equal(h['x-hop'], undefined);
    assert.equal(up.seen[0]!.method, 'GET');
  });

  it('passes only trace headers on when HTTP_CLIENT_APPEND_REQUEST is false', async () => {
    const up = await stub((_req, res) => {
      res.writeHead(200).end('{"name":"stub","code":200}');
    });
    const a = await start({ UPSTREAM_URIS: `${up.url}/fixed`, HTTP_CLIENT_APPEND_REQUEST: 'false' });
    await getJson(`${a.url}/orders/7?x=1`, { headers: { 'X-Custom': 'yes', traceparent: '00-abc-def-01', 'x-b3-sampled': '1' } });
    assert.equal(up.seen[0]!.url, '/fixed');
    const h = up.seen[0]!.headers;
    assert.equal(h['x-custom'], undefined);
    assert.equal(h.traceparent, '00-abc-def-01');
    assert.equal(h['x-b3-sampled'], '1');
  });
});

describe('fault injection', () => {
  it('fails close to ERROR_RATE of the requests, without calling upstreams', async () => {
    const up = await stub((_req, res) => {
      res.writeHead(200).end('{"name":"stub","code":200}');
    });
    const s = await start({ ERROR_RATE: '0.6', ERROR_CODE: '503', UPSTREAM_URIS: up.url }, { random: seeded(42) });
    const total = 200;
    let failures = 0;
    for (let i = 0; i < total; i++) {
      const { status, doc } = await getJson(s.url);
      if (status === 503) {
        failures++;
        assert.equal(doc.code, 503);
        assert.equal(doc.error, 'Service error automatically injected');
        assert.ok(!('upstream_calls' in doc));
      } else assert.equal(status, 200);
    }
    const share = failures / total;
    assert.ok(share > 0.5 && share < 0.7, `failure share ${share}`);
    assert.equal(up.seen.length, total - failures);
  });

  it('delays and then answers normally when ERROR_TYPE is delay', async () => {
    const s = await start({ ERROR_RATE: '1', ERROR_TYPE: 'delay', ERROR_DELAY: '5ms' });
    const { status, doc } = await getJson(s.url);
    assert.equal(status, 200);
    assert.equal(doc.code, 200);
    assert.match(s.logs.join(''), /error_injector: Delaying service execution: duration="?5ms"?/);
  });

  it('rate limits with RATE_LIMIT_CODE once the bucket is empty', async () => {
    const s = await start({ RATE_LIMIT: '1' });
    assert.equal((await request(s.url)).status, 200);
    const limited = await getJson(s.url);
    assert.equal(limited.status, 503);
    assert.equal(limited.doc.code, 503);
    assert.equal(limited.doc.error, 'Service exceeded rate limit');

    const custom = await start({ RATE_LIMIT: '2', RATE_LIMIT_CODE: '429' });
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await request(custom.url)).status);
    assert.deepEqual(codes, [200, 200, 429]);
  });
});

describe('health, readiness and UI', () => {
  it('answers /health with HEALTH_CHECK_RESPONSE_CODE', async () => {
    const s = await start({});
    const ok = await request(`${s.url}/health`);
    assert.deepEqual([ok.status, ok.text], [200, 'OK']);
    const sick = await start({ HEALTH_CHECK_RESPONSE_CODE: '500' });
    assert.equal((await request(`${sick.url}/health`)).status, 500);
  });

  it('answers /ready with the failure code until READY_CHECK_RESPONSE_DELAY has passed', async () => {
    const s = await start({ READY_CHECK_RESPONSE_DELAY: '100ms', READY_CHECK_RESPONSE_FAILURE_CODE: '500', READY_CHECK_RESPONSE_SUCCESS_CODE: '202' });
    const first = await request(`${s.url}/ready`);
    assert.deepEqual([first.status, first.text], [500, 'OK']);
    let status = first.status;
    for (let i = 0; i < 200 && status !== 202; i++) {
      await new Promise((r) => setTimeout(r, 10));
      status = (await request(`${s.url}/ready`)).status;
    }
    assert.equal(status, 202);

    const immediate = await start({});
    assert.equal((await request(`${immediate.url}/ready`)).status, 200);
  });

  it('serves the UI page without external resources', async () => {
    const s = await start({});
    for (const path of ['/ui', '/ui/', '/ui/index.html']) {
      const r = await request(`${s.url}${path}`);
      assert.equal(r.status, 200, path);
      assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
      assert.match(r.text, /<script>/);
      assert.doesNotMatch(r.text, /(src|href)="https?:/);
    }
    assert.equal((await request(`${s.url}/ui/missing.js`)).status, 404);
    assert.equal(s.logs.filter((l) => l.includes('Handle inbound request')).length, 0);
  });
});

describe('closing', () => {
  it('closes promptly with idle keep-alive connections and a request still sleeping', async () => {
    const s = await start({ TIMING_50_PERCENTILE: '1h' });
    const agent = new http.Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      http.get(`${s.url}/health`, { agent }, (res) => res.resume().on('end', resolve)).on('error', reject);
    });
    const pending = new Promise<number>((resolve) => {
      http.get(s.url, { agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      }).on('error', () => resolve(-1));
    });
    await new Promise((r) => setTimeout(r, 20));
    await s.service.close();
    assert.equal(s.service.server.listening, false);
    assert.ok((await pending) !== 0);
    agent.destroy();
  });
});
