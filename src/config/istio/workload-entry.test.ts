import { test } from 'node:test';
import assert from 'node:assert/strict';
import { specIssues, specWarnings } from './spec-issues.js';
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

test("Istio: a WorkloadEntry's address, ports and labels in Istio's words", () => {
  const msgs = (spec: unknown): string[] => specIssues(workloadEntryKind, spec).map((i) => `${i.path}: ${i.message}`);
  assert.deepEqual(msgs({ labels: { app: 'a' } }), ['spec.address: address is required']);
  assert.deepEqual(msgs({ address: 'vm_1' }), ['spec.address: endpoint address "vm_1" is not a valid FQDN or an IP address']);
  assert.deepEqual(msgs({ address: 'vm.example.com' }), []);
  assert.deepEqual(msgs({ address: 'unix:///a.sock', ports: { http: 80 } }), ['spec.ports: unix endpoint unix:///a.sock must not include ports']);
  assert.deepEqual(msgs({ address: 'unix://relative' }), ['spec.address: relative is not an absolute path to a file']);
  assert.deepEqual(msgs({ address: '1.1.1.1', ports: { Bad_Name: 70000 } }), [
    'spec.ports.Bad_Name: invalid port name: Bad_Name',
    'spec.ports.Bad_Name: port number 70000 must be in the range 1..65535',
  ]);
  assert.deepEqual(specWarnings(workloadEntryKind, { network: 'n1' }).map((i) => i.message), ['address is unset with network "n1"']);
});
