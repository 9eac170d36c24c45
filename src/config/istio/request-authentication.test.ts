import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requestAuthenticationKind } from './request-authentication.js';
import { specIssues } from './spec-issues.js';

const paths = (spec: unknown): string[] => specIssues(requestAuthenticationKind, spec).map((i) => i.path);

test('JWT rules validate', () => {
  assert.deepEqual(
    paths({
      selector: { matchLabels: { app: 'httpbin' } },
      jwtRules: [
        {
          issuer: 'testing@secure.istio.io',
          jwksUri: 'https://raw.githubusercontent.com/istio/istio/release-1.24/security/tools/jwt/samples/jwks.json',
          audiences: ['app'],
          fromHeaders: [{ name: 'x-jwt-assertion', prefix: 'Bearer ' }],
          fromParams: ['token'],
          outputClaimToHeaders: [{ header: 'x-jwt-group', claim: 'group' }],
          forwardOriginalToken: true,
          timeout: '5s',
        },
        { issuer: 'other', jwks: '{"keys":[]}' },
      ],
    }),
    [],
  );
});

test('mistakes are reported at their field', () => {
  assert.deepEqual(paths({ jwtRules: [{ jwksUri: 'https://a/jwks' }] }), ['spec.jwtRules[0].issuer']);
  assert.deepEqual(paths({ jwtRules: [{ issuer: 'i', jwksUri: 'ftp://a/jwks' }] }), ['spec.jwtRules[0].jwksUri']);
  assert.deepEqual(paths({ jwtRules: [{ issuer: 'i', jwksUri: 'https://a/jwks', jwks: '{}' }] }), ['spec.jwtRules[0]']);
  assert.deepEqual(paths({ jwtRules: [{ issuer: 'i', outputClaimToHeaders: [{ header: 'x y', claim: 'c' }] }] }), ['spec.jwtRules[0].outputClaimToHeaders[0].header']);
  assert.deepEqual(paths({ selector: { matchLabels: { a: 'b' } }, targetRef: { kind: 'Gateway', name: 'g' } }), ['spec.targetRef']);
});
