import { test } from 'node:test';
import assert from 'node:assert/strict';
import { re2Problem, re2ToRegExp } from './re2.js';

test('common RE2 patterns compile and keep their meaning', () => {
  assert.ok(re2ToRegExp('^/productpage$').test('/productpage'));
  assert.ok(re2ToRegExp('(?i)^/api').test('/API/v1'));
  assert.equal(re2ToRegExp('(?P<ver>v[0-9]+)').exec('v12')?.groups?.ver, 'v12');
  assert.ok(re2ToRegExp('^[[:digit:]]+$').test('123'));
  assert.ok(!re2ToRegExp('^[[:digit:]]+$').test('12a'));
  assert.ok(re2ToRegExp('\\Qa.b\\E').test('a.b'));
  assert.ok(!re2ToRegExp('^\\Qa.b\\E$').test('axb'));
  assert.ok(re2ToRegExp('\\Aab\\z').test('ab'));
});

test('patterns RE2 rejects are reported', () => {
  assert.match(re2Problem('a(?=b)') ?? '', /lookaround/);
  assert.match(re2Problem('(a)\\1') ?? '', /backreference/);
  assert.ok(re2Problem('(unclosed'));
  assert.ok(re2Problem('*start'));
  assert.ok(re2Problem('[z-a]'));
  assert.equal(re2Problem('.*'), undefined);
});
