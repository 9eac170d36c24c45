import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatAge, formatTable, humanDuration } from './table.js';

test('columns are left aligned, three spaces past the widest cell, last column unpadded', () => {
  const out = formatTable(
    ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
    [
      ['service-a-6d4cf56db6-2xj8k', '2/2', 'Running', '0', '5m'],
      ['b', '0/1', 'CrashLoopBackOff', '3 (5s ago)', '10m'],
    ],
  );
  assert.equal(
    out,
    [
      'NAME                         READY   STATUS             RESTARTS     AGE',
      'service-a-6d4cf56db6-2xj8k   2/2     Running            0            5m',
      'b                            0/1     CrashLoopBackOff   3 (5s ago)   10m',
      '',
    ].join('\n'),
  );
});

test('narrow columns are still six wide, and lines have no trailing spaces', () => {
  assert.equal(formatTable(['A', 'B', 'C'], [['x', 'y', '']]), 'A     B     C\nx     y\n');
});

test('a header alone still ends with a newline', () => {
  assert.equal(formatTable(['NAME', 'AGE'], []), 'NAME   AGE\n');
});

test('cells show only their first line', () => {
  assert.equal(formatTable(['NAME', 'NOTE'], [['a', 'one\ntwo']]), 'NAME   NOTE\na      one...\n');
});

test('width counts characters, not UTF-16 units', () => {
  assert.equal(formatTable(['N', 'X'], [['😀😀😀😀', 'y']]), 'N      X\n😀😀😀😀   y\n');
});

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

test('humanDuration thresholds match Kubernetes', () => {
  const cases: Array<[number, string]> = [
    [-3 * s, '<invalid>'],
    [-1500, '0s'],
    [0, '0s'],
    [5 * s, '5s'],
    [59 * s, '59s'],
    [90 * s, '90s'],
    [119 * s, '119s'],
    [2 * m, '2m'],
    [2 * m + 30 * s, '2m30s'],
    [9 * m + 59 * s, '9m59s'],
    [10 * m + 30 * s, '10m'],
    [179 * m, '179m'],
    [3 * h, '3h'],
    [3 * h + 10 * m, '3h10m'],
    [7 * h + 59 * m, '7h59m'],
    [8 * h + 30 * m, '8h'],
    [47 * h, '47h'],
    [2 * d, '2d'],
    [2 * d + 3 * h, '2d3h'],
    [7 * d + 23 * h, '7d23h'],
    [8 * d + 5 * h, '8d'],
    [15 * d, '15d'],
    [729 * d, '729d'],
    [730 * d, '2y'],
    [733 * d, '2y3d'],
    [8 * 365 * d + 40 * d, '8y'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms}ms`);
});

test('formatAge measures from a timestamp or Date', () => {
  const now = new Date('2024-05-01T12:00:00Z');
  assert.equal(formatAge('2024-05-01T11:57:30Z', now), '2m30s');
  assert.equal(formatAge(new Date('2024-04-29T09:00:00Z'), now), '2d3h');
  assert.equal(formatAge('', now), '<unknown>');
  assert.equal(formatAge(undefined, now), '<unknown>');
});
