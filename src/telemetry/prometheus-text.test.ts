import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeHelp, escapeLabelValue, formatSampleValue, isValidMetricName } from './prometheus-text.js';

test('escapes label values and help text', () => {
  assert.equal(escapeLabelValue('plain'), 'plain');
  assert.equal(escapeLabelValue('a\\b"c\nd'), 'a\\\\b\\"c\\nd');
  assert.equal(escapeHelp('say "hi"\\\n'), 'say "hi"\\\\\\n');
});

test('formats values like fmt {:.32g}', () => {
  assert.equal(formatSampleValue(0), '0');
  assert.equal(formatSampleValue(42), '42');
  assert.equal(formatSampleValue(0.5), '0.5');
  assert.equal(formatSampleValue(4.05), '4.049999999999999822364316059975');
  assert.equal(formatSampleValue(1.5e40), '1.500000000000000106014195244782e+40');
  assert.equal(formatSampleValue(1e-5), '1.0000000000000000818030539140313e-05');
  assert.equal(formatSampleValue(Number.POSITIVE_INFINITY), '+Inf');
  assert.equal(formatSampleValue(Number.NaN), 'NaN');
});

test('validates metric names', () => {
  assert.ok(isValidMetricName('weft_config_version'));
  assert.ok(!isValidMetricName('9lives'));
  assert.ok(!isValidMetricName('has-dash'));
});
