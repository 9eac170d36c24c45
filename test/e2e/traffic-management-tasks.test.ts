// Istio's traffic-management tasks on Bookinfo, step by step with `weft` in place of `kubectl`, on
// Istio's own manifests: request routing (everything to v1, then jason to v2) and traffic shifting
// (50/50 between v1 and v3, then all to v3), checking what the task pages say a user sees.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { WeftSandbox, repoRoot } from '../support/weft-cli.js';
import { BookinfoClient } from '../support/bookinfo-client.js';

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
});
