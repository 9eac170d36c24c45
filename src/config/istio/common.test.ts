import { test } from 'node:test';
import assert from 'node:assert/strict';
import { duration, parseDurationMs, percent, positiveDuration, presenceMatch, stringMatch } from './common.js';

test('parseDurationMs reads Go/protobuf duration strings', () => {
  assert.equal(parseDurationMs('1s'), 1000);
  assert.equal(parseDurationMs('0.5s'), 500);
  assert.equal(parseDurationMs('100ms'), 100);
  assert.equal(parseDurationMs('1m30s'), 90_000);
  assert.equal(parseDurationMs('1h'), 3_600_000);
  assert.equal(parseDurationMs('250us'), 0.25);
  assert.equal(parseDurationMs('0s'), 0);
  assert.equal(parseDurationMs('1.5h'), 5_400_000);
});

test('parseDurationMs rejects strings without units and unknown units', () => {
  for (const bad of ['10 seconds', '1d', '', 's', '1.5', '10', '-1s', '1s ', 'ms']) {
    assert.throws(() => parseDurationMs(bad), RangeError, bad);
  }
});

test('duration schemas: positiveDuration needs at least 1ms', () => {
  assert.equal(duration.safeParse('0s').success, true);
  assert.equal(positiveDuration.safeParse('0s').success, false);
  assert.equal(positiveDuration.safeParse('1ms').success, true);
  const r = positiveDuration.safeParse('10 seconds');
  assert.equal(r.success, false);
  assert.match(r.error!.issues[0]!.message, /invalid duration "10 seconds"/);
});

test('StringMatch needs exactly one of exact, prefix, regex', () => {
  assert.equal(stringMatch.safeParse({ exact: '/a' }).success, true);
  assert.equal(stringMatch.safeParse({ prefix: '/a' }).success, true);
  assert.equal(stringMatch.safeParse({ regex: '^/a/[0-9]+$' }).success, true);
  const two = stringMatch.safeParse({ exact: '/a', prefix: '/b' });
  assert.equal(two.success, false);
  assert.match(two.error!.issues[0]!.message, /only one of exact, prefix or regex/);
  assert.equal(stringMatch.safeParse({}).success, false);
  assert.equal(stringMatch.safeParse({ suffix: '/a' }).success, false);
});

test('StringMatch regex must compile; RE2 inline flags and named groups are fine', () => {
  assert.equal(stringMatch.safeParse({ regex: '(?i)^/API/.*' }).success, true);
  assert.equal(stringMatch.safeParse({ regex: '(?P<id>[0-9]+)' }).success, true);
  const bad = stringMatch.safeParse({ regex: '/api/(v1' });
  assert.equal(bad.success, false);
  assert.deepEqual(bad.error!.issues[0]!.path, ['regex']);
  assert.equal(stringMatch.safeParse({ regex: 'foo(?=bar)' }).success, false);
});

test('header matches allow {} for presence', () => {
  assert.equal(presenceMatch.safeParse({}).success, true);
  assert.equal(presenceMatch.safeParse({ exact: 'a', regex: 'b' }).success, false);
});

test('Percent is 0..100', () => {
  assert.equal(percent.safeParse({ value: 100.0 }).success, true);
  assert.equal(percent.safeParse({ value: 0.5 }).success, true);
  assert.equal(percent.safeParse({ value: 101 }).success, false);
  assert.equal(percent.safeParse({ value: -1 }).success, false);
  assert.equal(percent.safeParse({ value: 10, extra: 1 }).success, false);
});
