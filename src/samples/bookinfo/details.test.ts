import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createDetailsServer } from './details.js';
import { call, callJson, close, listen } from '../../../test/support/bookinfo.js';

const lines: string[] = [];
const server = createDetailsServer((l) => lines.push(l));
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
