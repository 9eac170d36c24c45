import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { sidecarKind } from './sidecar.js';
import { specIssues, type SpecIssue } from './spec-issues.js';

const issues = (yaml: string): SpecIssue[] => specIssues(sidecarKind, parse(yaml));
const paths = (yaml: string): string[] => issues(yaml).map((i) => i.path);

test('a typical Sidecar validates', () => {
  assert.deepEqual(
    issues(`
workloadSelector:
  labels: {app: ratings}
ingress:
- port: {number: 9080, protocol: HTTP, name: somename}
  defaultEndpoint: 127.0.0.1:8080
  connectionPool: {http: {http1MaxPendingRequests: 10}}
egress:
- port: {number: 9080, protocol: HTTP, name: egresshttp}
  hosts: [prod-us1/*]
- hosts: ["./*", "istio-system/*"]
outboundTrafficPolicy:
  mode: ALLOW_ANY
  egressProxy: {host: egress.example.com, port: {number: 3128}}
inboundConnectionPool:
  tcp: {maxConnections: 100}
`),
    [],
  );
});

test('mistakes are reported at their field', () => {
  assert.deepEqual(paths('{egress: [{hosts: [reviews]}]}'), ['spec.egress[0].hosts[0]']);
  assert.deepEqual(paths('{egress: [{hosts: []}]}'), ['spec.egress[0].hosts']);
  assert.deepEqual(paths('{outboundTrafficPolicy: {mode: REGISTRY_ONLY_PLEASE}}'), ['spec.outboundTrafficPolicy.mode']);
  assert.deepEqual(
    paths('{outboundTrafficPolicy: {mode: REGISTRY_ONLY, egressProxy: {host: p.example.com, port: {number: 80}}}}'),
    ['spec.outboundTrafficPolicy.egressProxy'],
  );
  assert.deepEqual(paths('{egress: [{hosts: ["*/*"]}, {port: {number: 80}, hosts: ["*/*"]}]}'), ['spec.egress[0]']);
  assert.deepEqual(paths('{ingress: [{defaultEndpoint: "127.0.0.1:8080"}]}'), ['spec.ingress[0].port']);
});
