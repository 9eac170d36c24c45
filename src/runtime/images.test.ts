import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planImage } from './images.js';

describe('planImage samples', () => {
  it('runs each httpbin image repository, any tag or registry, as its own stand-in', () => {
    assert.deepEqual(planImage('docker.io/kennethreitz/httpbin', 'httpbin', undefined), { kind: 'sample', entry: 'samples/httpbin/main.js' });
    assert.deepEqual(planImage('docker.io/citizenstig/httpbin', 'httpbin', undefined), { kind: 'sample', entry: 'samples/httpbin/citizenstig-main.js' });
    assert.deepEqual(planImage('docker.io/mccutchen/go-httpbin:v2.15.0', 'httpbin', undefined), { kind: 'sample', entry: 'samples/httpbin/go-main.js' });
    assert.deepEqual(planImage('mccutchen/go-httpbin@sha256:abc', 'httpbin', undefined), { kind: 'sample', entry: 'samples/httpbin/go-main.js' });
  });
});
