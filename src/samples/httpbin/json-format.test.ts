import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatJson, formatJsonLine, Ordered } from './json-format.js';

describe('json format', () => {
  it('sorts map keys at every depth and keeps struct order', () => {
    const v = new Ordered([['z', { b: 1, a: { d: 2, c: 3 } }], ['a', []]]);
    assert.equal(formatJson('go', v), '{\n  "z": {\n    "a": {\n      "c": 3,\n      "d": 2\n    },\n    "b": 1\n  },\n  "a": []\n}\n');
  });

  it('escapes non-ASCII and uses spaced separators on one line for Python only', () => {
    assert.equal(formatJson('python', { k: 'é<', l: [1, ',\n'] }), '{\n  "k": "\\u00e9<", \n  "l": [\n    1, \n    ",\\n"\n  ]\n}\n');
    assert.equal(formatJson('go', { k: 'é<' }), '{\n  "k": "é<"\n}\n');
    assert.equal(formatJsonLine('python', new Ordered([['u', 'x'], ['id', 0], ['l', [1, 2]]])), '{"u": "x", "id": 0, "l": [1, 2]}\n');
    assert.equal(formatJsonLine('go', new Ordered([['u', 'x'], ['id', 0]])), '{"u":"x","id":0}\n');
  });
});
