import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseWeighted, pickWeighted } from './server.js';

const code = (t: string): number | undefined => (/^\d+$/.test(t) ? Number(t) : undefined);

describe('fortio echo weighted values', () => {
  it('takes a lone value as 100%', () => {
    assert.equal(pickWeighted(parseWeighted('503', code)!, () => 0.99), 503);
  });

  it('picks by cumulative percent chance and leaves the rest to the default', () => {
    const codes = parseWeighted('503:25,429:10%', code)!;
    assert.equal(pickWeighted(codes, () => 0.1), 503);
    assert.equal(pickWeighted(codes, () => 0.3), 429);
    assert.equal(pickWeighted(codes, () => 0.5), undefined);
  });

  it('refuses what fortio refuses: no number, a colon without a list, bad or over-100 percents', () => {
    for (const spec of ['abc', '503:', '503:x', '503:101', '503:60,429:50', '503:1:2', 'x:10']) assert.equal(parseWeighted(spec, code), undefined, spec);
    assert.deepEqual(parseWeighted('503:33.3,429:33.3,404:33.4', code)?.at(-1)?.upTo, 100);
  });
});
