import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRatingsServer } from './ratings.js';
import { call, callJson, close, listen } from '../../../test/support/bookinfo.js';

const server = createRatingsServer(() => {});
let port = 0;
before(async () => (port = await listen(server)));
after(() => close(server));

test('ratings answers two reviewers’ stars for a product', async () => {
  assert.deepEqual(await callJson(port, '/ratings/0'), { status: 200, body: { id: 0, ratings: { Reviewer1: 5, Reviewer2: 4 } } });
  assert.deepEqual(await callJson(port, '/health'), { status: 200, body: { status: 'Ratings is healthy' } });
});

test('ratings refuses a non-numeric id', async () => {
  assert.deepEqual(await callJson(port, '/ratings/x'), { status: 400, body: { error: 'please provide numeric product ID' } });
});

test('a POST replaces a product’s ratings in memory, other products keep the defaults', async () => {
  const posted = await call(port, '/ratings/3', { method: 'POST', body: JSON.stringify({ Reviewer1: 1, Reviewer2: 2 }) });
  assert.equal(posted.status, 200);
  assert.deepEqual(await callJson(port, '/ratings/3'), { status: 200, body: { id: 3, ratings: { Reviewer1: 1, Reviewer2: 2 } } });
  assert.deepEqual((await callJson(port, '/ratings/4')).body, { id: 4, ratings: { Reviewer1: 5, Reviewer2: 4 } });
  assert.equal((await call(port, '/ratings/3', { method: 'POST', body: '{nope' })).status, 400);
});
