// What a VirtualService route does in the sidecar: match on headers, split by weight, rewrite,
// change headers, redirect, answer directly, inject faults, and time out.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import type { Route } from '../../xds/proxy-config.js';
import { OutboundAgent, addService, emptyConfig, outboundCluster, send, startHttpBackend, startProxy, type Backend, type TestProxy } from '../test-support.js';
import type { Server } from 'node:http';

const WEB = 'web.demo.svc.cluster.local';
const VIP = '127.213.7.1';

describe('route actions in the sidecar', () => {
  let v1: Backend<Server>;
  let v2: Backend<Server>;
  let p: TestProxy;
  let agent: OutboundAgent;
  const seen: Array<{ version: string; url?: string; headers: IncomingHttpHeaders }> = [];
  const bodies: Array<{ version: string; url?: string; body: string }> = [];

  const backend = (version: string) =>
    startHttpBackend((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => bodies.push({ version, url: req.url, body }));
      seen.push({ version, url: req.url, headers: req.headers });
      const delay = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('delay') ?? 0);
      setTimeout(() => {
        res.setHeader('x-internal', 'secret');
        res.end(version);
      }, delay);
    });

  before(async () => {
    v1 = await backend('v1');
    v2 = await backend('v2');
    const config = addService(emptyConfig(), { name: 'web', vip: VIP, port: 80, upstream: 'http1', endpoints: [v1.port] });
    const base = outboundCluster({ name: 'web', vip: VIP, port: 80, upstream: 'http1', endpoints: [] });
    const c1 = `outbound|80|v1|${WEB}`;
    const c2 = `outbound|80|v2|${WEB}`;
    config.clusters[c1] = { ...config.clusters[base]!, name: c1, subset: 'v1' };
    config.clusters[c2] = { ...config.clusters[base]!, name: c2, subset: 'v2', endpoints: [{ ...config.clusters[base]!.endpoints[0]!, port: v2.port }] };
    const routes: Route[] = [
      { name: 'jason', match: { headers: [{ name: 'end-user', match: { exact: 'jason' } }] }, action: { cluster: c2 } },
      { name: 'split', match: { prefix: '/split' }, action: { weightedClusters: [{ cluster: c1, weight: 50, requestHeaders: { set: { 'x-subset': 'v1' } } }, { cluster: c2, weight: 50 }] } },
      { name: 'rewrite', match: { prefix: '/old' }, action: { cluster: c1, prefixRewrite: '/new', hostRewrite: 'rewritten.example' }, requestHeaders: { add: { 'x-added': 'yes' }, remove: ['x-drop'] }, responseHeaders: { remove: ['x-internal'], set: { 'x-route': 'rewrite' } } },
      { name: 'regex', match: { regex: '/users/[0-9]+/profile' }, action: { cluster: c1, regexRewrite: { pattern: '^/users/([0-9]+)/profile$', substitution: '/profiles/\\1' } } },
      { name: 'moved', match: { path: '/moved' }, redirect: { path: '/elsewhere', host: 'other.example', status: 308 } },
      { name: 'maintenance', match: { path: '/maintenance' }, directResponse: { status: 503, body: 'down for maintenance' } },
      { name: 'abort', match: { path: '/abort' }, action: { cluster: c1 }, fault: { abort: { httpStatus: 418, percentage: 100 } } },
      { name: 'delay', match: { path: '/delay' }, action: { cluster: c1 }, fault: { delay: { fixedDelayMs: 300, percentage: 100 } } },
      { name: 'slow', match: { prefix: '/slow' }, action: { cluster: c1, timeoutMs: 200 } },
      { name: 'missing', match: { prefix: '/missing' }, action: { cluster: `outbound|80|v9|${WEB}` } },
      { name: 'sticky', match: { prefix: '/sticky' }, action: { cluster: `outbound|80|sticky|${WEB}` } },
      { name: 'mirror', match: { prefix: '/mirror' }, action: { cluster: c1, mirrors: [{ cluster: c2, percentage: 100 }] } },
      { name: 'default', match: { prefix: '/' }, action: { cluster: c1 } },
    ];
    // Both endpoints, hashed on a header (DestinationRule consistentHash.httpHeaderName).
    const sticky = `outbound|80|sticky|${WEB}`;
    config.clusters[sticky] = { ...config.clusters[base]!, name: sticky, lb: 'RING_HASH', hashPolicy: { header: 'x-user' }, endpoints: [config.clusters[base]!.endpoints[0]!, config.clusters[c2]!.endpoints[0]!] };
    config.routes['80']!.virtualHosts[0]!.routes = routes;
    p = await startProxy(8, config);
    agent = new OutboundAgent(p.loopbackIP, { host: VIP, port: 80 });
  });

  after(async () => {
    agent.destroy();
    await p.shutdown();
    await v1.close();
    await v2.close();
  });

  const get = (path: string, headers: Record<string, string> = {}) => send({ agent, host: WEB, port: 80, path, headers });
  const logOf = (path: string) => p.waitForLog((e) => e.request === `GET ${path} HTTP/1.1`);

  test('a header match sends jason to v2; everyone else takes the default route to v1', async () => {
    assert.equal((await get('/', { 'end-user': 'jason' })).text, 'v2');
    assert.equal((await get('/')).text, 'v1');
    assert.equal((await get('/', { 'end-user': 'someone' })).text, 'v1');
  });

  test('weighted clusters split requests, each with its own request headers', async () => {
    const counts: Record<string, number> = { v1: 0, v2: 0 };
    for (let i = 0; i < 60; i++) counts[(await get(`/split/${i}`)).text]!++;
    assert.ok(counts.v1! > 10 && counts.v2! > 10, JSON.stringify(counts));
    const split = seen.filter((s) => s.url?.startsWith('/split'));
    assert.ok(split.every((s) => (s.version === 'v1') === (s.headers['x-subset'] === 'v1')));
    assert.match((await logOf('/split/0')).upstreamCluster, /^outbound\|80\|v[12]\|web\.demo\.svc\.cluster\.local$/);
  });

  test('prefix and host rewrites, request and response header changes', async () => {
    const r = await get('/old/page?q=1', { 'x-drop': 'gone' });
    assert.equal(r.text, 'v1');
    const got = seen.at(-1)!;
    assert.equal(got.url, '/new/page?q=1');
    assert.equal(got.headers.host, 'rewritten.example');
    assert.equal(got.headers['x-added'], 'yes');
    assert.equal(got.headers['x-drop'], undefined);
    assert.equal(r.headers['x-internal'], undefined);
    assert.equal(r.headers['x-route'], 'rewrite');
    // The access log keeps what the client asked for.
    assert.equal((await logOf('/old/page?q=1')).routeName, 'rewrite');
  });

  test('a regex rewrite substitutes groups', async () => {
    await get('/users/42/profile');
    assert.equal(seen.at(-1)!.url, '/profiles/42');
  });

  test('a redirect and a direct response are answered by the sidecar', async () => {
    const moved = await get('/moved');
    assert.equal(moved.status, 308);
    assert.equal(moved.headers.location, 'http://other.example/elsewhere');
    const down = await get('/maintenance');
    assert.equal(down.status, 503);
    assert.equal(down.text, 'down for maintenance');
    const line = await logOf('/maintenance');
    assert.equal(line.responseFlags, '-');
    assert.equal(line.responseCodeDetails, 'direct_response');
  });

  test('fault injection: an abort answers the route’s status with flag FI; a delay holds the request (DI)', async () => {
    const before = seen.length;
    const aborted = await get('/abort');
    assert.equal(aborted.status, 418);
    assert.equal(aborted.text, 'fault filter abort');
    assert.equal(seen.length, before, 'an aborted request never reaches the app');
    assert.equal((await logOf('/abort')).responseFlags, 'FI');
    const t0 = Date.now();
    const delayed = await get('/delay');
    assert.equal(delayed.text, 'v1');
    assert.ok(Date.now() - t0 >= 250, 'the request was held');
    assert.equal((await logOf('/delay')).responseFlags, 'DI');
  });

  test('a route timeout answers 504 UT when the upstream is slower; a faster one is untouched', async () => {
    const slow = await get('/slow?delay=1000');
    assert.equal(slow.status, 504);
    assert.equal(slow.text, 'upstream request timeout');
    const line = await logOf('/slow?delay=1000');
    assert.equal(line.responseFlags, 'UT');
    assert.equal(line.responseCodeDetails, 'upstream_response_timeout');
    assert.equal((await get('/slow?delay=10')).status, 200);
  });

  test('a route to a subset no cluster serves answers 503 NC', async () => {
    assert.equal((await get('/missing')).status, 503);
    assert.equal((await logOf('/missing')).responseFlags, 'NC');
  });

  test('a mirror gets a copy of each request, body included, with -shadow on its Host; the client sees only the primary', async () => {
    const r = await send({ agent, host: WEB, port: 80, path: '/mirror/x', method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'payload' });
    assert.equal(r.status, 200);
    assert.equal(r.text, 'v1');
    const until = Date.now() + 5000;
    while (!bodies.some((b) => b.version === 'v2' && b.url === '/mirror/x') && Date.now() < until) await new Promise((res) => setTimeout(res, 10));
    const shadow = seen.find((x) => x.version === 'v2' && x.url === '/mirror/x');
    assert.ok(shadow, 'the mirror never got the request');
    assert.equal(shadow.headers.host, `${WEB}-shadow`);
    assert.deepEqual(bodies.filter((b) => b.url === '/mirror/x').map((b) => [b.version, b.body]).sort(), [['v1', 'payload'], ['v2', 'payload']]);
  });

  test('consistent hashing keeps each header value on one endpoint, and spreads the values', async () => {
    const byUser = new Map<string, Set<string>>();
    for (let i = 0; i < 40; i++) {
      const user = `user-${i % 8}`;
      const r = await get('/sticky', { 'x-user': user });
      (byUser.get(user) ?? byUser.set(user, new Set()).get(user)!).add(r.text);
    }
    for (const [user, versions] of byUser) assert.equal(versions.size, 1, `${user} moved between ${[...versions].join(', ')}`);
    assert.equal(new Set([...byUser.values()].map((v) => [...v][0])).size, 2, 'eight users all hashed to one endpoint');
  });
});

describe('hash keys', () => {
  test('from a header, a cookie, a query parameter or the source address', async () => {
    const { hashKey } = await import('./router.js');
    const { RawHeaderView } = await import('../codec/header-view.js');
    const h = new RawHeaderView(['x-user: jason', 'cookie: a=1; session=abc.def; b=2'], ['x-user', 'cookie']);
    assert.equal(hashKey({ header: 'x-user' }, h, '/', '127.0.0.1:5000'), 'jason');
    assert.equal(hashKey({ cookie: { name: 'session' } }, h, '/', '127.0.0.1:5000'), 'abc.def');
    assert.equal(hashKey({ cookie: { name: 'missing' } }, h, '/', '127.0.0.1:5000'), undefined);
    assert.equal(hashKey({ queryParameter: 'u' }, h, '/p?x=1&u=me', '127.0.0.1:5000'), 'me');
    assert.equal(hashKey({ sourceIp: true }, h, '/', '127.9.64.3:41000'), '127.9.64.3');
  });
});
