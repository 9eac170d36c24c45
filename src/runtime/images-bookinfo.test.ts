import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { planImage } from './images.js';
import { distEntry } from './paths.js';

test('Bookinfo images run the built-in stand-ins, whatever the registry and tag', () => {
  for (const [image, entry] of [
    ['istio/examples-bookinfo-productpage-v1:1.8.0', 'samples/bookinfo/productpage-main.js'],
    ['docker.io/istio/examples-bookinfo-details-v1:1.20.1', 'samples/bookinfo/details-main.js'],
    ['istio/examples-bookinfo-ratings-v1:1.8.0', 'samples/bookinfo/ratings-main.js'],
    ['istio/examples-bookinfo-reviews-v1', 'samples/bookinfo/reviews-v1-main.js'],
    ['istio/examples-bookinfo-reviews-v2:1.8.0', 'samples/bookinfo/reviews-v2-main.js'],
    ['istio/examples-bookinfo-reviews-v3:1.8.0', 'samples/bookinfo/reviews-v3-main.js'],
  ] as const) {
    assert.deepEqual(planImage(image, 'c', undefined), { kind: 'sample', entry }, image);
    assert.ok(existsSync(distEntry(entry)), entry);
  }
});

test('the database-backed ratings-v2 images are not built in', () => {
  const plan = planImage('istio/examples-bookinfo-ratings-v2:1.8.0', 'ratings', undefined);
  assert.equal(plan.kind, 'missing');
  assert.match(plan.kind === 'missing' ? plan.message : '', /^image "istio\/examples-bookinfo-ratings-v2:1\.8\.0" is not built into Weft: it needs a MongoDB database \(or MySQL with DB_TYPE=mysql\)/);
  const mysql = planImage('docker.io/istio/examples-bookinfo-mysqldb:1.20.2', 'mysqldb', undefined);
  assert.match(mysql.kind === 'missing' ? mysql.message : '', /it needs MySQL, which Weft does not run$/);
});
