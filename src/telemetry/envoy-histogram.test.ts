import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EnvoyHistogram, ENVOY_BUCKET_LE_LABELS, ENVOY_DEFAULT_BUCKETS } from './envoy-histogram.js';

test('bucket labels print like Envoy', () => {
  assert.equal(ENVOY_BUCKET_LE_LABELS[0], 'le="0.5"');
  assert.equal(ENVOY_BUCKET_LE_LABELS.at(-1), 'le="3600000"');
  assert.equal(ENVOY_BUCKET_LE_LABELS.length, ENVOY_DEFAULT_BUCKETS.length);
});

test('a value just below a bound is inside it, the bound itself is not', () => {
  const h = new EnvoyHistogram();
  h.observe(249);
  h.observe(250);
  const { buckets, count } = h.snapshot();
  const at = (b: number): number | undefined => buckets[ENVOY_DEFAULT_BUCKETS.indexOf(b)];
  assert.equal(at(100), 0);
  assert.equal(at(250), 1);
  assert.equal(at(500), 2);
  assert.equal(count, 2);
});

test('sums bin midpoints in bin order', () => {
  const h = new EnvoyHistogram();
  for (const v of [123, 7, 7, 0]) h.observe(v);
  // 0 -> 0; 7 -> bin [7, 7.1), midpoint 7.05; 123 -> bin [120, 130), midpoint 125.
  assert.equal(h.snapshot().sum, 7.05 * 2 + 125);
});

test('NaN, negative and infinite observations do not hang or poison the sums', () => {
  const h = new EnvoyHistogram();
  h.observe(Number.NaN);
  h.observe(-5);
  h.observe(Number.POSITIVE_INFINITY);
  const s = h.snapshot();
  assert.equal(s.count, 3);
  assert.equal(s.buckets[0], 2);
  assert.equal(s.buckets.at(-1), 2);
  assert.ok(Number.isFinite(s.sum));
});
