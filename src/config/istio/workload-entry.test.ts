import { test } from 'node:test';
import assert from 'node:assert/strict';
import { specIssues } from './spec-issues.js';
import { workloadEntryKind } from './workload-entry.js';

test('a VM workload entry validates', () => {
  const spec = { serviceAccount: 'details-legacy', address: '2.2.2.2', labels: { app: 'details-legacy', instance: 'id1' }, ports: { http: 9080 } };
  assert.deepEqual(specIssues(workloadEntryKind, spec), []);
  assert.deepEqual(specIssues(workloadEntryKind, { address: 'unix:///var/run/app.sock' }), []);
});

test('address (or network) is required, ports are valid, sockets have none', () => {
  assert.deepEqual(specIssues(workloadEntryKind, { labels: { app: 'a' } }).map((i) => i.path), ['spec.address']);
  assert.deepEqual(specIssues(workloadEntryKind, { address: '1.1.1.1', ports: { http: 70000 } }).map((i) => i.path), ['spec.ports.http']);
  assert.deepEqual(specIssues(workloadEntryKind, { address: 'unix:///a.sock', ports: { http: 80 } }).map((i) => i.path), ['spec.ports']);
  assert.deepEqual(specIssues(workloadEntryKind, { address: 'unix://relative' }).map((i) => i.path), ['spec.address']);
});
