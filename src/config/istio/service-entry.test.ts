import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { serviceEntryKind } from './service-entry.js';
import { specIssues, type SpecIssue } from './spec-issues.js';

const issues = (yaml: string): SpecIssue[] => specIssues(serviceEntryKind, parse(yaml));
const paths = (yaml: string): string[] => issues(yaml).map((i) => i.path);

test('external and static service entries validate', () => {
  assert.deepEqual(
    issues(`
hosts: [api.example.com]
location: MESH_EXTERNAL
ports:
- {number: 443, name: https, protocol: TLS}
resolution: DNS
`),
    [],
  );
  assert.deepEqual(
    issues(`
hosts: [mymongodb.somedomain]
addresses: [192.192.192.192/24]
ports:
- {number: 27018, name: mongodb, protocol: MONGO, targetPort: 27017}
location: MESH_INTERNAL
resolution: STATIC
endpoints:
- address: 2.2.2.2
- address: 3.3.3.3
  ports: {mongodb: 27019}
  labels: {app: mongo}
  weight: 10
`),
    [],
  );
  assert.deepEqual(issues('{hosts: [vm.svc], ports: [{number: 80, name: http}], resolution: STATIC, workloadSelector: {labels: {app: vm}}}'), []);
});

test('mistakes are reported at their field', () => {
  assert.deepEqual(paths('{hosts: ["*"]}'), ['spec.hosts[0]']);
  assert.deepEqual(paths('{hosts: []}'), ['spec.hosts']);
  assert.deepEqual(paths('{hosts: [a.com], resolution: DNSS}'), ['spec.resolution']);
  assert.deepEqual(paths('{hosts: [a.com], resolution: NONE, endpoints: [{address: 1.1.1.1}]}'), ['spec.endpoints']);
  assert.deepEqual(paths('{hosts: [a.com], resolution: DNS, addresses: [10.0.0.0/8]}'), ['spec.addresses[0]']);
  assert.deepEqual(paths('{hosts: [a.com], ports: [{number: 80, name: a}, {number: 80, name: b}]}'), ['spec.ports[1].number']);
  assert.deepEqual(paths('{hosts: [a.com], resolution: STATIC, endpoints: [{address: 1.1.1.1}], workloadSelector: {labels: {a: b}}}'), ['spec']);
  assert.deepEqual(paths('{hosts: [a.com], resolution: STATIC, endpoints: [{labels: {a: b}}]}'), ['spec.endpoints[0].address']);
});
