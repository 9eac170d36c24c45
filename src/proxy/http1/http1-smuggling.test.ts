// Ambiguous HTTP/1.1 requests through a real sidecar, sent on raw sockets as an attacker would: each
// is answered by the proxy itself (Envoy's status, connection: close), logged and counted with DPE,
// and the backend receives nothing. Proxy addresses: 60, 61 and 63 (52 is http1.fuzz.test's, 50-51 filter-suite.test's; see test-support's addressesFor).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import {
  addService,
  connectOutbound,
  exchangeRaw,
  emptyConfig,
  eventually,
  metricSum,
  serviceHost,
  startProxy,
  startTcpBackend,
  type AccessLogLine,
  type Backend,
  type TestProxy,
} from '../test-support.js';

const VIP = '127.213.5.1';
const HOST = serviceHost('web');

interface Case {
  name: string;
  request: string;
  status: number;
  details: string;
}

const POST = `POST /upload HTTP/1.1\r\nHost: ${HOST}\r\n`;
const SMUGGLED = 'GET /admin HTTP/1.1\r\nHost: x\r\n\r\n';

const cases: Case[] = [
  { name: 'Content-Length with Transfer-Encoding: chunked', request: `${POST}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${SMUGGLED}`, status: 400, details: 'http1.content_length_and_chunked_not_allowed' },
  { name: 'two different Content-Lengths', request: `${POST}Content-Length: 3\r\nContent-Length: 40\r\n\r\nabc${SMUGGLED}`, status: 400, details: 'http1.codec_error' },
  { name: 'space before the colon of Content-Length', request: `${POST}Content-Length : 5\r\n\r\nhello`, status: 400, details: 'http1.codec_error' },
  { name: 'Transfer-Encoding twice', request: `${POST}Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, status: 501, details: 'http1.invalid_transfer_encoding' },
  { name: 'obs-fold', request: `${POST}Content-Length: 0\r\nX-Folded: a\r\n b\r\n\r\n`, status: 400, details: 'http1.codec_error' },
  { name: 'obs-fold hiding Transfer-Encoding', request: `${POST}X: y\r\n Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nabc`, status: 400, details: 'http1.codec_error' },
  { name: 'NUL in a header', request: `GET / HTTP/1.1\r\nHost: ${HOST}\r\nX-Nul: a\x00b\r\n\r\n`, status: 400, details: 'http1.invalid_characters' },
  { name: 'bare CR in a header', request: `GET / HTTP/1.1\r\nHost: ${HOST}\r\nX-Cr: a\rTransfer-Encoding: chunked\r\n\r\n`, status: 400, details: 'http1.invalid_characters' },
  { name: 'two Host headers', request: `GET / HTTP/1.1\r\nHost: ${HOST}\r\nHost: other.example\r\n\r\n`, status: 400, details: 'http.invalid_authority' },
  { name: 'Transfer-Encoding: identity, chunked', request: `${POST}Transfer-Encoding: identity, chunked\r\n\r\n0\r\n\r\n`, status: 501, details: 'http1.invalid_transfer_encoding' },
  { name: 'Transfer-Encoding: xchunked', request: `${POST}Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n`, status: 501, details: 'http1.invalid_transfer_encoding' },
  { name: 'a 110 KB head in one read', request: `GET / HTTP/1.1\r\nHost: ${HOST}\r\n${`X-Big: ${'b'.repeat(1000)}\r\n`.repeat(110)}\r\n`, status: 431, details: 'http1.headers_too_large' },
  { name: '101 headers', request: `GET / HTTP/1.1\r\nHost: ${HOST}\r\n${'X-Many: 1\r\n'.repeat(100)}\r\n`, status: 431, details: 'http1.too_many_headers' },
  { name: 'bare LF line endings', request: `GET / HTTP/1.1\nHost: ${HOST}\n\n`, status: 400, details: 'http1.codec_error' },
  { name: 'a method with invalid token characters', request: `G(E)T / HTTP/1.1\r\nHost: ${HOST}\r\n\r\n`, status: 400, details: 'http1.codec_error' },
  { name: 'an invalid header name character', request: `GET / HTTP/1.1\r\nHost: ${HOST}\r\nX[1]: a\r\n\r\n`, status: 400, details: 'http1.codec_error' },
  { name: 'a space in the request target', request: `GET /a HTTP/1.1 b HTTP/1.1\r\nHost: ${HOST}\r\n\r\n`, status: 400, details: 'http1.codec_error' },
  { name: 'a control character in the request target', request: `GET /a\x7fb HTTP/1.1\r\nHost: ${HOST}\r\n\r\n`, status: 400, details: 'http1.codec_error' },
  { name: 'HTTP/1.2', request: `GET / HTTP/1.2\r\nHost: ${HOST}\r\n\r\n`, status: 426, details: 'low_version' },
  { name: 'a malformed version', request: `GET / HTTP/1.1.1\r\nHost: ${HOST}\r\n\r\n`, status: 400, details: 'http1.codec_error' },
  { name: 'a negative Content-Length', request: `${POST}Content-Length: -1\r\n\r\n`, status: 400, details: 'http1.codec_error' },
  { name: 'an overlong Content-Length', request: `${POST}Content-Length: 184467440737095516160\r\n\r\n`, status: 400, details: 'http1.codec_error' },
  { name: 'HTTP/1.0 with Content-Length and Transfer-Encoding', request: `POST / HTTP/1.0\r\nHost: ${HOST}\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, status: 400, details: 'http1.content_length_and_chunked_not_allowed' },
];

describe('ambiguous requests are answered by the sidecar and never forwarded', () => {
  let p: TestProxy;
  let backend: Backend<unknown>;
  let received = '';
  const sockets: Socket[] = [];

  before(async () => {
    // A backend that records every byte and answers each complete head it sees.
    backend = await startTcpBackend((s) => {
      sockets.push(s);
      let buf = '';
      s.on('data', (d: Buffer) => {
        received += d.toString('latin1');
        buf += d.toString('latin1');
        let end: number;
        while ((end = buf.indexOf('\r\n\r\n')) >= 0) {
          buf = buf.slice(end + 4);
          s.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
        }
      });
    });
    const config = emptyConfig();
    addService(config, { name: 'web', vip: VIP, port: 80, upstream: 'http1', endpoints: [backend.port] });
    p = await startProxy(60, config);
  });

  after(async () => {
    await p?.shutdown();
    await backend?.close();
  });

  /** The next access-log line after `before` lines, once written. */
  async function nextLog(before: number): Promise<AccessLogLine> {
    return p.waitForLog((e) => p.logLines.lastIndexOf(e.raw) >= before, 'access-log line for the refusal');
  }

  for (const c of cases) {
    test(`${c.name}: ${c.status} ${c.details}, flag DPE, nothing forwarded`, async () => {
      const seen = received.length;
      const logsBefore = p.logLines.length;
      const counted = metricSum(p.metrics(), 'istio_requests_total', { response_code: String(c.status), response_flags: 'DPE' });
      const answer = await exchangeRaw(p.loopbackIP, { host: VIP, port: 80 }, [c.request]);
      const reason = STATUS_CODES[c.status]!;
      assert.ok(answer.startsWith(`HTTP/1.1 ${c.status} ${reason}\r\n`), answer);
      const [head, body] = answer.split('\r\n\r\n');
      assert.match(head!, /\r\nconnection: close(\r\n|$)/);
      assert.match(head!, /\r\nserver: istio-envoy(\r\n|$)/);
      assert.match(head!, new RegExp(`\\r\\ncontent-length: ${reason.length}(\\r\\n|$)`));
      assert.equal(body, reason, 'one response, its body the status name');
      const line = await nextLog(logsBefore);
      assert.equal(line.responseCode, String(c.status));
      assert.equal(line.responseFlags, 'DPE');
      assert.equal(line.responseCodeDetails, c.details);
      assert.equal(line.request, '- - HTTP/1.1');
      assert.equal(metricSum(p.metrics(), 'istio_requests_total', { response_code: String(c.status), response_flags: 'DPE' }), counted + 1);
      assert.equal(received.slice(seen), '', 'the backend received nothing');
    });
  }

  test('the same requests split into one-byte reads are answered alike', async () => {
    for (const c of cases.filter((x) => x.request.length < 400)) {
      const seen = received.length;
      const bytes = Buffer.from(c.request, 'latin1');
      const parts = [...bytes].map((x) => Buffer.from([x]));
      const answer = await exchangeRaw(p.loopbackIP, { host: VIP, port: 80 }, parts);
      assert.ok(answer.startsWith(`HTTP/1.1 ${c.status} `), `${c.name}: ${answer}`);
      assert.equal(received.slice(seen), '', `${c.name}: the backend received nothing`);
    }
  });

  test('a broken chunk size after a good head: 400 DPE, the request never reaches the backend', async () => {
    const seen = received.length;
    const logsBefore = p.logLines.length;
    const answer = await exchangeRaw(p.loopbackIP, { host: VIP, port: 80 }, [`${POST}Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1x\r\n`]);
    assert.ok(answer.startsWith('HTTP/1.1 400 Bad Request\r\n'), answer);
    assert.match(answer, /\r\nconnection: close\r\n/);
    const line = await nextLog(logsBefore);
    assert.equal(line.responseFlags, 'DPE');
    assert.equal(line.responseCodeDetails, 'http1.codec_error');
    assert.equal(line.request, 'POST /upload HTTP/1.1');
    assert.equal(received.slice(seen), '');
  });

  test('a chunk size that overflows, a bare LF in a chunk extension: 400 DPE', async () => {
    for (const body of ['fffffffffffffffff\r\n', '5;ext\nX\r\nhello\r\n0\r\n\r\n']) {
      const answer = await exchangeRaw(p.loopbackIP, { host: VIP, port: 80 }, [`${POST}Transfer-Encoding: chunked\r\n\r\n`, body]);
      assert.ok(answer.startsWith('HTTP/1.1 400 Bad Request\r\n'), `${JSON.stringify(body)}: ${answer}`);
    }
  });

  test('a well-formed chunked request with extensions and trailers is forwarded re-framed, without them, as Envoy does by default', async () => {
    const seen = received.length;
    const body = '5;name=v\r\nhello\r\n0\r\nX-Trailer: 1\r\n\r\n';
    const answer = await exchangeRaw(p.loopbackIP, { host: VIP, port: 80 }, [`${POST}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n`, body]);
    assert.ok(answer.startsWith('HTTP/1.1 200 OK\r\n'), answer);
    const got = received.slice(seen);
    assert.ok(got.startsWith('POST /upload HTTP/1.1\r\n'), got);
    // Envoy decodes chunked bodies and frames them anew; extensions go, and trailers too (enable_trailers is off by default).
    assert.ok(got.endsWith('\r\n\r\n5\r\nhello\r\n0\r\n\r\n'), got);
    assert.equal((got.match(/\r\ntransfer-encoding:/gi) ?? []).length, 1);
    assert.equal((got.match(/\r\ncontent-length:/gi) ?? []).length, 0);
  });
});

describe('a response that ends before its request body', () => {
  test('closes the connection: the rest of the body is never read as a request', async (t) => {
    let received = '';
    // Answers as soon as it has a head, without waiting for the body (as a server refusing an upload).
    const early = await startTcpBackend((s) => {
      s.on('data', (d: Buffer) => {
        const first = received === '';
        received += d.toString('latin1');
        if (first) s.write('HTTP/1.1 413 Payload Too Large\r\ncontent-length: 0\r\n\r\n');
      });
    });
    t.after(() => early.close());
    const config = emptyConfig();
    addService(config, { name: 'web', vip: VIP, port: 80, upstream: 'http1', endpoints: [early.port] });
    const p = await startProxy(63, config);
    t.after(() => p.shutdown());
    const s = connectOutbound(p.loopbackIP, { host: VIP, port: 80 });
    s.on('error', () => undefined);
    t.after(() => s.destroy());
    let answer = '';
    const closed = new Promise<void>((r) => s.on('close', () => r()));
    const answered = new Promise<void>((r) =>
      s.on('data', (d: Buffer) => {
        answer += d.toString('latin1');
        if (answer.includes('\r\n\r\n')) r();
      }),
    );
    const hidden = `GET /hidden HTTP/1.1\r\nHost: ${HOST}\r\n\r\n`;
    s.write(`POST /upload HTTP/1.1\r\nHost: ${HOST}\r\nContent-Length: ${hidden.length + 10}\r\n\r\n`);
    await answered;
    s.write(hidden);
    assert.ok(await eventually(closed, 5_000), `the connection stayed open; backend read ${JSON.stringify(received)}`);
    assert.ok(answer.startsWith('HTTP/1.1 413 '), answer);
    assert.equal((answer.match(/HTTP\/1\.1 /g) ?? []).length, 1, answer);
    assert.ok(!received.includes('/hidden'), received);
    assert.ok(!p.logLines.some((l) => l.includes('/hidden')), p.logLines.join('\n'));
  });
});

describe('ambiguous responses from upstream', () => {
  let p: TestProxy;
  const backends: Backend<unknown>[] = [];
  const answers: Record<string, string> = {
    'cl-te': 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    'two-cl': 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 7\r\n\r\nokokok!',
    'te-gzip': 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxx',
    'obs-fold': 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX: a\r\n b\r\n\r\nok',
  };

  before(async () => {
    const config = emptyConfig();
    let i = 2;
    for (const [name, response] of Object.entries(answers)) {
      const b = await startTcpBackend((s) => {
        s.once('data', () => s.write(response));
      });
      backends.push(b);
      addService(config, { name, vip: `127.213.5.${i++}`, port: 80, upstream: 'http1', endpoints: [b.port] });
    }
    p = await startProxy(61, config);
  });

  after(async () => {
    await p?.shutdown();
    for (const b of backends) await b.close();
  });

  let i = 2;
  for (const name of Object.keys(answers)) {
    const vip = `127.213.5.${i++}`;
    test(`${name}: 502 upstream protocol error, flag UPE`, async () => {
      const answer = await exchangeRaw(p.loopbackIP, { host: vip, port: 80 }, [`GET /${name} HTTP/1.1\r\nHost: ${serviceHost(name)}\r\nConnection: close\r\n\r\n`]);
      assert.ok(answer.startsWith('HTTP/1.1 502 Bad Gateway\r\n'), answer);
      assert.ok(answer.endsWith('\r\n\r\nupstream protocol error'), answer);
      const line = await p.waitForLog((e) => e.request === `GET /${name} HTTP/1.1`);
      assert.equal(line.responseFlags, 'UPE');
      assert.equal(line.responseCode, '502');
    });
  }
});
