// The HTTP/1.1 head parser and framing rules, one case per RFC 9112 rule: what is read, and what is
// refused with which status and response code details (Envoy's, for the same input).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BodyTracker } from './body-tracker.js';
import { ChunkedScanner } from './chunked-scanner.js';
import { HeadError, MAX_HEADERS, MAX_REQUEST_HEAD, parseHead, readRequest, responseFraming, type Framing } from './head.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');
const GET = 'GET / HTTP/1.1\r\nHost: web\r\n';

interface Accept {
  rule: string;
  head: string;
  framing: Framing;
}
interface Refuse {
  rule: string;
  head: string;
  status: number;
  details: string;
}

const accepted: Accept[] = [
  { rule: '3: origin-form request line', head: `${GET}\r\n`, framing: { kind: 'none' } },
  { rule: '6.3 rule 7: a request without Content-Length or Transfer-Encoding has no body', head: `POST / HTTP/1.1\r\nHost: web\r\n\r\n`, framing: { kind: 'none' } },
  { rule: '6.3 rule 6: Content-Length gives the body length', head: `POST / HTTP/1.1\r\nHost: web\r\nContent-Length: 5\r\n\r\n`, framing: { kind: 'length', remaining: 5 } },
  { rule: '6.3 rule 6: Content-Length 0 is no body', head: `POST / HTTP/1.1\r\nHost: web\r\nContent-Length: 0\r\n\r\n`, framing: { kind: 'none' } },
  { rule: '6.3 rule 4: Transfer-Encoding chunked frames the body', head: `POST / HTTP/1.1\r\nHost: web\r\nTransfer-Encoding: chunked\r\n\r\n`, framing: { kind: 'chunked' } },
  { rule: '7: transfer-coding names are case-insensitive', head: `POST / HTTP/1.1\r\nHost: web\r\ntransfer-encoding: Chunked\r\n\r\n`, framing: { kind: 'chunked' } },
  { rule: '5.5: optional whitespace around a field value is not part of it', head: `POST / HTTP/1.1\r\nHost: web\r\nContent-Length: \t 5 \t\r\n\r\n`, framing: { kind: 'length', remaining: 5 } },
  { rule: '5.5: obs-text is allowed in a field value', head: `${GET}X-Name: caf\xe9\r\n\r\n`, framing: { kind: 'none' } },
  { rule: '5.1: field names are case-insensitive tokens', head: `GET / HTTP/1.1\r\nHOST: web\r\nX-A!#$%&'*+-.^_\`|~1: v\r\n\r\n`, framing: { kind: 'none' } },
  { rule: '2.2: empty lines before the request line are ignored', head: `\r\n\r\n${GET}\r\n`, framing: { kind: 'none' } },
  { rule: '3.2.2: absolute-form request target', head: `GET http://web/a?b HTTP/1.1\r\nHost: web\r\n\r\n`, framing: { kind: 'none' } },
  { rule: '3.2.4: asterisk-form request target', head: `OPTIONS * HTTP/1.1\r\nHost: web\r\n\r\n`, framing: { kind: 'none' } },
  { rule: '2.3: HTTP/1.0 is read (the HTTP/1.0 path serves it)', head: `GET / HTTP/1.0\r\n\r\n`, framing: { kind: 'none' } },
  { rule: `5: up to ${MAX_HEADERS} field lines (Envoy's max_headers_count)`, head: `GET / HTTP/1.1\r\n${'X: y\r\n'.repeat(MAX_HEADERS)}\r\n`, framing: { kind: 'none' } },
  { rule: '3.2: a Host of authority characters', head: `GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n`, framing: { kind: 'none' } },
];

const big = 'x'.repeat(1000);
const refused: Refuse[] = [
  // RFC 9112 section 6.3: message body length.
  { rule: '6.3 rule 3: Content-Length with Transfer-Encoding chunked (allow_chunked_length off)', head: `POST / HTTP/1.1\r\nHost: web\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n`, status: 400, details: 'http1.content_length_and_chunked_not_allowed' },
  { rule: '6.3 rule 3: Transfer-Encoding before Content-Length', head: `POST / HTTP/1.1\r\nHost: web\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n`, status: 400, details: 'http1.content_length_and_chunked_not_allowed' },
  { rule: '6.3 rule 3: Content-Length with an unknown transfer coding', head: `POST / HTTP/1.1\r\nHost: web\r\nContent-Length: 5\r\nTransfer-Encoding: xchunked\r\n\r\n`, status: 400, details: 'http1.content_length_and_chunked_not_allowed' },
  { rule: '6.3 rule 5: two different Content-Lengths', head: `POST / HTTP/1.1\r\nHost: web\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n`, status: 400, details: 'http1.codec_error' },
  { rule: '6.3 rule 5: a repeated Content-Length (Envoy refuses even equal ones)', head: `POST / HTTP/1.1\r\nHost: web\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n`, status: 400, details: 'http1.codec_error' },
  { rule: '6.3 rule 5: a Content-Length list', head: `POST / HTTP/1.1\r\nHost: web\r\nContent-Length: 5, 5\r\n\r\n`, status: 400, details: 'http1.codec_error' },
  { rule: '6.3 rule 5: a negative Content-Length', head: `POST / HTTP/1.1\r\nHost: web\r\nContent-Length: -1\r\n\r\n`, status: 400, details: 'http1.codec_error' },
  { rule: '6.3 rule 5: a signed Content-Length', head: `POST / HTTP/1.1\r\nHost: web\r\nContent-Length: +5\r\n\r\n`, status: 400, details: 'http1.codec_error' },
  { rule: '6.3 rule 5: an overlong Content-Length', head: `POST / HTTP/1.1\r\nHost: web\r\nContent-Length: 99999999999999999999\r\n\r\n`, status: 400, details: 'http1.codec_error' },
  { rule: '6.3 rule 5: a hexadecimal Content-Length', head: `POST / HTTP/1.1\r\nHost: web\r\nContent-Length: 0x5\r\n\r\n`, status: 400, details: 'http1.codec_error' },
  { rule: '6.3 rule 5: an empty Content-Length', head: `POST / HTTP/1.1\r\nHost: web\r\nContent-Length:\r\n\r\n`, status: 400, details: 'http1.codec_error' },
  { rule: '5.5: NBSP is not optional whitespace around Content-Length', head: `POST / HTTP/1.1\r\nHost: web\r\nContent-Length: 5\xa0\r\n\r\n`, status: 400, details: 'http1.codec_error' },
  // RFC 9112 sections 6.1 and 7: transfer codings.
  { rule: '6.1: an unknown transfer coding (xchunked) is 501', head: `POST / HTTP/1.1\r\nHost: web\r\nTransfer-Encoding: xchunked\r\n\r\n`, status: 501, details: 'http1.invalid_transfer_encoding' },
  { rule: '6.1: identity is no longer a transfer coding', head: `POST / HTTP/1.1\r\nHost: web\r\nTransfer-Encoding: identity, chunked\r\n\r\n`, status: 501, details: 'http1.invalid_transfer_encoding' },
  { rule: '6.1: codings other than chunked alone are not implemented', head: `POST / HTTP/1.1\r\nHost: web\r\nTransfer-Encoding: gzip, chunked\r\n\r\n`, status: 501, details: 'http1.invalid_transfer_encoding' },
  { rule: '6.3 rule 4: chunked not the final coding', head: `POST / HTTP/1.1\r\nHost: web\r\nTransfer-Encoding: chunked, gzip\r\n\r\n`, status: 501, details: 'http1.invalid_transfer_encoding' },
  { rule: '6.1: Transfer-Encoding twice joins into "chunked,chunked"', head: `POST / HTTP/1.1\r\nHost: web\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n`, status: 501, details: 'http1.invalid_transfer_encoding' },
  { rule: '6.1: an empty Transfer-Encoding', head: `POST / HTTP/1.1\r\nHost: web\r\nTransfer-Encoding:\r\n\r\n`, status: 501, details: 'http1.invalid_transfer_encoding' },
  { rule: '9.3.6 (RFC 9110): a CONNECT body', head: `CONNECT web:443 HTTP/1.1\r\nHost: web:443\r\nContent-Length: 5\r\n\r\n`, status: 400, details: 'http1.body_disallowed' },
  // RFC 9112 section 5: field syntax.
  { rule: '5.1: whitespace between field name and colon', head: `POST / HTTP/1.1\r\nHost: web\r\nContent-Length : 5\r\n\r\n`, status: 400, details: 'http1.codec_error' },
  { rule: '5.1: a field name that is not a token', head: `${GET}X@Y: z\r\n\r\n`, status: 400, details: 'http1.codec_error' },
  { rule: '5.1: an empty field name', head: `${GET}: z\r\n\r\n`, status: 400, details: 'http1.codec_error' },
  { rule: '5.1: a field line without colon', head: `${GET}NoColon\r\n\r\n`, status: 400, details: 'http1.codec_error' },
  { rule: '5.1: an 8-bit byte in a field name', head: `${GET}X\xe9: z\r\n\r\n`, status: 400, details: 'http1.codec_error' },
  { rule: '5.2: obs-fold (line starting with SP)', head: `${GET}X: a\r\n b\r\n\r\n`, status: 400, details: 'http1.codec_error' },
  { rule: '5.2: obs-fold (line starting with HTAB)', head: `${GET}X: a\r\n\tb\r\n\r\n`, status: 400, details: 'http1.codec_error' },
  { rule: '2.2: whitespace between the start line and the first field', head: `GET / HTTP/1.1\r\n Host: web\r\n\r\n`, status: 400, details: 'http1.codec_error' },
  { rule: '5.5: NUL in a field value', head: `${GET}X: a\x00b\r\n\r\n`, status: 400, details: 'http1.invalid_characters' },
  { rule: '5.5: a control character in a field value', head: `${GET}X: a\x1bb\r\n\r\n`, status: 400, details: 'http1.invalid_characters' },
  { rule: '5.5: DEL in a field value', head: `${GET}X: a\x7fb\r\n\r\n`, status: 400, details: 'http1.invalid_characters' },
  { rule: '2.2: a bare CR in a field value', head: `${GET}X: a\rb\r\n\r\n`, status: 400, details: 'http1.invalid_characters' },
  { rule: '2.2: a bare LF inside a CRLF head', head: `GET / HTTP/1.1\r\nHost: web\nTransfer-Encoding: chunked\r\n\r\n`, status: 400, details: 'http1.invalid_characters' },
  { rule: '2.2: bare LF line endings throughout', head: `GET / HTTP/1.1\nHost: web\n\n`, status: 400, details: 'http1.codec_error' },
  { rule: '2.2: bare LF ending a CRLF head', head: `GET / HTTP/1.1\r\nHost: web\r\n\n`, status: 400, details: 'http1.codec_error' },
  { rule: '3.2: two Host fields', head: `GET / HTTP/1.1\r\nHost: web\r\nHost: evil\r\n\r\n`, status: 400, details: 'http.invalid_authority' },
  { rule: '3.2: an invalid Host value', head: `GET / HTTP/1.1\r\nHost: web evil\r\n\r\n`, status: 400, details: 'http.invalid_authority' },
  // RFC 9112 section 3: request line.
  { rule: '3.1: a method that is not a token', head: `G@T / HTTP/1.1\r\nHost: web\r\n\r\n`, status: 400, details: 'http1.codec_error' },
  { rule: '3.1: a control character in the method', head: `GE\x01T / HTTP/1.1\r\nHost: web\r\n\r\n`, status: 400, details: 'http1.codec_error' },
  { rule: '3: a request line with two spaces', head: `GET  / HTTP/1.1\r\nHost: web\r\n\r\n`, status: 400, details: 'http1.codec_error' },
  { rule: '3.2: a space in the request target', head: `GET /a b HTTP/1.1\r\nHost: web\r\n\r\n`, status: 400, details: 'http1.codec_error' },
  { rule: '3.2: HTAB in the request target', head: `GET /a\tb HTTP/1.1\r\nHost: web\r\n\r\n`, status: 400, details: 'http1.codec_error' },
  { rule: '3.2: a control character in the request target', head: `GET /a\x01b HTTP/1.1\r\nHost: web\r\n\r\n`, status: 400, details: 'http1.codec_error' },
  { rule: '3.2: an 8-bit byte in the request target', head: `GET /caf\xe9 HTTP/1.1\r\nHost: web\r\n\r\n`, status: 400, details: 'http1.codec_error' },
  { rule: '3.2: a request target in no known form', head: `GET web/a HTTP/1.1\r\nHost: web\r\n\r\n`, status: 400, details: 'http1.codec_error' },
  { rule: '3: a request line without version (HTTP/0.9)', head: `GET /\r\nHost: web\r\n\r\n`, status: 400, details: 'http1.codec_error' },
  { rule: '2.3: a malformed version (two minor digits)', head: `GET / HTTP/1.10\r\nHost: web\r\n\r\n`, status: 400, details: 'http1.codec_error' },
  { rule: '2.3: the version name is case-sensitive', head: `GET / http/1.1\r\nHost: web\r\n\r\n`, status: 400, details: 'http1.codec_error' },
  { rule: '2.3: HTTP/1.2 (Envoy: not 1.1 means 1.0, refused with 426)', head: `GET / HTTP/1.2\r\nHost: web\r\n\r\n`, status: 426, details: 'low_version' },
  { rule: '2.3: HTTP/2.0 in a text request line', head: `GET / HTTP/2.0\r\nHost: web\r\n\r\n`, status: 426, details: 'low_version' },
  // Limits (Envoy's defaults).
  { rule: `limits: more than ${MAX_HEADERS} field lines is 431`, head: `GET / HTTP/1.1\r\n${'X: y\r\n'.repeat(MAX_HEADERS + 1)}\r\n`, status: 431, details: 'http1.too_many_headers' },
  { rule: 'limits: a complete head over 60 KiB is 431', head: `GET / HTTP/1.1\r\n${`X: ${big}\r\n`.repeat(62)}\r\n`, status: 431, details: 'http1.headers_too_large' },
  { rule: 'limits: an unfinished head over 60 KiB is 431', head: `GET / HTTP/1.1\r\n${`X: ${big}\r\n`.repeat(63)}`, status: 431, details: 'http1.headers_too_large' },
];

describe('request heads (RFC 9112)', () => {
  for (const c of accepted) {
    test(`reads: ${c.rule}`, () => {
      const r = readRequest(b(c.head));
      assert.equal(r.kind, 'request', r.kind === 'reject' ? r.error.message : '');
      if (r.kind !== 'request') return;
      assert.deepEqual(r.framing, c.framing);
      assert.equal(r.head.length, Buffer.byteLength(c.head, 'latin1'));
    });
  }
  for (const c of refused) {
    test(`refuses: ${c.rule} -> ${c.status} ${c.details}`, () => {
      const r = readRequest(b(c.head));
      assert.equal(r.kind, 'reject');
      if (r.kind !== 'reject') return;
      assert.equal(r.error.status, c.status, r.error.message);
      assert.equal(r.error.details, c.details, r.error.message);
    });
  }

  test('an unfinished head waits for more bytes', () => {
    assert.deepEqual(readRequest(b('GET / HTTP/1.1\r\nHost: web\r\n')), { kind: 'more' });
    assert.deepEqual(readRequest(b('\r\n')), { kind: 'more' });
  });

  test('every split of a head reads the same once it is complete', () => {
    for (const c of [...accepted, ...refused]) {
      const whole = readRequest(b(c.head));
      const bytes = b(c.head);
      for (let cut = 1; cut < Math.min(bytes.length, 300); cut++) {
        const part = readRequest(bytes.subarray(0, cut));
        // A prefix either waits or already refuses for the same reason the whole does.
        if (part.kind === 'reject') {
          assert.equal(whole.kind, 'reject', `${c.rule}: prefix of ${cut} refused, whole not`);
          if (whole.kind === 'reject') assert.equal(part.error.status, whole.error.status, c.rule);
        } else assert.equal(part.kind, 'more', `${c.rule}: prefix of ${cut}`);
      }
    }
  });

  test('the head limit is Envoy\'s 60 KiB, also when the head arrives in one read', () => {
    assert.equal(MAX_REQUEST_HEAD, 60 * 1024);
    const line = `X: ${'y'.repeat(600)}\r\n`;
    const fits = `GET / HTTP/1.1\r\n${line.repeat(99)}\r\n`; // 59.9 KB in 99 fields
    assert.ok(fits.length > 59_000 && fits.length <= MAX_REQUEST_HEAD);
    assert.equal(readRequest(b(fits)).kind, 'request');
    const over = `GET / HTTP/1.1\r\n${`X: ${'y'.repeat(MAX_REQUEST_HEAD)}`}\r\n\r\n`;
    const r = readRequest(b(over));
    assert.ok(r.kind === 'reject' && r.error.status === 431);
  });
});

describe('response heads (RFC 9112 section 6.3)', () => {
  const cases: { rule: string; head: string; status: number; headOnly?: boolean; framing?: Framing }[] = [
    { rule: 'rule 6: Content-Length', head: 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n', status: 200, framing: { kind: 'length', remaining: 3 } },
    { rule: 'rule 4: chunked', head: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n', status: 200, framing: { kind: 'chunked' } },
    { rule: 'rule 8: neither reads to close', head: 'HTTP/1.1 200 OK\r\n\r\n', status: 200, framing: { kind: 'close' } },
    { rule: 'rule 1: no body after HEAD', head: 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n', status: 200, headOnly: true, framing: { kind: 'none' } },
    { rule: 'rule 1: no body in 304', head: 'HTTP/1.1 304 Not Modified\r\nContent-Length: 3\r\n\r\n', status: 304, framing: { kind: 'none' } },
    { rule: 'rule 1: 204 with Content-Length 0', head: 'HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n', status: 204, framing: { kind: 'none' } },
    { rule: 'rule 1: a reason phrase may be empty', head: 'HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n', status: 200, framing: { kind: 'none' } },
    { rule: 'rule 3: Content-Length with Transfer-Encoding from upstream', head: 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n', status: 200 },
    { rule: 'rule 3: Content-Length with Transfer-Encoding, even after HEAD', head: 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n', status: 200, headOnly: true },
    { rule: 'rule 5: two Content-Lengths from upstream', head: 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n', status: 200 },
    { rule: 'rule 4: an unknown transfer coding from upstream', head: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n', status: 200 },
    { rule: 'rule 1: Transfer-Encoding on 204', head: 'HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n', status: 204 },
    { rule: 'rule 1: a non-zero Content-Length on 204', head: 'HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n', status: 204 },
  ];
  for (const c of cases) {
    test(`${c.framing ? 'reads' : 'refuses with 502'}: ${c.rule}`, () => {
      const h = parseHead(b(c.head), false)!;
      if (c.framing) assert.deepEqual(responseFraming(h, c.status, c.headOnly ?? false), c.framing);
      else assert.throws(() => responseFraming(h, c.status, c.headOnly ?? false), (e: unknown) => e instanceof HeadError && e.status === 502);
    });
  }
  const broken: { rule: string; head: string }[] = [
    { rule: '4: a status line without status code', head: 'HTTP/1.1 OK\r\n\r\n' },
    { rule: '4: a status line without version', head: '200 OK\r\n\r\n' },
    { rule: '5.2: obs-fold in a response', head: 'HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n' },
    { rule: '5.5: NUL in a response field', head: 'HTTP/1.1 200 OK\r\nX: a\x00\r\n\r\n' },
    { rule: '2.2: bare LF response', head: 'HTTP/1.1 200 OK\nContent-Length: 0\n\n' },
  ];
  for (const c of broken) {
    test(`refuses with 502: ${c.rule}`, () => {
      assert.throws(() => parseHead(b(c.head), false), (e: unknown) => e instanceof HeadError && e.status === 502);
    });
  }
});

describe('chunked bodies (RFC 9112 section 7.1)', () => {
  const NEXT = 'GET /next HTTP/1.1\r\n\r\n';
  const good: { rule: string; body: string; data: number }[] = [
    { rule: '7.1: chunks then the last chunk and an empty trailer section', body: '5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n', data: 11 },
    { rule: '7.1: chunk sizes in either case of hex', body: 'A\r\n0123456789\r\na\r\n0123456789\r\n0\r\n\r\n', data: 20 },
    { rule: '7.1: leading zeros in a chunk size', body: '0005\r\nhello\r\n000\r\n\r\n', data: 5 },
    { rule: '7.1.1: chunk extensions are ignored', body: '5;name=value\r\nhello\r\n0;last\r\n\r\n', data: 5 },
    { rule: '7.1.1: BWS before a chunk extension', body: '5 ;a="b c"\r\nhello\r\n0\r\n\r\n', data: 5 },
    { rule: '7.1.2: trailer fields', body: '5\r\nhello\r\n0\r\nX-Sum: 1\r\nY:2\r\n\r\n', data: 5 },
  ];
  const bad: { rule: string; body: string }[] = [
    { rule: '7.1: a chunk size that is not hex', body: 'g\r\n' },
    { rule: '7.1: a 0x prefix', body: '0x5\r\nhello\r\n' },
    { rule: '7.1: an empty chunk size', body: '\r\nhello\r\n' },
    { rule: '7.1: a chunk size that overflows', body: 'fffffffffffffff\r\n' },
    { rule: '7.1: a sign before the chunk size', body: '-5\r\n' },
    { rule: '7.1: bare LF after a chunk size', body: '5\nhello\r\n0\r\n\r\n' },
    { rule: '7.1: bare CR after a chunk size', body: '5\rhello\r\n' },
    { rule: '7.1: more data than the chunk size', body: '5\r\nhello!\r\n0\r\n\r\n' },
    { rule: '7.1: bare LF after chunk data', body: '5\r\nhello\n0\r\n\r\n' },
    { rule: '7.1.1: bare LF in a chunk extension', body: '5;a\nb\r\nhello\r\n' },
    { rule: '7.1.1: bare CR in a chunk extension', body: '5;a\rb\r\nhello\r\n' },
    { rule: '7.1.1: NUL in a chunk extension', body: '5;a\x00\r\nhello\r\n' },
    { rule: '7.1.2: obs-fold in the trailer section', body: '0\r\nX: 1\r\n folded\r\n\r\n' },
    { rule: '7.1.2: a trailer line without colon', body: '0\r\nnocolon\r\n\r\n' },
    { rule: '7.1.2: whitespace before a trailer colon', body: '0\r\nX : 1\r\n\r\n' },
    { rule: '7.1.2: bare LF in a trailer field', body: '0\r\nX: a\nb\r\n\r\n' },
    { rule: '7.1: bare LF ending the body', body: '0\r\n\n' },
    { rule: '7.1.2: a trailer section over 60 KiB', body: `0\r\n${`X: ${'y'.repeat(1000)}\r\n`.repeat(70)}\r\n` },
  ];
  for (const c of good) {
    test(`reads: ${c.rule}`, () => {
      const whole = b(c.body + NEXT);
      const s = new ChunkedScanner();
      assert.equal(s.scan(whole, 0), Buffer.byteLength(c.body), 'the next request is left unread');
      assert.ok(s.done);
      assert.equal(s.dataBytes, c.data);
      // One byte at a time reads the same.
      const t = new ChunkedScanner();
      let n = 0;
      for (let i = 0; i < whole.length && !t.done; i++) n += t.scan(whole.subarray(i, i + 1), 0);
      assert.equal(n, Buffer.byteLength(c.body));
      assert.equal(t.dataBytes, c.data);
    });
  }
  for (const c of bad) {
    test(`refuses: ${c.rule}`, () => {
      assert.throws(() => new ChunkedScanner().scan(b(c.body), 0));
      const t = new ChunkedScanner();
      const bytes = b(c.body);
      assert.throws(() => {
        for (let i = 0; i < bytes.length; i++) t.scan(bytes.subarray(i, i + 1), 0);
      });
    });
  }

  test('a body tracker passes exactly the framed bytes, whatever the reads', () => {
    const body = b('5\r\nhello\r\n0\r\nX: 1\r\n\r\n');
    const t = new BodyTracker({ kind: 'chunked' });
    assert.equal(t.take(Buffer.concat([body, b(NEXT)]), 0), body.length);
    assert.ok(t.done);
    assert.equal(t.bodyBytes, 5);
    const l = new BodyTracker({ kind: 'length', remaining: 4 });
    assert.equal(l.take(b('ab'), 0), 2);
    assert.equal(l.take(b('cdGET'), 0), 2);
    assert.ok(l.done);
  });
});
