import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { serviceEntryKind } from './service-entry.js';
import { specIssues, specWarnings, type SpecIssue } from './spec-issues.js';

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
  assert.deepEqual(paths('{hosts: [a.com], resolution: DNS, addresses: [10.0.0.0/8]}'), ['spec.addresses']);
  assert.deepEqual(paths('{hosts: [a.com], ports: [{number: 80, name: a}, {number: 80, name: b}]}'), ['spec.ports[1].number']);
  assert.deepEqual(paths('{hosts: [a.com], resolution: STATIC, endpoints: [{address: 1.1.1.1}], workloadSelector: {labels: {a: b}}}'), ['spec']);
  assert.deepEqual(paths('{hosts: [a.com], resolution: STATIC, endpoints: [{labels: {a: b}}]}'), ['spec.endpoints[0].address']);
});

const msgs = (yaml: string): string[] => specIssues(serviceEntryKind, parse(yaml)).map((i) => `${i.path}: ${i.message}`);
const warns = (yaml: string, annotations?: Record<string, string>): string[] =>
  specWarnings(serviceEntryKind, parse(yaml), { name: 'se', namespace: 'default', ...(annotations ? { annotations } : {}) }).map((i) => `${i.path}: ${i.message}`);

test('Istio: hosts and addresses', () => {
  assert.deepEqual(msgs('{hosts: []}'), ['spec.hosts: service entry must have at least one host']);
  assert.deepEqual(msgs('{hosts: ["*"]}'), ['spec.hosts[0]: invalid host *']);
  assert.deepEqual(msgs('{hosts: ["a..com"]}'), ['spec.hosts[0]: domain name ".com" invalid (label "" invalid)']);
  assert.deepEqual(warns('{hosts: ["*foo.com"]}'), ['spec.hosts[0]: partial wildcard "*foo.com" not allowed']);
  assert.deepEqual(msgs('{hosts: [a.com], addresses: [10.0.0.0/33]}'), ['spec.addresses[0]: 10.0.0.0/33 is not a valid CIDR block']);
  assert.deepEqual(msgs('{hosts: [a.com], resolution: DNS, addresses: [10.0.0.0/8]}'), ['spec.addresses: CIDR addresses are allowed only for NONE/STATIC resolution types']);
});

test('Istio: ports unique and valid', () => {
  assert.deepEqual(msgs('{hosts: [a.com], ports: [{number: 80, name: http}, {number: 80, name: http}]}'), [
    'spec.ports[1].name: service entry port name "http" already defined',
    'spec.ports[1].number: service entry port 80 already defined',
  ]);
  assert.deepEqual(msgs('{hosts: [a.com], ports: [{number: 0, name: Bad_Name, protocol: QUIC}]}'), [
    'spec.ports[0].name: invalid port name: Bad_Name',
    'spec.ports[0].protocol: unsupported protocol: QUIC',
    'spec.ports[0].number: port number 0 must be in the range 1..65535',
  ]);
  assert.deepEqual(warns('{hosts: [a.com], ports: [{number: 80, name: http, targetPort: 8080}]}'), ['spec.ports[0].targetPort: targetPort has no effect when resolution mode is NONE']);
  assert.deepEqual(warns('{hosts: [a.com], ports: [{number: 5432, name: db, protocol: TCP}]}', { 'networking.istio.io/enable-autoallocate-ip': 'false' }), [
    'spec.ports[0]: addresses are required for ports serving TCP (or unset) protocol when ISTIO_META_DNS_AUTO_ALLOCATE is not set on a proxy',
  ]);
});

test('Istio: resolution and endpoints', () => {
  assert.deepEqual(msgs('{hosts: [a.com], resolution: NONE, endpoints: [{address: 1.1.1.1}]}'), ['spec.endpoints: no endpoints should be provided for resolution type none']);
  assert.deepEqual(msgs('{hosts: ["*.a.com"], resolution: DNS}'), ['spec.hosts[0]: hosts must be FQDN if no endpoints are provided for resolution mode DNS']);
  assert.deepEqual(msgs('{hosts: [a.com], resolution: DNS_ROUND_ROBIN, endpoints: [{address: b.com}, {address: c.com}]}'), [
    'spec.endpoints: there must only be 0 or 1 endpoint for resolution mode DNS_ROUND_ROBIN',
  ]);
  assert.deepEqual(msgs('{hosts: [a.com], resolution: DNS, endpoints: [{address: "b_c"}]}'), ['spec.endpoints[0].address: endpoint address "b_c" is not a valid FQDN or an IP address']);
  assert.deepEqual(msgs('{hosts: [a.com], resolution: STATIC, endpoints: [{address: b.com}]}'), ['spec.endpoints[0].address: endpoint address "b.com" is not a valid IP address']);
  assert.deepEqual(msgs('{hosts: [a.com], ports: [{number: 80, name: http}], resolution: STATIC, endpoints: [{address: 1.1.1.1, ports: {grpc: 8080}}]}'), [
    'spec.endpoints[0].ports.grpc: endpoint port 8080 is not defined by the service entry',
  ]);
  assert.deepEqual(msgs('{hosts: [a.com], ports: [{number: 80, name: a}, {number: 81, name: b}], resolution: STATIC, endpoints: [{address: "unix:///a.sock"}]}'), [
    'spec.endpoints[0]: exactly 1 service port required for unix endpoints',
  ]);
  assert.deepEqual(msgs('{hosts: [a.com, b.com], ports: [{number: 5432, name: db, protocol: TCP}], resolution: DNS}'), ['spec.ports: multiple hosts provided with non-HTTP, non-TLS ports']);
  assert.deepEqual(msgs('{hosts: [a.com], resolution: STATIC, endpoints: [], workloadSelector: {labels: {app: a}}}'), ['spec: only one of WorkloadSelector or Endpoints is allowed in Service Entry']);
  assert.deepEqual(warns('{hosts: [a.com], resolution: DNS, workloadSelector: {labels: {app: a}}}'), ['spec.workloadSelector: workloadSelector should not be set when resolution mode is DNS']);
  assert.deepEqual(warns('{hosts: [a.com], resolution: STATIC, workloadSelector: {}}'), [
    'spec.workloadSelector: service entry: workload selector specified without labels, will be applied to all services in namespace',
  ]);
});

test('Istio: exportTo (~ only for service entries, and alone)', () => {
  assert.deepEqual(msgs('{hosts: [a.com], exportTo: ["~"]}'), []);
  assert.deepEqual(msgs('{hosts: [a.com], exportTo: ["~", ns1]}'), ['spec.exportTo: cannot export service entry to no one (~) and someone']);
  assert.deepEqual(msgs('{hosts: [a.com], exportTo: ["*", "."]}'), ['spec.exportTo: cannot have both public (*) and non-public exportTo values for a resource']);
  assert.deepEqual(msgs('{hosts: [a.com], exportTo: [ns1, ns1, "bad_ns"]}'), [
    'spec.exportTo[1]: duplicate entries in exportTo for entry ns1',
    'spec.exportTo[2]: only .,*, or a valid DNS 1123 label is allowed as exportTo entry',
  ]);
});
