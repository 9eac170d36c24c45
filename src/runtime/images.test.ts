import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { planImage } from './images.js';
import { distEntry } from './paths.js';

describe('sample images', () => {
  const cases: Array<[string, string]> = [
    ['docker.io/istio/examples-helloworld-v1:1.0', 'samples/helloworld/v1.js'],
    ['istio/examples-helloworld-v2', 'samples/helloworld/v2.js'],
    ['docker.io/istio/tcp-echo-server:1.3', 'samples/tcp-echo/main.js'],
    ['fortio/fortio:latest_release', 'tools/fortio/main.js'],
    ['istio/fortio:latest_release', 'tools/fortio/main.js'],
  ];
  for (const [image, entry] of cases) {
    it(`runs ${image} as ${entry}, which is built`, () => {
      assert.deepEqual(planImage(image, 'c', undefined), { kind: 'sample', entry });
      assert.ok(existsSync(distEntry(entry)), distEntry(entry));
    });
  }
  it('runs each httpbin image repository, any tag or registry, as its own stand-in', () => {
    assert.deepEqual(planImage('docker.io/kennethreitz/httpbin', 'httpbin', undefined), { kind: 'sample', entry: 'samples/httpbin/main.js' });
    assert.deepEqual(planImage('docker.io/citizenstig/httpbin', 'httpbin', undefined), { kind: 'sample', entry: 'samples/httpbin/citizenstig-main.js' });
    assert.deepEqual(planImage('docker.io/mccutchen/go-httpbin:v2.15.0', 'httpbin', undefined), { kind: 'sample', entry: 'samples/httpbin/go-main.js' });
    assert.deepEqual(planImage('mccutchen/go-httpbin@sha256:abc', 'httpbin', undefined), { kind: 'sample', entry: 'samples/httpbin/go-main.js' });
  });
});

describe('tools images', () => {
  it('runs every curl and sleep image of Istio’s samples and tasks as a tools container', () => {
    for (const image of ['curlimages/curl', 'docker.io/curlimages/curl:8.16.0', 'governmentpaas/curl-ssl', 'tutum/curl', 'radial/busyboxplus:curl', 'busybox:1.28', 'alpine:3.20', 'nicolaka/netshoot']) {
      assert.deepEqual(planImage(image, 'curl', undefined), { kind: 'tools' }, image);
    }
  });
});
