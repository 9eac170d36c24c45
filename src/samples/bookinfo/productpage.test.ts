import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createDetailsServer } from './details.js';
import { createProductPageServer, productPageConfig, type ProductPageConfig } from './productpage.js';
import { createRatingsServer } from './ratings.js';
import { createReviewsServer, IMAGE_ENV, reviewsConfig, type ReviewsConfig } from './reviews.js';
import { call, callJson, close, count, listen, recorder } from '../../../test/support/bookinfo.js';

const started: Server[] = [];
async function start(server: Server): Promise<string> {
  started.push(server);
  return `http://127.0.0.1:${await listen(server)}`;
}
after(() => Promise.all(started.map(close)));

let detailsUrl = '';
let ratingsUrl = '';
let deadUrl = '';
before(async () => {
  detailsUrl = await start(createDetailsServer(undefined, () => {}));
  ratingsUrl = await start(createRatingsServer(() => {}));
  const gone = createServer();
  deadUrl = `http://127.0.0.1:${await listen(gone)}`;
  await close(gone);
});

async function reviews(version: 'v1' | 'v2' | 'v3', over: Partial<ReviewsConfig> = {}): Promise<string> {
  return start(createReviewsServer({ ...reviewsConfig({ ...IMAGE_ENV[version], HOSTNAME: 'reviews-pod' }), ratingsUrl, ...over }, () => {}));
}

async function productpage(over: Partial<ProductPageConfig>): Promise<number> {
  const config = { ...productPageConfig({}), detailsUrl, ratingsUrl, reviewsUrl: deadUrl, ...over };
  const server = createProductPageServer(config, () => {});
  started.push(server);
  return listen(server);
}

const FULL = '<span class="glyphicon glyphicon-star"></span>';
const EMPTY = '<span class="glyphicon glyphicon-star-empty"></span>';

test('the upstreams come from the *_HOSTNAME, *_SERVICE_PORT and SERVICES_DOMAIN variables, with the original’s timeouts', () => {
  assert.deepEqual(productPageConfig({}), {
    detailsUrl: 'http://details:9080',
    reviewsUrl: 'http://reviews:9080',
    ratingsUrl: 'http://ratings:9080',
    timeoutMs: 3000,
    reviewsTries: 2,
  });
  const c = productPageConfig({ DETAILS_HOSTNAME: 'd', DETAILS_SERVICE_PORT: '1', REVIEWS_HOSTNAME: 'r', RATINGS_SERVICE_PORT: '3', SERVICES_DOMAIN: 'ns' });
  assert.deepEqual([c.detailsUrl, c.reviewsUrl, c.ratingsUrl], ['http://d.ns:1', 'http://r.ns:9080', 'http://ratings.ns:3']);
});

test('the product page shows no stars with reviews v1, black ones with v2 and red ones with v3', async () => {
  const expected = { v1: { full: 0, empty: 0, fonts: 0 }, v2: { full: 9, empty: 1, fonts: 2 }, v3: { full: 9, empty: 1, fonts: 2 } };
  for (const version of ['v1', 'v2', 'v3'] as const) {
    const port = await productpage({ reviewsUrl: await reviews(version) });
    const page = await call(port, '/productpage');
    assert.equal(page.status, 200);
    assert.match(page.text, /<title>Simple Bookstore App<\/title>/);
    assert.match(page.text, /<h3 class="text-center text-primary">The Comedy of Errors<\/h3>/);
    assert.match(page.text, /<b>William Shakespeare's<\/b> early plays/);
    assert.match(page.text, /<dt>ISBN-10:<\/dt>1234567890/);
    assert.match(page.text, /<h4 class="text-center text-primary">Book Reviews<\/h4>/);
    assert.equal(count(page.text, '<blockquote>'), 2, version);
    assert.equal(count(page.text, FULL), expected[version].full, version);
    assert.equal(count(page.text, EMPTY), expected[version].empty, version);
    const color = version === 'v3' ? 'red' : 'black';
    assert.equal(count(page.text, `<font color="${color}">`), expected[version].fonts, version);
  }
});

test('the original error texts replace the details or reviews panel when that service is down', async () => {
  const noDetails = await call(await productpage({ detailsUrl: deadUrl, reviewsUrl: await reviews('v1') }), '/productpage');
  assert.equal(noDetails.status, 200);
  assert.match(noDetails.text, /Error fetching product details!/);
  assert.match(noDetails.text, /Sorry, product details are currently unavailable for this book\./);
  assert.match(noDetails.text, /Book Reviews/);

  const noReviews = await call(await productpage({ reviewsUrl: deadUrl }), '/productpage');
  assert.match(noReviews.text, /Error fetching product reviews!/);
  assert.match(noReviews.text, /Sorry, product reviews are currently unavailable for this book\./);
  assert.match(noReviews.text, /Book Details/);
});

test('reviews is tried twice, each try within the client timeout; the API passes the last status on', async () => {
  const failing = recorder({ status: 503, body: { error: 'overloaded' } });
  const port = await productpage({ reviewsUrl: await start(failing.server) });
  const r = await callJson(port, '/api/v1/products/0/reviews');
  assert.deepEqual(r, { status: 503, body: { error: 'Sorry, product reviews are currently unavailable for this book.' } });
  assert.equal(failing.requests.length, 2);

  const slow = recorder({ status: 200, body: { id: '0', reviews: [] }, delayMs: 60_000 });
  const slowPort = await productpage({ reviewsUrl: await start(slow.server), timeoutMs: 100 });
  const page = await call(slowPort, '/productpage');
  assert.match(page.text, /Sorry, product reviews are currently unavailable for this book\./);
  // The second try may be cut by its own timeout before the slow server reads it, so only the first is sure.
  assert.ok(slow.requests.length >= 1);
});

test('a ratings delay longer than productpage’s two reviews tries, but within reviews’ own timeout, fails the reviews panel', async () => {
  // The fault-injection task at a tenth of the scale: 7 s ratings delay, reviews waits 10 s, productpage 2 × 3 s.
  const slowRatings = recorder({ status: 200, body: { id: 0, ratings: { Reviewer1: 5, Reviewer2: 4 } }, delayMs: 700 });
  const reviewsUrl = await reviews('v2', { ratingsUrl: await start(slowRatings.server), ratingsTimeoutMs: 1000 });
  const page = await call(await productpage({ reviewsUrl, timeoutMs: 300 }), '/productpage');
  assert.match(page.text, /Sorry, product reviews are currently unavailable for this book\./);
  assert.ok(slowRatings.requests.length >= 1, 'reviews asked ratings');
});

test('sign-in puts the user in the session cookie, sends it upstream as end-user, and sign-out clears it', async () => {
  const rec = recorder({ status: 200, body: { id: '0', reviews: [] } });
  const port = await productpage({ reviewsUrl: await start(rec.server) });

  const login = await call(port, '/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', referer: 'http://bookinfo/productpage' },
    body: 'username=jason&passwd=x',
  });
  assert.equal(login.status, 302);
  assert.equal(login.headers.location, 'http://bookinfo/productpage');
  const setCookie = String(login.headers['set-cookie']);
  const session = /^(session=[^;]+);/.exec(setCookie)?.[1];
  assert.ok(session, setCookie);

  const page = await call(port, '/productpage', { headers: { cookie: session } });
  assert.match(page.text, /jason \( <a href="logout">sign out<\/a> \)/);
  assert.equal(rec.requests.at(-1)!['end-user'], 'jason');

  // A caller's own end-user header, or a forged cookie, does not make a user.
  const forged = `session=${Buffer.from(JSON.stringify({ user: 'jason' })).toString('base64url')}.bad`;
  const anon = await call(port, '/productpage', { headers: { cookie: forged, 'end-user': 'jason' } });
  assert.match(anon.text, />Sign in<\/button>/);
  assert.equal(rec.requests.at(-1)!['end-user'], undefined);

  const logout = await call(port, '/logout', { headers: { cookie: session, referer: 'http://bookinfo/productpage' } });
  assert.equal(logout.status, 302);
  assert.match(String(logout.headers['set-cookie']), /^session=;.*Max-Age=0/);
});

test('productpage forwards the trace headers to details and reviews', async () => {
  const d = recorder({ status: 200, body: { id: 0 } });
  const r = recorder({ status: 200, body: { id: '0', reviews: [] } });
  const port = await productpage({ detailsUrl: await start(d.server), reviewsUrl: await start(r.server) });
  const sent = { 'x-request-id': 'rid', 'x-b3-traceid': 't', 'x-b3-spanid': 's', 'x-b3-sampled': '1', traceparent: 'tp', 'user-agent': 'ua', 'x-other': 'no' };
  await call(port, '/productpage', { headers: sent });
  for (const got of [d.requests[0]!, r.requests[0]!]) {
    for (const [k, v] of Object.entries(sent)) assert.equal(got[k], k === 'x-other' ? undefined : v, k);
  }
});

test('the JSON API, the landing page, /health and 404 for static assets', async () => {
  const port = await productpage({ reviewsUrl: await reviews('v3') });
  const products = await callJson(port, '/api/v1/products');
  assert.equal(products.status, 200);
  assert.deepEqual((products.body as Array<{ id: number; title: string }>).map((p) => [p.id, p.title]), [[0, 'The Comedy of Errors']]);
  const details = await callJson(port, '/api/v1/products/0');
  assert.equal((details.body as { publisher: string }).publisher, 'PublisherA');
  const rev = await callJson(port, '/api/v1/products/0/reviews');
  assert.equal((rev.body as { reviews: Array<{ rating: { color: string } }> }).reviews[0]!.rating.color, 'red');
  assert.deepEqual(await callJson(port, '/api/v1/products/0/ratings'), { status: 200, body: { id: 0, ratings: { Reviewer1: 5, Reviewer2: 4 } } });
  assert.equal((await callJson(await productpage({ ratingsUrl: deadUrl }), '/api/v1/products/0/ratings')).status, 500);

  const health = await call(port, '/health');
  assert.deepEqual([health.status, health.text], [200, 'Product page is healthy']);
  const index = await call(port, '/');
  assert.match(index.text, /href="\/productpage\?u=normal"/);
  assert.equal((await call(port, '/static/bootstrap/css/bootstrap.min.css')).status, 404);
});
