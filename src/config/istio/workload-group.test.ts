import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { specIssues } from './spec-issues.js';
import { workloadGroupKind } from './workload-group.js';

test('a workload group with a probe validates', () => {
  const spec = parse(`
metadata:
  labels: {app: reviews}
template:
  ports: {grpc: 3550, http: 8080}
  serviceAccount: default
probe:
  initialDelaySeconds: 5
  periodSeconds: 4
  httpGet: {path: /foo/bar, host: 127.0.0.1, port: 3100, scheme: HTTPS}
`);
  assert.deepEqual(specIssues(workloadGroupKind, spec), []);
});

test('template is required and a probe has one check', () => {
  assert.deepEqual(specIssues(workloadGroupKind, { metadata: {} }).map((i) => i.path), ['spec.template']);
  const both = { template: {}, probe: { tcpSocket: { port: 80 }, exec: { command: ['true'] } } };
  assert.deepEqual(specIssues(workloadGroupKind, both).map((i) => i.path), ['spec.probe']);
});
