import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { exchange } from '../../../test/support/http-exchange.js';
import type { Flavor } from './flavor.js';
import { createHttpbinServer } from './server.js';

async function start(flavor: Flavor): Promise<{ server: Server; port: number }> {
  const server = createHttpbinServer(flavor);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

function json(text: string): Record<string, unknown> {
  return JSON.parse(text) as Record<string, unknown>;
}

const MULTIPART = [
  '--XyZ', 'Content-Disposition: form-data; name="field"', '', 'value',
  '--XyZ', 'Content-Disposition: form-data; name="upload"; filename="a.txt"', 'Content-Type: text/plain', '', 'file body',
  '--XyZ--', '',
].join('\r\n');

describe('httpbin, kennethreitz shape', () => {
  let server: Server;
  let port: number;
  before(async () => ({ server, port } = await start('python')));
  after(() => stop(server));

  it('/get echoes args, title-cased headers as strings, origin and url, as Flask pretty-prints (sorted, ", " separators)', async () => {
    const r = await exchange(port, '/get?a=1&b=2&b=3', { headers: { 'User-Agent': 'curl/8.5.0', 'x-b3id': 'abc', 'X-Request-Id': 'hidden', 'X-Multi': ['1', '2'] } });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.headers['access-control-allow-origin'], '*');
    assert.equal(r.headers['access-control-allow-credentials'], 'true');
    assert.equal(r.headers.server, 'gunicorn/19.9.0');
    assert.equal(r.text, [
      '{',
      '  "args": {',
      '    "a": "1", ',
      '    "b": [',
      '      "2", ',
      '      "3"',
      '    ]',
      '  }, ',
      '  "headers": {',
      '    "Connection": "close", ',
      `    "Host": "127.0.0.1:${port}", `,
      '    "User-Agent": "curl/8.5.0", ',
      '    "X-B3Id": "abc", ',
      '    "X-Multi": "1,2"',
      '  }, ',
      '  "origin": "127.0.0.1", ',
      `  "url": "http://127.0.0.1:${port}/get?a=1&b=2&b=3"`,
      '}',
      '',
    ].join('\n'));
  });

  it('/post parses JSON bodies into json and keeps data', async () => {
    const r = await exchange(port, '/post', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"b":[1,2],"a":"é"}' });
    const b = json(r.text);
    assert.deepEqual(b.json, { a: 'é', b: [1, 2] });
    assert.equal(b.data, '{"b":[1,2],"a":"é"}');
    assert.deepEqual(b.form, {});
    assert.deepEqual(b.files, {});
    assert.equal(b.method, undefined);
    assert.ok(r.text.includes('"a": "\\u00e9"'), 'non-ASCII escaped as Python does');
  });

  it('/put, /patch and /delete parse forms; a wrong method gets 405', async () => {
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const r = await exchange(port, `/${method.toLowerCase()}`, { method, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'x=1&y=2&y=3' });
      assert.equal(r.status, 200, method);
      const b = json(r.text);
      assert.deepEqual(b.form, { x: '1', y: ['2', '3'] });
      assert.equal(b.data, '');
      assert.equal(b.json, null);
    }
    assert.equal((await exchange(port, '/get', { method: 'POST' })).status, 405);
    assert.equal((await exchange(port, '/post')).status, 405);
  });

  it('/anything/* takes any method, reports it, and reads multipart files', async () => {
    const r = await exchange(port, '/anything/x/y?q=1', { method: 'PATCH', headers: { 'Content-Type': 'multipart/form-data; boundary=XyZ' }, body: MULTIPART });
    const b = json(r.text);
    assert.equal(b.method, 'PATCH');
    assert.deepEqual(b.args, { q: '1' });
    assert.deepEqual(b.form, { field: 'value' });
    assert.deepEqual(b.files, { upload: 'file body' });
    assert.equal(b.url, `http://127.0.0.1:${port}/anything/x/y?q=1`);
    assert.equal(json((await exchange(port, '/anything', { method: 'DELETE' })).text).method, 'DELETE');
  });

  it('/headers, /ip (whole X-Forwarded-For), /user-agent and /uuid', async () => {
    const h = json((await exchange(port, '/headers', { headers: { 'X-Envoy-Attempt-Count': '1', 'X-Forwarded-Proto': 'http' } })).text);
    assert.deepEqual(Object.keys(h), ['headers']);
    assert.equal((h.headers as Record<string, string>)['X-Envoy-Attempt-Count'], '1');
    assert.equal((h.headers as Record<string, string>)['X-Forwarded-Proto'], undefined);
    assert.deepEqual(json((await exchange(port, '/ip', { headers: { 'X-Forwarded-For': '10.0.0.1, 10.0.0.2' } })).text), { origin: '10.0.0.1, 10.0.0.2' });
    assert.deepEqual(json((await exchange(port, '/user-agent', { headers: { 'User-Agent': 'ua/1' } })).text), { 'user-agent': 'ua/1' });
    assert.match(String(json((await exchange(port, '/uuid')).text).uuid), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('/status: one code, a list, weights, the extras of 3xx and 418, and a bad code', async () => {
    assert.equal((await exchange(port, '/status/201')).status, 201);
    const redirect = await exchange(port, '/status/302');
    assert.equal(redirect.status, 302);
    assert.equal(redirect.headers.location, '/redirect/1');
    const teapot = await exchange(port, '/status/418');
    assert.equal(teapot.status, 418);
    assert.match(teapot.text, /teapot/);
    assert.equal(teapot.headers['x-more-info'], 'http://tools.ietf.org/html/rfc2324');
    assert.equal((await exchange(port, '/status/200:0,503:1')).status, 503);
    assert.ok([404, 409].includes((await exchange(port, '/status/404,409')).status));
    assert.equal((await exchange(port, '/status/abc')).status, 400);
    assert.equal((await exchange(port, '/status/503:1')).status, 400, 'weights only in a list');
    assert.equal((await exchange(port, '/status/401')).headers['www-authenticate'], 'Basic realm="Fake Realm"');
  });

  it('/delay/{n} waits n seconds, then echoes without json; what float() refuses is a 500', async () => {
    const t0 = performance.now();
    const r = await exchange(port, '/delay/0.3?z=1', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"a":1}' });
    assert.ok(performance.now() - t0 >= 295, 'waited');
    assert.equal(r.status, 200);
    const b = json(r.text);
    assert.deepEqual(Object.keys(b), ['args', 'data', 'files', 'form', 'headers', 'origin', 'url']);
    assert.deepEqual(b.args, { z: '1' });
    assert.equal(b.data, '{"a":1}');
    for (const bad of ['x', '-1']) {
      const e = await exchange(port, `/delay/${bad}`);
      assert.equal(e.status, 500, bad);
      assert.match(e.text, /<title>500 Internal Server Error<\/title>/);
    }
  });

  it('/response-headers echoes its own headers with the final Content-Length', async () => {
    for (const method of ['GET', 'POST']) {
      const r = await exchange(port, '/response-headers?X-Foo=a&X-Foo=b&freeform=hi', { method });
      assert.equal(r.status, 200);
      const b = json(r.text);
      assert.deepEqual(b, { 'Content-Length': String(r.body.length), 'Content-Type': 'application/json', 'X-Foo': ['a', 'b'], freeform: 'hi' });
      assert.equal(r.headers['content-length'], String(r.body.length));
      assert.equal(r.headers['x-foo'], 'a, b');
      assert.equal(r.headers.freeform, 'hi');
    }
  });

  it('/bytes/{n} gives n bytes, the same for the same seed, capped at 100 KiB', async () => {
    const a = await exchange(port, '/bytes/64?seed=7');
    const b = await exchange(port, '/bytes/64?seed=7');
    const c = await exchange(port, '/bytes/64?seed=8');
    assert.equal(a.headers['content-type'], 'application/octet-stream');
    assert.equal(a.body.length, 64);
    assert.deepEqual(a.body, b.body);
    assert.notDeepEqual(a.body, c.body);
    assert.equal((await exchange(port, '/bytes/200000')).body.length, 100 * 1024);
  });

  it('/stream/{n} writes n JSON lines with ids', async () => {
    const r = await exchange(port, '/stream/3?k=v');
    const lines = r.text.split('\n');
    assert.equal(lines.pop(), '');
    assert.equal(lines.length, 3);
    assert.deepEqual(lines.map((l) => json(l).id), [0, 1, 2]);
    assert.match(lines[0]!, /^\{"url": "http:\/\/127\.0\.0\.1:\d+\/stream\/3\?k=v", "args": \{"k": "v"\}, "headers": \{/);
  });

  it('/cookies, /cookies/set and /cookies/delete', async () => {
    assert.deepEqual(json((await exchange(port, '/cookies', { headers: { Cookie: 'a=1; b=2' } })).text), { cookies: { a: '1', b: '2' } });
    const set = await exchange(port, '/cookies/set?k=v&m=n');
    assert.equal(set.status, 302);
    assert.equal(set.headers.location, '/cookies');
    assert.deepEqual(set.headers['set-cookie'], ['k=v; Path=/', 'm=n; Path=/']);
    const del = await exchange(port, '/cookies/delete?k');
    assert.equal(del.status, 302);
    assert.deepEqual(del.headers['set-cookie'], ['k=; Expires=Thu, 01-Jan-1970 00:00:00 GMT; Max-Age=0; Path=/']);
  });

  it('redirects: relative by default, absolute on request, ending at /get', async () => {
    const cases: Array<[string, string]> = [
      ['/redirect/3', '/relative-redirect/2'],
      ['/redirect/1', '/get'],
      ['/redirect/2?absolute=true', `http://127.0.0.1:${port}/absolute-redirect/1`],
      ['/relative-redirect/2', '/relative-redirect/1'],
      ['/relative-redirect/1', '/get'],
      ['/absolute-redirect/2', `http://127.0.0.1:${port}/absolute-redirect/1`],
      ['/absolute-redirect/1', `http://127.0.0.1:${port}/get`],
    ];
    for (const [path, location] of cases) {
      const r = await exchange(port, path);
      assert.equal(r.status, 302, path);
      assert.equal(r.headers.location, location, path);
    }
    // Flask's redirect() writes an HTML page; relative-redirect builds an empty response.
    assert.match((await exchange(port, '/absolute-redirect/1')).text, /^<!DOCTYPE HTML PUBLIC[\s\S]*<a href="http:\/\/127\.0\.0\.1:\d+\/get">/);
    assert.equal((await exchange(port, '/relative-redirect/1')).text, '');
    const to = await exchange(port, '/redirect-to?url=http%3A%2F%2Fexample.com%2Fx&status_code=307', { method: 'POST' });
    assert.equal(to.status, 307);
    assert.equal(to.headers.location, 'http://example.com/x');
    assert.equal((await exchange(port, '/redirect-to?url=/get')).status, 302);
  });

  it('/ is an HTML page; unknown paths are 404; preflight allows the origin', async () => {
    const home = await exchange(port, '/');
    assert.equal(home.status, 200);
    assert.match(String(home.headers['content-type']), /^text\/html/);
    assert.match(home.text, /<html/);
    assert.equal((await exchange(port, '/nope')).status, 404);
    const pre = await exchange(port, '/get', { method: 'OPTIONS', headers: { Origin: 'http://a.example', 'Access-Control-Request-Headers': 'x-y' } });
    assert.equal(pre.status, 200);
    assert.equal(pre.headers['access-control-allow-origin'], 'http://a.example');
    assert.equal(pre.headers['access-control-allow-headers'], 'x-y');
  });
});

describe('httpbin, go-httpbin shape', () => {
  let server: Server;
  let port: number;
  before(async () => ({ server, port } = await start('go')));
  after(() => stop(server));

  it('/get gives arrays of strings, Go canonical names, the method, in struct order', async () => {
    const r = await exchange(port, '/get?a=1&b=2&b=3', { headers: { 'User-Agent': 'curl/8.5.0', 'x-b3id': 'abc', 'X-Request-Id': 'r1', 'X-Multi': ['1', '2'] } });
    assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(r.headers['access-control-allow-origin'], '*');
    assert.equal(r.headers['access-control-allow-credentials'], 'true');
    assert.equal(r.headers.server, undefined);
    assert.equal(r.text, [
      '{',
      '  "args": {',
      '    "a": [',
      '      "1"',
      '    ],',
      '    "b": [',
      '      "2",',
      '      "3"',
      '    ]',
      '  },',
      '  "headers": {',
      '    "Connection": [',
      '      "close"',
      '    ],',
      '    "Host": [',
      `      "127.0.0.1:${port}"`,
      '    ],',
      '    "User-Agent": [',
      '      "curl/8.5.0"',
      '    ],',
      '    "X-B3id": [',
      '      "abc"',
      '    ],',
      '    "X-Multi": [',
      '      "1",',
      '      "2"',
      '    ],',
      '    "X-Request-Id": [',
      '      "r1"',
      '    ]',
      '  },',
      '  "method": "GET",',
      '  "origin": "127.0.0.1",',
      `  "url": "http://127.0.0.1:${port}/get?a=1&b=2&b=3"`,
      '}',
      '',
    ].join('\n'));
  });

  it('/post, /put, /patch, /delete and /anything give the body fields after url', async () => {
    const r = await exchange(port, '/post', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"b":1,"a":"é"}' });
    const b = json(r.text);
    assert.deepEqual(Object.keys(b), ['args', 'headers', 'method', 'origin', 'url', 'data', 'files', 'form', 'json']);
    assert.deepEqual(b.json, { a: 'é', b: 1 });
    assert.ok(r.text.includes('"a": "é"'), 'Go does not escape non-ASCII');
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const f = json((await exchange(port, `/${method.toLowerCase()}`, { method, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'x=1' })).text);
      assert.deepEqual(f.form, { x: ['1'] }, method);
      assert.equal(f.data, 'x=1', method);
      assert.equal(f.method, method);
    }
    const m = json((await exchange(port, '/anything/z', { method: 'PUT', headers: { 'Content-Type': 'multipart/form-data; boundary=XyZ' }, body: MULTIPART })).text);
    assert.deepEqual(m.form, { field: ['value'] });
    assert.deepEqual(m.files, { upload: ['file body'] });
    const bin = json((await exchange(port, '/anything', { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body: Buffer.from([0xfb, 0xff]) })).text);
    assert.equal(bin.data, 'data:application/octet-stream;base64,-_8=');
    assert.equal((await exchange(port, '/post', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{' })).status, 400);
  });

  it('/headers, /ip (first X-Forwarded-For entry), /user-agent and /uuid', async () => {
    const h = json((await exchange(port, '/headers', { headers: { 'X-Forwarded-Proto': 'http' } })).text);
    assert.deepEqual((h.headers as Record<string, string[]>)['X-Forwarded-Proto'], ['http']);
    assert.deepEqual(json((await exchange(port, '/ip', { headers: { 'X-Forwarded-For': '10.0.0.1, 10.0.0.2' } })).text), { origin: '10.0.0.1' });
    assert.deepEqual(json((await exchange(port, '/user-agent', { headers: { 'User-Agent': 'ua/1' } })).text), { 'user-agent': 'ua/1' });
    assert.match(String(json((await exchange(port, '/uuid')).text).uuid), /^[0-9a-f-]{36}$/);
  });

  it('/status with weights and 3xx; /delay refuses more than 10 s', async () => {
    assert.equal((await exchange(port, '/status/200:0,503:1')).status, 503);
    const r = await exchange(port, '/status/307');
    assert.equal(r.status, 307);
    assert.equal(r.headers.location, '/redirect/1');
    assert.equal((await exchange(port, '/status/600')).status, 400);
    assert.equal((await exchange(port, '/status/503:1')).status, 400, 'weights only in a list');
    const teapot = await exchange(port, '/status/418');
    assert.equal(teapot.text, "I'm a teapot!");
    assert.equal(teapot.headers['content-type'], 'text/plain; charset=utf-8');
    const multiple = await exchange(port, '/status/300');
    assert.equal(multiple.headers.location, '/image/jpeg');
    const t0 = performance.now();
    const slow = await exchange(port, '/delay/300ms');
    assert.ok(performance.now() - t0 >= 295, 'waited');
    assert.equal(slow.headers['server-timing'], 'initial_delay;dur=300.00;desc="initial delay"');
    assert.equal((await exchange(port, '/delay/-1s')).status, 400);
    assert.equal((await exchange(port, '/delay/1m')).status, 400);
    assert.equal((await exchange(port, '/delay/11')).status, 400);
    const d = json((await exchange(port, '/delay/0')).text);
    assert.equal(d.method, 'GET');
  });

  it('/response-headers echoes the args as arrays and sets them', async () => {
    const r = await exchange(port, '/response-headers?X-Foo=a&X-Foo=b', { method: 'POST' });
    assert.deepEqual(json(r.text), { 'Content-Type': ['application/json; charset=utf-8'], 'X-Foo': ['a', 'b'] });
    assert.equal(r.headers['x-foo'], 'a, b');
    assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
  });

  it('/bytes, /stream, /cookies and redirects', async () => {
    const a = await exchange(port, '/bytes/10?seed=3');
    assert.deepEqual(a.body, (await exchange(port, '/bytes/10?seed=3')).body);
    assert.equal(a.body.length, 10);
    const lines = (await exchange(port, '/stream/2')).text.trimEnd().split('\n');
    assert.deepEqual(lines.map((l) => Object.keys(json(l))), [['id', 'args', 'headers', 'origin', 'url'], ['id', 'args', 'headers', 'origin', 'url']]);
    assert.equal((await exchange(port, '/stream/101')).text.trimEnd().split('\n').length, 100);
    // At least one line, as the original: an empty body would not parse.
    assert.deepEqual((await exchange(port, '/stream/0')).text.trimEnd().split('\n').map((l) => json(l).id), [0]);
    assert.equal((await exchange(port, '/status/%zz')).status, 400);
    assert.equal((await exchange(port, '/stream/x')).status, 400);
    assert.equal((await exchange(port, '/bytes/0')).body.length, 0);
    assert.equal((await exchange(port, '/bytes/1048577')).status, 400);
    assert.deepEqual(json((await exchange(port, '/cookies', { headers: { Cookie: 'a=1' } })).text), { a: '1' });
    const set = await exchange(port, '/cookies/set?k=v');
    assert.equal(set.headers.location, '/cookies');
    assert.match(String(set.headers['set-cookie']), /^k=v/);
    assert.equal((await exchange(port, '/redirect/2')).headers.location, '/relative-redirect/1');
    assert.equal((await exchange(port, '/absolute-redirect/1')).headers.location, `http://127.0.0.1:${port}/get`);
    assert.equal((await exchange(port, '/redirect-to?url=/x&status_code=200')).status, 400);
  });
});
