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
});
