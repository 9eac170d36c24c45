// Istio's traffic-management tasks on Bookinfo, step by step with `weft` in place of `kubectl`, on
// Istio's own manifests: request routing (everything to v1, then jason to v2), traffic shifting
// (50/50 between v1 and v3, then all to v3), fault injection (a 7 s ratings delay and an abort for
// jason) and request timeouts (0.5 s over a 2 s delay), checking what the task pages say a user sees.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { WeftSandbox, repoRoot } from '../support/weft-cli.js';
import { BookinfoClient, starColor as starOf } from '../support/bookinfo-client.js';

const samples = join(repoRoot, '..', 'shared', 'seeds', 'istio-samples', 'istio-1.24.6', 'samples', 'bookinfo');
const NS = 'bookinfo';

describe('tasks: traffic management on bookinfo (istio 1.24.6 manifests)', { skip: !existsSync(samples) && 'the shared Istio samples are not beside the repo' }, () => {
  const w = new WeftSandbox('weft-traffic-');
  let client: BookinfoClient;

  before(async () => {
    await w.ok(['up']);
    await w.ok(['install', '-y', '--set', 'profile=demo'], { timeoutMs: 90_000 });
    await w.ok(['create', 'ns', NS]);
    await w.ok(['label', 'namespace', NS, 'istio-injection=enabled']);
    await w.ok(['apply', '-n', NS, '-f', join(samples, 'platform', 'kube', 'bookinfo.yaml')]);
    await w.ok(['apply', '-n', NS, '-f', join(samples, 'networking', 'bookinfo-gateway.yaml')]);
    await w.ok(['apply', '-n', NS, '-f', join(samples, 'networking', 'destination-rule-all.yaml')]);
    await w.ok(['-n', NS, 'wait', 'po', '--for', 'condition=Ready', '--all', '--timeout=120s'], { timeoutMs: 130_000 });
    await w.ok(['-n', 'istio-system', 'wait', 'po', '--for', 'condition=Ready', '--all', '--timeout=120s'], { timeoutMs: 130_000 });
    const gateway = (await w.ok(['-n', 'istio-system', 'get', 'service', 'istio-ingressgateway', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}'])).trim();
    client = new BookinfoClient(gateway);
  });

  after(() => w.cleanup());

  const apply = (file: string) => w.ok(['apply', '-n', NS, '-f', join(samples, 'networking', file)]);

  /** Stars of `n` page loads once `settled` holds for `inARow` loads in a row (the new routes have arrived). */
  async function loads(n: number, settled: (stars: string) => boolean, cookie?: string, needed = 10): Promise<string[]> {
    let inARow = 0;
    const deadline = Date.now() + 30_000;
    while (inARow < needed) {
      if (Date.now() > deadline) throw new Error('the routes never took effect');
      inARow = settled(await client.stars(cookie)) ? inARow + 1 : 0;
    }
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(await client.stars(cookie));
    return out;
  }

  const tally = (stars: string[]) => stars.reduce<Record<string, number>>((t, s) => ({ ...t, [s]: (t[s] ?? 0) + 1 }), {});

  it('request routing: virtual-service-all-v1.yaml sends every request to reviews v1 (no stars)', async () => {
    assert.match(await apply('virtual-service-all-v1.yaml'), /virtualservice\.networking\.istio\.io\/reviews created/);
    assert.deepEqual(tally(await loads(20, (s) => s === 'none')), { none: 20 });
  });

  it('request routing: virtual-service-reviews-test-v2.yaml shows jason black stars (v2), everyone else none', async () => {
    assert.equal(await apply('virtual-service-reviews-test-v2.yaml'), 'virtualservice.networking.istio.io/reviews configured\n');
    const jason = await client.login('jason');
    assert.deepEqual(tally(await loads(10, (s) => s === 'black', jason)), { black: 10 });
    assert.deepEqual(tally(await loads(10, (s) => s === 'none')), { none: 10 });
    const other = await client.login('someone');
    assert.deepEqual(tally(await loads(5, () => true, other)), { none: 5 });
  });

  it('traffic shifting: virtual-service-reviews-50-v3.yaml splits between v1 and v3, about half each', async () => {
    await apply('virtual-service-all-v1.yaml');
    await loads(1, (s) => s === 'none');
    assert.equal(await apply('virtual-service-reviews-50-v3.yaml'), 'virtualservice.networking.istio.io/reviews configured\n');
    // A first red page shows the split has arrived (v3 is only reachable through it).
    const stars = await loads(60, (s) => s === 'red', undefined, 1);
    const t = tally(stars);
    assert.deepEqual(Object.keys(t).sort(), ['none', 'red'], JSON.stringify(t));
    // 60 draws of a fair coin: outside 15..45 once in about 10,000 runs.
    assert.ok(t.red! >= 15 && t.red! <= 45, JSON.stringify(t));
  });

  it('traffic shifting: virtual-service-reviews-v3.yaml sends everything to v3 (red stars)', async () => {
    assert.equal(await apply('virtual-service-reviews-v3.yaml'), 'virtualservice.networking.istio.io/reviews configured\n');
    assert.deepEqual(tally(await loads(20, (s) => s === 'red')), { red: 20 });
  });

  /** The product page for `cookie`'s user, and how long it took. */
  async function timedPage(cookie?: string): Promise<{ body: string; ms: number }> {
    const t0 = Date.now();
    const page = await client.get('/productpage', 'GET', undefined, cookie);
    assert.equal(page.status, 200);
    return { body: page.body, ms: Date.now() - t0 };
  }

  it('fault injection: a 7 s ratings delay for jason makes the reviews panel fail after productpage’s own timeouts', async () => {
    await apply('virtual-service-all-v1.yaml');
    await apply('virtual-service-reviews-test-v2.yaml');
    assert.equal(await apply('virtual-service-ratings-test-delay.yaml'), 'virtualservice.networking.istio.io/ratings configured\n');
    const jason = await client.login('jason');
    // reviews v2 waits up to 10 s for ratings; productpage gives reviews 3 s and one retry: the page
    // answers after about 6 s with the reviews error, as the task says.
    let page = await timedPage(jason);
    for (let i = 0; i < 5 && !page.body.includes('Sorry, product reviews are currently unavailable for this book.'); i++) page = await timedPage(jason);
    assert.match(page.body, /Sorry, product reviews are currently unavailable for this book\./);
    assert.ok(page.ms >= 5_000 && page.ms < 9_000, `the page took ${page.ms} ms`);
    // Everyone else is not delayed.
    const other = await timedPage();
    assert.doesNotMatch(other.body, /currently unavailable/);
  });

  it('fault injection: an HTTP abort for jason shows "Ratings service is currently unavailable"', async () => {
    assert.equal(await apply('virtual-service-ratings-test-abort.yaml'), 'virtualservice.networking.istio.io/ratings configured\n');
    const jason = await client.login('jason');
    let page = await timedPage(jason);
    for (let i = 0; i < 20 && !page.body.includes('Ratings service is currently unavailable'); i++) page = await timedPage(jason);
    assert.match(page.body, /Ratings service is currently unavailable/);
    assert.doesNotMatch((await timedPage()).body, /Ratings service is currently unavailable/);
    await w.ok(['delete', '-n', NS, '-f', join(samples, 'networking', 'virtual-service-ratings-test-abort.yaml')]);
  });

  it('request timeouts: reviews v2 with a 0.5 s timeout over a 2 s ratings delay answers the page in about a second', async () => {
    const reviewsV2 = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts:
  - reviews
  http:
  - route:
    - destination:
        host: reviews
        subset: v2
`;
    const ratingsDelay = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ratings
spec:
  hosts:
  - ratings
  http:
  - fault:
      delay:
        percentage:
          value: 100
        fixedDelay: 2s
    route:
    - destination:
        host: ratings
        subset: v1
`;
    await w.ok(['apply', '-n', NS, '-f', '-'], { input: reviewsV2 });
    await w.ok(['apply', '-n', NS, '-f', '-'], { input: ratingsDelay });
    // With the delay alone the page is whole (black stars) and takes about 2 s.
    let page = await timedPage();
    for (let i = 0; i < 20 && (starOf(page.body) !== 'black' || page.ms < 1_800); i++) page = await timedPage();
    assert.equal(starOf(page.body), 'black');
    assert.ok(page.ms >= 1_800, `the page took ${page.ms} ms`);
    await w.ok(['apply', '-n', NS, '-f', '-'], { input: reviewsV2.replace('  - route:', '  - timeout: 0.5s\n    route:') });
    let timed = await timedPage();
    for (let i = 0; i < 20 && !timed.body.includes('Sorry, product reviews are currently unavailable for this book.'); i++) timed = await timedPage();
    assert.match(timed.body, /Sorry, product reviews are currently unavailable for this book\./);
    // Two tries of 0.5 s each (productpage retries once), not the 2 s delay.
    assert.ok(timed.ms < 1_800, `the page took ${timed.ms} ms`);
  });
});
