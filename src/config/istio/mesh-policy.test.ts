import { test } from 'node:test';
import assert from 'node:assert/strict';
import { meshPolicyKind } from './mesh-policy.js';
import { specIssues } from './spec-issues.js';

test('MeshPolicy is cluster-scoped and must be named default', () => {
  assert.equal(meshPolicyKind.namespaced, false);
  assert.deepEqual(specIssues(meshPolicyKind, { peers: [{ mtls: null }] }, { name: 'default' }), []);
  assert.deepEqual(specIssues(meshPolicyKind, { peers: [{ mtls: null }] }, { name: 'mesh' }).map((i) => i.path), ['metadata.name']);
  assert.deepEqual(specIssues(meshPolicyKind, { targets: [{ name: 'a' }] }, { name: 'default' }).map((i) => i.path), ['spec.targets']);
});
