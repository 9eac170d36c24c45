import { test } from 'node:test';
import assert from 'node:assert/strict';
import { peerAuthenticationKind } from './peer-authentication.js';
import { specIssues } from './spec-issues.js';

const paths = (spec: unknown): string[] => specIssues(peerAuthenticationKind, spec).map((i) => i.path);

test('workshop STRICT policy and port-level exceptions validate', () => {
  assert.deepEqual(paths({ mtls: { mode: 'STRICT' } }), []);
  assert.deepEqual(paths({ selector: { matchLabels: { app: 'finance' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { 8080: { mode: 'DISABLE' } } }), []);
  assert.deepEqual(paths({}), []);
});

test('a misspelt mode is rejected at spec.mtls.mode', () => {
  const list = specIssues(peerAuthenticationKind, { mtls: { mode: 'STRICTLY' } });
  assert.deepEqual(list.map((i) => i.path), ['spec.mtls.mode']);
  assert.match(list[0]!.message, /STRICT/);
});

test('portLevelMtls needs a selector and valid ports', () => {
  assert.deepEqual(paths({ mtls: { mode: 'STRICT' }, portLevelMtls: { 8080: { mode: 'DISABLE' } } }), ['spec.portLevelMtls']);
  assert.deepEqual(paths({ selector: { matchLabels: { app: 'a' } }, portLevelMtls: { 0: { mode: 'DISABLE' } } }), ['spec.portLevelMtls.0']);
  assert.deepEqual(paths({ selector: { matchLabels: { app: 'a' } }, portLevelMtls: {} }), ['spec.portLevelMtls']);
  assert.deepEqual(paths({ selector: { matchLabels: { app: '*' } } }), ['spec.selector.matchLabels.app']);
});
