import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseStatusCode, parseStatusCodes, statusResponse } from './status-codes.js';

describe('status codes', () => {
  it('parses single codes, lists and weights; refuses anything else', () => {
    assert.deepEqual(parseStatusCodes('418'), [{ code: 418, weight: 1 }]);
    assert.deepEqual(parseStatusCodes('200:0.9,503:0.1'), [{ code: 200, weight: 0.9 }, { code: 503, weight: 0.1 }]);
    for (const bad of ['abc', '99', '600', '200:x', '200:', '200:1:2', '']) assert.equal(parseStatusCodes(bad), undefined, bad);
  });

  it('picks by weight', () => {
    const choices = [{ code: 200, weight: 0.9 }, { code: 503, weight: 0.1 }];
    assert.equal(chooseStatusCode(choices, 0), 200);
    assert.equal(chooseStatusCode(choices, 0.89), 200);
    assert.equal(chooseStatusCode(choices, 0.91), 503);
    assert.equal(chooseStatusCode(choices, 0.999999), 503);
  });

  it('gives each original its 406 body', () => {
    assert.equal(statusResponse('python', 406).body, '{"message": "Client did not request a supported media type.", "accept": ["image/webp", "image/svg+xml", "image/jpeg", "image/png", "image/*"]}');
    assert.match(statusResponse('go', 406).body, /^\{\n {2}"message": "Client did not request a supported media type",\n {2}"accept": \[\n/);
  });
});
