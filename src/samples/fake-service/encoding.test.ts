import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatGoDuration, parseGoDuration } from '../go-duration.js';
import { encodeIndented, parseJson, quote } from './go-json.js';
import { decodeResponse, encodeResponse, messageBody } from './response.js';
import { requestDuration } from './timing.js';

describe('Go durations', () => {
  it('formats like Duration.String()', () => {
    assert.equal(formatGoDuration(0), '0s');
    assert.equal(formatGoDuration(850), '850ns');
    assert.equal(formatGoDuration(202_008), '202.008µs');
    assert.equal(formatGoDuration(1_000), '1µs');
    assert.equal(formatGoDuration(25_497_500), '25.4975ms');
    assert.equal(formatGoDuration(1_500_000_000), '1.5s');
    assert.equal(formatGoDuration(62_500_000_000), '1m2.5s');
    assert.equal(formatGoDuration(120_000_000_000), '2m0s');
    assert.equal(formatGoDuration(3_600_000_000_000n), '1h0m0s');
    assert.equal(formatGoDuration(-1_500_000), '-1.5ms');
  });

  it('parses like time.ParseDuration', () => {
    assert.equal(parseGoDuration('0'), 0);
    assert.equal(parseGoDuration('10ms'), 10e6);
    assert.equal(parseGoDuration('1.5h'), 1.5 * 3600e9);
    assert.equal(parseGoDuration('2h45m'), (2 * 60 + 45) * 60e9);
    assert.equal(parseGoDuration('100µs'), 100e3);
    assert.equal(parseGoDuration('100us'), 100e3);
    assert.equal(parseGoDuration('.5s'), 0.5e9);
    assert.equal(parseGoDuration('-1s'), -1e9);
    for (const bad of ['', '10', 'ms', '1d', '1 s', 'abc']) assert.throws(() => parseGoDuration(bad), /invalid duration/);
  });
});

describe('JSON as Go writes it', () => {
  it('escapes HTML characters and indents with two spaces', () => {
    assert.equal(quote('<a href="x">&</a>'), '"\\u003ca href=\\"x\\"\\u003e\\u0026\\u003c/a\\u003e"');
    assert.equal(quote('tab\there\u0001'), '"tab\\there\\u0001"');
    assert.equal(encodeIndented(parseJson('{"a":[1,{}],"b":[]}')), '{\n  "a": [\n    1,\n    {}\n  ],\n  "b": []\n}');
  });

  it('keeps key order and number text of raw JSON', () => {
    const text = '{"b":1.50,"2":true,"a":{"x":null},"big":12345678901234567890}';
    assert.equal(encodeIndented(parseJson(text)).replace(/\s+/g, ''), text);
  });

  it('rejects malformed JSON', () => {
    for (const bad of ['', '{', '{"a":}', '[1,]', 'RBAC: access denied', '{"a":1} x', '"\\x"']) {
      assert.throws(() => parseJson(bad), SyntaxError, bad);
    }
  });
});

describe('response document', () => {
  it('writes fields in fake-service order, omits empty ones, sorts maps and ends with a newline', () => {
    const text = encodeResponse({
      name: 'a',
      owner: '',
      uri: '/',
      type: 'HTTP',
      ipAddresses: [],
      body: messageBody('Hello'),
      upstreamCalls: {
        'http://z': { name: 'z', uri: 'http://z', code: 200, headers: { Server: 'envoy', 'Content-Type': 'text/plain' } },
        'http://b': { name: 'b', uri: 'http://b', code: 500, error: 'boom' },
      },
      code: 500,
    });
    assert.ok(text.endsWith('}\n'));
    const doc = JSON.parse(text) as Record<string, unknown>;
    assert.deepEqual(Object.keys(doc), ['name', 'uri', 'type', 'body', 'upstream_calls', 'code']);
    const calls = doc.upstream_calls as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(calls), ['http://b', 'http://z']);
    assert.deepEqual(Object.keys(calls['http://z']!.headers as object), ['Content-Type', 'Server']);
    assert.deepEqual(Object.keys(calls['http://b']!), ['name', 'uri', 'code', 'error']);
  });

  it('embeds a JSON MESSAGE as raw JSON and anything else as a string', () => {
    assert.deepEqual(messageBody('{"greeting": "hi", "n": 1}'), parseJson('{"greeting":"hi","n":1}'));
    assert.deepEqual(messageBody('[1, 2]'), parseJson('[1,2]'));
    assert.deepEqual(messageBody('Hello from service-a'), { kind: 'string', value: 'Hello from service-a' });
    assert.deepEqual(messageBody('{not json'), { kind: 'string', value: '{not json' });
  });

  it('reads an upstream document back, all or nothing', () => {
    const r = decodeResponse('{"Name":"b","code":200,"upstream_calls":{"http://c":{"name":"c","code":500}},"extra":1}');
    assert.equal(r.name, 'b');
    assert.equal(r.upstreamCalls?.['http://c']?.code, 500);
    assert.throws(() => decodeResponse('{"name":"b","code":"200"}'), TypeError);
    assert.throws(() => decodeResponse('RBAC: access denied'), SyntaxError);
  });
});

describe('request timing', () => {
  const timing = { p50Ms: 10, p90Ms: 20, p99Ms: 30, variancePercent: 0 };
  it('draws the 50th, 90th and 99th percentiles in fake-service proportions', () => {
    assert.equal(requestDuration(timing, () => 0.5), 10);
    assert.equal(requestDuration(timing, () => 0.95), 20);
    assert.equal(requestDuration(timing, () => 0.995), 30);
    assert.equal(requestDuration({ ...timing, p90Ms: 0, p99Ms: 0 }, () => 0.995), 10);
    assert.equal(requestDuration({ p50Ms: 0, p90Ms: 0, p99Ms: 0, variancePercent: 50 }, () => 0.5), 0);
  });

  it('adds up to TIMING_VARIANCE percent', () => {
    const values = [0.5, 0.5];
    assert.equal(requestDuration({ ...timing, variancePercent: 10 }, () => values.shift()!), 10.5);
  });
});
