import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goG, parseGoDuration } from './go-format.js';
import { formatGoDuration as goDuration } from '../../samples/go-duration.js';

describe('Go number formats', () => {
  it('prints %g and %.Ng as Go does', () => {
    assert.equal(goG(0.001911933, 6), '0.00191193');
    assert.equal(goG((0.001911933 + 0.002) / 2, 6), '0.00195597');
    assert.equal(goG(0.0033139377123, 8), '0.0033139377');
    assert.equal(goG(0.001149, 4), '0.001149');
    assert.equal(goG(5.7049e-5), '5.7049e-05');
    assert.equal(goG(0.003, 6), '0.003');
    assert.equal(goG(207, 8), '207');
    assert.equal(goG(1069.3, 8), '1069.3');
    assert.equal(goG(572.0312, 5), '572.03');
    assert.equal(goG(1_000_000), '1e+06');
    assert.equal(goG(123456.7, 6), '123457');
    assert.equal(goG(99.9), '99.9');
    assert.equal(goG(0), '0');
  });

  it('prints durations as time.Duration does', () => {
    assert.equal(goDuration(34_963_125n), '34.963125ms');
    assert.equal(goDuration(5_000_000_000n), '5s');
    assert.equal(goDuration(5_192_197_459n), '5.192197459s');
    assert.equal(goDuration(1_500n), '1.5µs');
    assert.equal(goDuration(90_000_000_000n), '1m30s');
  });

  it('parses durations', () => {
    assert.equal(parseGoDuration('5s'), 5000);
    assert.equal(parseGoDuration('1m30s'), 90_000);
    assert.equal(parseGoDuration('250ms'), 250);
    assert.throws(() => parseGoDuration('5 s'));
  });
});
