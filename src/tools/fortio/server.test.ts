import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pickWeighted } from './server.js';

describe('fortio echo weighted values', () => {
  it('takes a single value as is', () => {
    assert.equal(pickWeighted('503', () => 0.99), '503');
  });

  it('picks by percent chance and leaves the rest to the default', () => {
    assert.equal(pickWeighted('503:25,429:10', () => 0.1), '503');
    assert.equal(pickWeighted('503:25,429:10', () => 0.3), '429');
    assert.equal(pickWeighted('503:25,429:10', () => 0.5), undefined);
  });
});
