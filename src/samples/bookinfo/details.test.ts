import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createDetailsServer, detailsConfig, IMAGE_ENV } from './details.js';
import { call, callJson, close, listen } from '../../../test/support/bookinfo.js';

const lines: string[] = [];
const server = createDetailsServer(detailsConfig({ ...IMAGE_ENV.v1 }), (l) => lines.push(l));
let port = 0;
before(async () => (port = await listen(server)));
after(() => close(server));

test('details answers the book details of the original for a numeric id', async () => {
  const r = await callJson(port, '/details/7');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, {
    id: 7,
    author: 'William Shakespeare',
    year: 1595,
    type: 'paperback',
    pages: 200,
    publisher: 'PublisherA',
    language: 'English',
    'ISBN-10': '1234567890',
    'ISBN-13': '123-1234567890',
  });
});

test('details refuses a non-numeric id with 400 and the original error', async () => {
  const r = await callJson(port, '/details/abc');
  assert.equal(r.status, 400);
  assert.deepEqual(r.body, { error: 'please provide numeric product id' });
});

test('details has /health, 404 elsewhere, and logs a line per request', async () => {
  assert.deepEqual(await callJson(port, '/health'), { status: 200, body: { status: 'Details is healthy' } });
  assert.equal((await call(port, '/nope')).status, 404);
  assert.ok(lines.some((l) => l.includes('"GET /health" 200')), lines.join(''));
  assert.ok(lines.some((l) => l.includes('"GET /nope" 404')), lines.join(''));
});

test('the v2 image calls the Books API over TLS on 443, or plain HTTP on 80 with DO_NOT_ENCRYPT=true; the container env decides', () => {
  assert.deepEqual(detailsConfig({ ...IMAGE_ENV.v2 }).external, { host: 'www.googleapis.com', port: 443, tls: true });
  assert.deepEqual(detailsConfig({ ...IMAGE_ENV.v2, DO_NOT_ENCRYPT: 'true' }).external, { host: 'www.googleapis.com', port: 80, tls: false });
  assert.equal(detailsConfig({ ...IMAGE_ENV.v2, ENABLE_EXTERNAL_BOOK_SERVICE: 'false' }).external, undefined);
  assert.equal(detailsConfig({ ...IMAGE_ENV.v1 }).external, undefined);
});

test('details v2 maps the Books API volume as the original, forwarding its trace headers', async () => {
  // Stands in for www.googleapis.com, which is outside this machine.
  const seen: Array<{ url?: string; headers: Record<string, unknown> }> = [];
  const books = createServer((req, res) => {
    seen.push({ url: req.url, headers: req.headers });
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ items: [{ volumeInfo: { authors: ['William Shakespeare'], publishedDate: '2002-07-22', printType: 'BOOK', pageCount: 80, publisher: 'Dover Publications', language: 'en', industryIdentifiers: [{ type: 'ISBN_13', identifier: '9780486424613' }, { type: 'ISBN_10', identifier: '0486424618' }] } }] }));
  });
  const booksPort = await listen(books);
  const v2 = createDetailsServer({ external: { host: '127.0.0.1', port: booksPort, tls: false } }, () => undefined);
  const port = await listen(v2);
  try {
    const r = await callJson(port, '/details/0', { 'x-request-id': 'r-1', 'x-b3-traceid': 'abc', 'end-user': 'jason' });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { id: 0, author: 'William Shakespeare', year: '2002-07-22', type: 'paperback', pages: 80, publisher: 'Dover Publications', language: 'English', 'ISBN-10': '0486424618', 'ISBN-13': '9780486424613' });
    assert.equal(seen[0]!.url, '/books/v1/volumes?q=isbn:0486424618');
    assert.equal(seen[0]!.headers['x-request-id'], 'r-1');
    assert.equal(seen[0]!.headers['x-b3-traceid'], 'abc');
    assert.equal(seen[0]!.headers['end-user'], undefined, 'details.rb forwards trace headers only');
  } finally {
    await close(v2);
    await close(books);
  }
});

test('details v2 answers 400 with the error when the Books API cannot be reached', async () => {
  const plain = createServer();
  const plainPort = await listen(plain);
  const v2 = createDetailsServer({ external: { host: '127.0.0.1', port: plainPort, tls: true } }, () => undefined);
  const port = await listen(v2);
  try {
    // A plain-HTTP server where TLS is expected: the handshake fails, as it would behind a proxy that does not originate TLS.
    const r = await callJson(port, '/details/0');
    assert.equal(r.status, 400);
    assert.match(String((r.body as { error?: string }).error), /^Failed to open TCP connection to 127\.0\.0\.1:\d+ \(/);
  } finally {
    await close(v2);
    await close(plain);
  }
});
