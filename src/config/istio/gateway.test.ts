import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { gatewayKind } from './gateway.js';
import { specIssues, type SpecIssue } from './spec-issues.js';

const issues = (yaml: string): SpecIssue[] => specIssues(gatewayKind, parse(yaml));
const paths = (yaml: string): string[] => issues(yaml).map((i) => i.path);

test('workshop and Bookinfo gateways validate', () => {
  assert.deepEqual(issues('{selector: {istio: ingressgateway}, servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]}'), []);
  assert.deepEqual(
    issues(`
selector:
  istio: ingressgateway
servers:
- port: {number: 8080, name: http, protocol: HTTP}
  hosts: ["*"]
  tls: {httpsRedirect: true}
- port: {number: 443, name: https, protocol: HTTPS}
  hosts: [bookinfo/bookinfo.example.com]
  tls:
    mode: SIMPLE
    credentialName: bookinfo-cert
    minProtocolVersion: TLSV1_2
- port: {number: 15443, name: tls, protocol: TLS}
  hosts: ["*.local"]
  tls: {mode: AUTO_PASSTHROUGH}
`),
    [],
  );
});

test('servers need a port and hosts', () => {
  assert.deepEqual(paths('{servers: [{hosts: ["*"]}]}'), ['spec.servers[0].port']);
  assert.deepEqual(paths('{servers: [{port: {number: 80, name: http, protocol: HTTP}}]}'), ['spec.servers[0].hosts']);
  assert.deepEqual(paths('{servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: []}]}'), ['spec.servers[0].hosts']);
  assert.deepEqual(paths('{servers: []}'), ['spec.servers']);
  assert.deepEqual(paths('{servers: [{port: {number: 80, name: http, protocol: HTTPX}, hosts: ["*"]}]}'), ['spec.servers[0].port.protocol']);
  assert.deepEqual(paths('{servers: [{port: {number: 80, protocol: HTTP}, hosts: ["*"]}]}'), ['spec.servers[0].port.name']);
});

test('TLS rules: HTTPS needs tls, SIMPLE needs certificates, port names are unique', () => {
  assert.deepEqual(paths('{servers: [{port: {number: 443, name: https, protocol: HTTPS}, hosts: ["*"]}]}'), ['spec.servers[0].tls']);
  assert.deepEqual(
    paths('{servers: [{port: {number: 443, name: https, protocol: HTTPS}, hosts: ["*"], tls: {mode: SIMPLE}}]}'),
    ['spec.servers[0].tls.serverCertificate', 'spec.servers[0].tls.privateKey'],
  );
  assert.deepEqual(paths('{servers: [{port: {number: 443, name: https, protocol: HTTPS}, hosts: ["*"], tls: {mode: SIMPLER}}]}'), ['spec.servers[0].tls.mode']);
  assert.deepEqual(
    paths('{servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: [a.com]}, {port: {number: 81, name: http, protocol: HTTP}, hosts: [b.com]}]}'),
    ['spec.servers[1].port.name'],
  );
});
