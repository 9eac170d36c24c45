import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { authenticationPolicyKind, authenticationPolicySpec } from './authentication-policy.js';
import { specIssues } from './spec-issues.js';

const paths = (yaml: string, name = 'default'): string[] =>
  specIssues(authenticationPolicyKind, parse(yaml), { name, namespace: 'istioinaction' }).map((i) => i.path);

test('`- mtls:` with an empty value is accepted and read as {}', () => {
  const yaml = `
peers:
- mtls:
`;
  assert.deepEqual(parse(yaml), { peers: [{ mtls: null }] });
  assert.deepEqual(paths(yaml), []);
  assert.deepEqual(authenticationPolicySpec.parse(parse(yaml)).peers?.[0]?.mtls, {});
});

test('targets, origins and principal binding validate', () => {
  assert.deepEqual(
    paths(
      `
targets:
- name: productpage
  ports:
  - number: 9000
  - name: http
peers:
- mtls: {mode: PERMISSIVE}
origins:
- jwt:
    issuer: "https://securetoken.google.com"
    audiences: [productpage]
    jwksUri: "https://www.googleapis.com/oauth2/v1/certs"
    jwtHeaders: [x-goog-iap-jwt-assertion]
    triggerRules:
    - excludedPaths:
      - exact: /health_check
principalBinding: USE_ORIGIN
`,
      'productpage-mtls-with-jwt',
    ),
    [],
  );
});

test('mistakes are reported at their field', () => {
  assert.deepEqual(paths('{peers: [{mtls: {mode: STRICTLY}}]}'), ['spec.peers[0].mtls.mode']);
  assert.deepEqual(paths('{principalBinding: USE_PEERS}'), ['spec.principalBinding']);
  assert.deepEqual(paths('{peers: [{mtls: {}}]}', 'not-default'), ['metadata.name']);
  assert.deepEqual(paths('{targets: [{name: a, ports: [{number: 1, name: x}]}]}'), ['spec.targets[0].ports[0]']);
  assert.deepEqual(paths('{origins: [{jwt: {jwksUri: "https://a"}}]}'), ['spec.origins[0].jwt.issuer']);
});
