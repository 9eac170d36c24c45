import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goCanonical, multiValues, multipartParts, pythonTitle } from './request-data.js';

describe('request data', () => {
  it('names headers as each original does', () => {
    assert.equal(pythonTitle('x-b3-traceid'), 'X-B3-Traceid');
    assert.equal(pythonTitle('x-b3id'), 'X-B3Id');
    assert.equal(pythonTitle('content_type'), 'Content-Type');
    assert.equal(goCanonical('x-b3id'), 'X-B3id');
    assert.equal(goCanonical('USER-AGENT'), 'User-Agent');
    assert.equal(goCanonical('bad header'), 'bad header');
  });

  it('flattens single values for Python only', () => {
    const pairs: Array<[string, string]> = [['a', '1'], ['b', '2'], ['b', '3']];
    assert.deepEqual(multiValues('python', pairs), { a: '1', b: ['2', '3'] });
    assert.deepEqual(multiValues('go', pairs), { a: ['1'], b: ['2', '3'] });
  });

  it('reads multipart parts, quoted boundary included', () => {
    const body = Buffer.from('--b\r\nContent-Disposition: form-data; name="f"; filename="x"\r\n\r\nline1\r\nline2\r\n--b--\r\n');
    assert.deepEqual(multipartParts(body, 'multipart/form-data; boundary="b"').map((p) => [p.name, p.filename, p.content.toString()]), [['f', 'x', 'line1\r\nline2']]);
    assert.deepEqual(multipartParts(body, 'multipart/form-data'), []);
  });
});
