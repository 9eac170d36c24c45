import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  duration,
  fqdnProblem,
  ipSubnetProblem,
  namespacedHostProblems,
  parseDurationMs,
  partialWildcardProblem,
  percent,
  percentageProblem,
  positiveDuration,
  presenceMatch,
  regexProblem,
  regexString,
  stringMatch,
  tagProblems,
  wildcardDomainProblem,
} from './common.js';

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

test('regexes are checked as Istio checks them, naming the field', () => {
  assert.equal(regexProblem('(?i)^/API/.*', 'uri'), undefined);
  assert.equal(regexProblem('(?P<id>[0-9]+)', 'uri'), undefined);
  assert.equal(
    regexProblem('/api/(v1', 'uri'),
    '"uri": error parsing regexp: missing closing ): `/api/(v1`; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)',
  );
  assert.equal(regexProblem('a'.repeat(1025), 'headers'), '"headers": regex is too large, max length allowed is 1024');
  const bad = regexString.safeParse('foo(?=bar)');
  assert.equal(bad.success, false);
  assert.match(bad.error!.issues[0]!.message, /invalid or unsupported Perl syntax: `\(\?=`/);
});

test('header matches allow {} for presence', () => {
  assert.equal(presenceMatch.safeParse({}).success, true);
  assert.equal(presenceMatch.safeParse({ exact: 'a', regex: 'b' }).success, false);
});

test('Percent holds a number; each field checks its own range', () => {
  assert.equal(percent.safeParse({ value: 100.0 }).success, true);
  assert.equal(percent.safeParse({ value: 'x' }).success, false);
  assert.equal(percent.safeParse({ value: 10, extra: 1 }).success, false);
  assert.equal(percentageProblem(101), 'percentage 101 is neither 0.0, nor in range [0.0001, 100.0]');
  assert.equal(percentageProblem(0.00001), 'percentage 0.00001 is neither 0.0, nor in range [0.0001, 100.0]');
  assert.equal(percentageProblem(0), undefined);
});

test("Istio's host rules: wildcard domains, FQDNs, partial wildcards, namespace/host forms", () => {
  assert.equal(wildcardDomainProblem('*.example.com'), undefined);
  assert.equal(wildcardDomainProblem('*'), undefined);
  assert.equal(wildcardDomainProblem('Reviews.Prod'), undefined);
  assert.equal(wildcardDomainProblem('a.*.com'), 'domain name "*.com" invalid (label "*" invalid)');
  assert.equal(wildcardDomainProblem(''), 'empty domain name not allowed');
  assert.equal(fqdnProblem('*.example.com'), 'domain name "*.example.com" invalid (label "*" invalid)');
  assert.equal(partialWildcardProblem('*foo.com'), 'partial wildcard "*foo.com" not allowed');
  assert.deepEqual(namespacedHostProblems('foo.com', false), ['host must be of form namespace/dnsName']);
  assert.deepEqual(namespacedHostProblems('ns/foo', false), ['short names (non FQDN) are not allowed']);
  assert.deepEqual(namespacedHostProblems('NS_/foo.com', false), ['invalid namespace value "NS_" in sidecar']);
  assert.deepEqual(namespacedHostProblems('10.0.0.1', true), []);
  assert.deepEqual(tagProblems({ 'a/b/c': 'x', ok: '-bad' }), ['invalid tag key: "a/b/c"', 'invalid tag value: "-bad"']);
  assert.equal(ipSubnetProblem('10.0.0.0/33'), '10.0.0.0/33 is not a valid CIDR block');
  assert.equal(ipSubnetProblem('10.0.0'), '10.0.0 is not a valid IP');
});
