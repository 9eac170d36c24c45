import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { emptyTransferInfo, renderWriteOut } from './write-out.js';
import { max5, timeField } from './progress-meter.js';

describe('renderWriteOut', () => {
  const info = {
    ...emptyTransferInfo('h', 0),
    httpCode: 200,
    timeTotal: 0.0123456,
    urlEffective: 'http://h/',
    contentType: 'text/plain',
    headers: [['X-Id', 'abc'] as [string, string]],
  };

  it('substitutes variables, escapes and %%', () => {
    const r = renderWriteOut('%{http_code} %{time_total} %{content_type}\\n100%%\\t%{url_effective}', info);
    assert.equal(r.stdout, '200 0.012346 text/plain\n100%\thttp://h/');
    assert.equal(r.stderr, '');
  });

  it('pads the code to three digits when nothing answered', () => {
    assert.equal(renderWriteOut('%{http_code}', emptyTransferInfo('h', 0)).stdout, '000');
  });

  it('reads response headers with %header{}', () => {
    assert.equal(renderWriteOut('%header{x-id}|%header{missing}', info).stdout, 'abc|');
  });

  it('complains about unknown variables on stderr and goes on', () => {
    const r = renderWriteOut('%{nope}%{http_code}', info);
    assert.equal(r.stdout, '200');
    assert.equal(r.stderr, "curl: unknown --write-out variable: 'nope'\n");
  });

  it('switches destination with %{stderr}', () => {
    const r = renderWriteOut('a%{stderr}b', info);
    assert.deepEqual(r, { stdout: 'a', stderr: 'b' });
  });
});

describe('progress meter fields', () => {
  it('fits byte counts in five characters', () => {
    assert.equal(max5(6), '    6');
    assert.equal(max5(99999), '99999');
    assert.equal(max5(611_000), ' 596k');
    assert.equal(max5(50 * 1024 * 1024), '50.0M');
  });

  it('formats times as hh:mm:ss', () => {
    assert.equal(timeField(0), '--:--:--');
    assert.equal(timeField(61), ' 0:01:01');
    assert.equal(timeField(3600 * 100), '  4d 04h');
  });
});
