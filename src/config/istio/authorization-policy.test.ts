import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { authorizationPolicyKind } from './authorization-policy.js';
import { specIssues, type SpecIssue } from './spec-issues.js';

const issues = (yaml: string): SpecIssue[] => specIssues(authorizationPolicyKind, parse(yaml));
const paths = (yaml: string): string[] => issues(yaml).map((i) => i.path);

test('workshop policies validate', () => {
  assert.deepEqual(
    issues(`
selector:
  matchLabels: {app: service-a}
action: ALLOW
rules:
- from:
  - source:
      principals: ["cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account"]
  - source:
      namespaces: [istio-system]
`),
    [],
  );
});

test('deny-all, allow-all and a rich policy validate', () => {
  assert.deepEqual(issues('{}'), []);
  assert.deepEqual(issues('{rules: [{}]}'), []);
  assert.deepEqual(
    issues(`
action: DENY
rules:
- from:
  - source: {notRequestPrincipals: ["*"], ipBlocks: [10.0.0.0/8, 1.2.3.4]}
  to:
  - operation: {methods: [GET], paths: ["/admin*"], ports: ["8080"], notHosts: [internal.example.com]}
  when:
  - key: 'request.headers[x-token]'
    notValues: ["secret"]
  - key: 'request.auth.claims[groups]'
    values: [admins]
  - key: destination.port
    values: ["443"]
`),
    [],
  );
  assert.deepEqual(issues('{action: CUSTOM, provider: {name: ext-authz}, rules: [{to: [{operation: {paths: [/headers]}}]}]}'), []);
  assert.deepEqual(issues('{targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: waypoint}], rules: [{}]}'), []);
});

test('CUSTOM needs a provider, and a provider needs CUSTOM', () => {
  assert.deepEqual(paths('{action: CUSTOM, rules: [{}]}'), ['spec.provider']);
  assert.deepEqual(paths('{action: ALLOW, provider: {name: ext-authz}}'), ['spec.provider']);
  assert.deepEqual(paths('{action: PERMIT}'), ['spec.action']);
});

test('selector and targetRefs are exclusive', () => {
  assert.deepEqual(paths('{selector: {matchLabels: {app: a}}, targetRefs: [{kind: Service, name: a}]}'), ['spec.targetRefs']);
});

test('rule mistakes are reported where they are', () => {
  assert.deepEqual(paths('{rules: [{from: []}]}'), ['spec.rules[0].from']);
  assert.deepEqual(paths('{rules: [{from: [{source: {}}]}]}'), ['spec.rules[0].from[0].source']);
  assert.deepEqual(paths('{rules: [{from: [{source: {principal: [a]}}]}]}'), ['spec.rules[0].from[0].source.principal']);
  assert.deepEqual(paths('{rules: [{from: [{source: {ipBlocks: [10.0.0.300]}}]}]}'), ['spec.rules[0].from[0].source.ipBlocks[0]']);
  assert.deepEqual(paths('{rules: [{to: [{operation: {ports: [http]}}]}]}'), ['spec.rules[0].to[0].operation.ports[0]']);
  assert.deepEqual(paths('{rules: [{when: [{key: "request.header[x]", values: [a]}]}]}'), ['spec.rules[0].when[0].key']);
  assert.deepEqual(paths('{rules: [{when: [{key: source.namespace}]}]}'), ['spec.rules[0].when[0]']);
  assert.deepEqual(paths('{rules: [{from: [{source: {serviceAccounts: [ns/sa], namespaces: [ns]}}]}]}'), ['spec.rules[0].from[0].source']);
});
