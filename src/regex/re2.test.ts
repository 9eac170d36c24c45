import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRe2, re2FullMatch, re2GroupCount, re2Problem, re2Rewrite } from './re2.js';

test('a pattern that makes backtracking engines explode finishes (linear time)', () => {
  assert.equal(re2FullMatch('(a+)+$', 'a'.repeat(30) + '!'), false);
  assert.equal(re2FullMatch('(a|aa)*b', 'a'.repeat(5000)), false);
});

test('full match: the whole value must match, as Envoy safe_regex', () => {
  assert.equal(re2FullMatch('/api/v[0-9]+', '/api/v12'), true);
  assert.equal(re2FullMatch('/api/v[0-9]+', '/api/v12/users'), false);
  assert.equal(re2FullMatch('v1', 'xv1'), false);
  assert.equal(re2FullMatch('.*v1.*', 'xv1'), true);
});

test('(?i) flags: leading, scoped groups and turning off', () => {
  assert.equal(re2FullMatch('(?i)/api', '/API'), true);
  // a scoped group is case-insensitive inside only
  assert.equal(re2FullMatch('(?i:ab)c', 'ABc'), true);
  assert.equal(re2FullMatch('(?i:ab)c', 'ABC'), false);
  assert.equal(re2FullMatch('(?i)a(?-i)b', 'Ab'), true);
  assert.equal(re2FullMatch('(?i)a(?-i)b', 'AB'), false);
});

test('Unicode classes, Perl classes and POSIX classes', () => {
  assert.equal(re2FullMatch('\\pL+', 'héllo'), true);
  assert.equal(re2FullMatch('\\pL+', 'h3llo'), false);
  assert.equal(re2FullMatch('\\p{Greek}+', 'αβγ'), true);
  assert.equal(re2FullMatch('\\PL', '1'), true);
  assert.equal(re2FullMatch('\\d+', '0123'), true);
  // \d is ASCII digits only in RE2
  assert.equal(re2FullMatch('\\d', '٣'), false);
  assert.equal(re2FullMatch('[[:digit:]]+', '123'), true);
  assert.equal(re2FullMatch('[[:alpha:]]+', 'abC'), true);
  assert.equal(re2FullMatch('[[:^digit:]]+', 'abc'), true);
  assert.equal(re2FullMatch('[[:^digit:]]+', 'a1'), false);
  assert.equal(re2FullMatch('\\Qa.b\\E', 'a.b'), true);
  assert.equal(re2FullMatch('\\Qa.b\\E', 'axb'), false);
  assert.equal(re2FullMatch('(?P<ver>v[0-9]+)', 'v12'), true);
});

test('lookaround and backreferences are rejected with Go regexp messages', () => {
  assert.equal(re2Problem('a(?=b)'), 'error parsing regexp: invalid or unsupported Perl syntax: `(?=`');
  assert.equal(re2Problem('a(?!b)'), 'error parsing regexp: invalid or unsupported Perl syntax: `(?!`');
  assert.equal(re2Problem('(a)\\1'), 'error parsing regexp: invalid escape sequence: `\\1`');
  assert.equal(re2Problem('(unclosed'), 'error parsing regexp: missing closing ): `(unclosed`');
  assert.equal(re2Problem('*start'), 'error parsing regexp: missing argument to repetition operator: `*`');
  assert.equal(re2Problem('[z-a]'), 'error parsing regexp: invalid character class range: `z-a`');
  assert.equal(re2Problem('.*'), undefined);
  assert.throws(() => compileRe2('a(?=b)'), /invalid or unsupported Perl syntax/);
});

test('regex rewrite substitutes \\N groups in every match, as Envoy regex_rewrite', () => {
  assert.equal(re2Rewrite('^/service/([^/]+)(/.*)$', '/service/foo/v1/api', '\\2/instance/\\1'), '/v1/api/instance/foo');
  assert.equal(re2Rewrite('one', 'one two one', 'x'), 'x two x');
  assert.equal(re2Rewrite('^/v1', '/v1/users', '/v2'), '/v2/users');
  assert.equal(re2Rewrite('(a)', 'a', '\\\\\\1'), '\\a');
  assert.equal(re2Rewrite('x', 'abc', 'y'), 'abc');
  assert.equal(re2GroupCount('^/(a)(b)?$'), 2);
});

test('compiled patterns are cached', () => {
  assert.equal(compileRe2('cached-[0-9]'), compileRe2('cached-[0-9]'));
});
