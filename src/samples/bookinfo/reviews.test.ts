import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createRatingsServer } from './ratings.js';
import { createReviewsServer, IMAGE_ENV, reviewsConfig, type ReviewsConfig } from './reviews.js';
import { callJson, close, listen, recorder } from '../../../test/support/bookinfo.js';

const ratings = createRatingsServer(() => {});
let ratingsPort = 0;
const started: Server[] = [];
before(async () => (ratingsPort = await listen(ratings)));
after(async () => {
  await Promise.all(started.map(close));
  await close(ratings);
});

async function reviews(version: 'v1' | 'v2' | 'v3', over: Partial<ReviewsConfig> = {}): Promise<number> {
  const config = { ...reviewsConfig({ ...IMAGE_ENV[version], HOSTNAME: `reviews-${version}-abc` }), ratingsUrl: `http://127.0.0.1:${ratingsPort}`, ...over };
  const server = createReviewsServer(config, () => {});
  started.push(server);
  return listen(server);
}

const TEXT1 = 'An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!';
const TEXT2 = 'Absolutely fun and entertaining. The play lacks thematic depth when compared to other plays by Shakespeare.';

test('each image’s environment gives the original’s settings, and the container’s env overrides it', () => {
  const v1 = reviewsConfig(IMAGE_ENV.v1);
  const v2 = reviewsConfig(IMAGE_ENV.v2);
  const v3 = reviewsConfig(IMAGE_ENV.v3);
  assert.equal(v1.ratingsEnabled, false);
  assert.deepEqual([v2.ratingsEnabled, v2.starColor, v2.ratingsTimeoutMs], [true, 'black', 10_000]);
  assert.deepEqual([v3.ratingsEnabled, v3.starColor, v3.ratingsTimeoutMs], [true, 'red', 2_500]);
  assert.equal(v2.ratingsUrl, 'http://ratings:9080');
  const custom = reviewsConfig({ ...IMAGE_ENV.v2, STAR_COLOR: 'blue', RATINGS_HOSTNAME: 'r', RATINGS_SERVICE_PORT: '81', SERVICES_DOMAIN: 'ns.svc' });
  assert.deepEqual([custom.starColor, custom.ratingsTimeoutMs, custom.ratingsUrl], ['blue', 2_500, 'http://r.ns.svc:81']);
});

test('reviews v1 answers the two reviews without ratings', async () => {
  const port = await reviews('v1', { ratingsUrl: 'http://127.0.0.1:1' });
  const r = await callJson(port, '/reviews/0');
  assert.deepEqual(r, {
    status: 200,
    body: {
      id: '0',
      podname: 'reviews-v1-abc',
      clustername: 'null',
      reviews: [
        { reviewer: 'Reviewer1', text: TEXT1 },
        { reviewer: 'Reviewer2', text: TEXT2 },
      ],
    },
  });
  assert.deepEqual(await callJson(port, '/health'), { status: 200, body: { status: 'Reviews is healthy' } });
});

test('reviews v2 shows black stars and v3 red stars from the ratings service', async () => {
  for (const [version, color] of [['v2', 'black'], ['v3', 'red']] as const) {
    const r = await callJson(await reviews(version), '/reviews/0');
    assert.equal(r.status, 200);
    const body = r.body as { reviews: Array<{ rating: unknown }> };
    assert.deepEqual(body.reviews.map((x) => x.rating), [{ stars: 5, color }, { stars: 4, color }], version);
  }
});

test('when ratings cannot be reached, reviews reports it per review and still answers 200', async () => {
  const gone = createServer();
  const deadPort = await listen(gone);
  await close(gone);
  const r = await callJson(await reviews('v3', { ratingsUrl: `http://127.0.0.1:${deadPort}` }), '/reviews/0');
  assert.equal(r.status, 200);
  const body = r.body as { reviews: Array<{ rating: unknown }> };
  assert.deepEqual(body.reviews.map((x) => x.rating), [
    { error: 'Ratings service is currently unavailable' },
    { error: 'Ratings service is currently unavailable' },
  ]);
});

test('a ratings answer slower than the ratings timeout counts as unavailable', async () => {
  const slow = recorder({ status: 200, body: { id: 0, ratings: { Reviewer1: 1, Reviewer2: 1 } }, delayMs: 60_000 });
  started.push(slow.server);
  const slowPort = await listen(slow.server);
  const r = await callJson(await reviews('v2', { ratingsUrl: `http://127.0.0.1:${slowPort}`, ratingsTimeoutMs: 100 }), '/reviews/0');
  const body = r.body as { reviews: Array<{ rating: unknown }> };
  assert.deepEqual(body.reviews[0]!.rating, { error: 'Ratings service is currently unavailable' });
  // No retry: at most the one call (it may be cut by the timeout before the slow server reads it).
});

test('reviews forwards the trace and user headers to ratings, and nothing else', async () => {
  const rec = recorder({ status: 200, body: { id: 0, ratings: { Reviewer1: 2, Reviewer2: 3 } } });
  started.push(rec.server);
  const recPort = await listen(rec.server);
  const sent: Record<string, string> = {
    'x-request-id': 'req-1',
    'x-b3-traceid': 'a'.repeat(32),
    'x-b3-spanid': 'b'.repeat(16),
    'x-b3-parentspanid': 'c'.repeat(16),
    'x-b3-sampled': '1',
    'x-b3-flags': '0',
    b3: 'a-b-1',
    traceparent: '00-aa-bb-01',
    tracestate: 'k=v',
    'x-ot-span-context': 'ot',
    'x-datadog-trace-id': '1',
    'x-datadog-parent-id': '2',
    'x-datadog-sampling-priority': '1',
    'grpc-trace-bin': 'AAA',
    'x-cloud-trace-context': 'ctx',
    sw8: 'sw',
    'user-agent': 'ua/1',
    cookie: 'session=x',
    'end-user': 'jason',
    'x-not-propagated': 'no',
  };
  const r = await callJson(await reviews('v2', { ratingsUrl: `http://127.0.0.1:${recPort}` }), '/reviews/0', sent);
  assert.deepEqual((r.body as { reviews: Array<{ rating: unknown }> }).reviews[1]!.rating, { stars: 3, color: 'black' });
  const got = rec.requests[0]!;
  for (const [k, v] of Object.entries(sent)) {
    if (k === 'x-not-propagated') assert.equal(got[k], undefined);
    else assert.equal(got[k], v, k);
  }
});
