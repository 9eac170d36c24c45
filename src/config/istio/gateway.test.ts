import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { gatewayKind } from './gateway.js';
import { specIssues, specWarnings, type SpecIssue } from './spec-issues.js';

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

const msgs = (yaml: string, name = 'gw'): string[] => specIssues(gatewayKind, parse(yaml), { name, namespace: 'default' }).map((i) => `${i.path}: ${i.message}`);
const warns = (yaml: string): string[] => specWarnings(gatewayKind, parse(yaml)).map((i) => `${i.path}: ${i.message}`);
const http80 = 'port: {number: 80, name: http, protocol: HTTP}';

test('Istio: gateway name, servers, hosts and ports', () => {
  assert.deepEqual(msgs(`{servers: [{${http80}, hosts: ["*"]}]}`, 'my.gateway'), ['metadata.name: invalid gateway name: "my.gateway"']);
  assert.deepEqual(msgs('{servers: [{port: {number: 80, name: http, protocol: HTTPX}, hosts: ["*"]}]}'), [
    'spec.servers[0].port.protocol: invalid protocol "HTTPX", supported protocols are HTTP, HTTP2, GRPC, GRPC-WEB, MONGO, REDIS, MYSQL, TCP',
  ]);
  assert.deepEqual(msgs('{servers: [{port: {number: 80, name: http, protocol: HTTP, targetPort: 8080}, hosts: ["*"]}]}'), [
    'spec.servers[0].port.targetPort: targetPort has no impact on Gateways',
  ]);
  assert.deepEqual(msgs('{servers: [{port: {number: 80, name: "", protocol: HTTP}, hosts: ["*"]}]}'), ['spec.servers[0].port.name: port name must be set: number:80 protocol:"HTTP"']);
  assert.deepEqual(msgs('{servers: [{port: {number: 70000, name: http, protocol: HTTP}, hosts: ["*"]}]}'), ['spec.servers[0].port.number: port number 70000 must be in the range 1..65535']);
  assert.deepEqual(msgs(`{servers: [{${http80}, hosts: ["bad_ns/a.com", "ns/short", "10.0.0.1"]}]}`), [
    'spec.servers[0].hosts[0]: invalid namespace value "bad_ns" in gateway',
    'spec.servers[0].hosts[1]: short names (non FQDN) are not allowed',
  ]);
  assert.deepEqual(msgs(`{servers: [{${http80}, hosts: ["*"], bind: "unix:///a.sock"}]}`), ['spec.servers[0].bind: port number must be 0 for unix domain socket: number:80 protocol:"HTTP" name:"http"']);
  assert.deepEqual(msgs(`{servers: [{${http80}, hosts: [a.com]}, {port: {number: 81, name: http, protocol: HTTP}, hosts: [b.com]}]}`), [
    'spec.servers[1].port.name: port names in servers must be unique: duplicate name http',
  ]);
});

test('Istio: server TLS modes and their certificates', () => {
  const https = 'port: {number: 443, name: https, protocol: HTTPS}, hosts: ["*"]';
  assert.deepEqual(msgs(`{servers: [{${https}}]}`), ['spec.servers[0].tls: server must have TLS settings for HTTPS/TLS protocols']);
  assert.deepEqual(msgs(`{servers: [{${https}, tls: {mode: MUTUAL}}]}`), [
    'spec.servers[0].tls.serverCertificate: MUTUAL TLS requires a server certificate',
    'spec.servers[0].tls.privateKey: MUTUAL TLS requires a private key',
    'spec.servers[0].tls.caCertificates: MUTUAL TLS requires a client CA bundle',
  ]);
  assert.deepEqual(msgs(`{servers: [{${https}, tls: {mode: ISTIO_MUTUAL, credentialName: c}}]}`), ['spec.servers[0].tls.credentialName: ISTIO_MUTUAL TLS cannot have associated credentialName']);
  assert.deepEqual(msgs(`{servers: [{${https}, tls: {mode: SIMPLE, credentialName: c, caCrl: /crl.pem}}]}`), []);
  assert.deepEqual(msgs(`{servers: [{${https}, tls: {mode: SIMPLE, serverCertificate: /c.pem, privateKey: /k.pem, caCrl: /crl.pem}}]}`), ['spec.servers[0].tls.caCrl: CRL is not supported with SIMPLE TLS']);
  assert.deepEqual(msgs(`{servers: [{${http80}, hosts: ["*"], tls: {mode: SIMPLE, credentialName: c}}]}`), ['spec.servers[0].tls: server cannot have TLS settings for plain text HTTP ports']);
  assert.deepEqual(msgs('{servers: [{port: {number: 5432, name: tcp, protocol: TCP}, hosts: ["*"], tls: {httpsRedirect: true}}]}'), [
    'spec.servers[0].tls: server cannot have TLS settings for non HTTPS/TLS ports',
  ]);
  assert.deepEqual(warns(`{servers: [{${https}, tls: {mode: PASSTHROUGH, credentialName: c}}]}`), ['spec.servers[0].tls: PASSTHROUGH mode does not use certificates, they will be ignored']);
  assert.deepEqual(warns(`{servers: [{${https}, tls: {mode: SIMPLE, credentialName: c, minProtocolVersion: TLSV1_1, cipherSuites: [NOPE, AES128-SHA, AES128-SHA]}}]}`), [
    'spec.servers[0].tls.cipherSuites: ignoring invalid cipher suites: [NOPE]',
    'spec.servers[0].tls.cipherSuites: ignoring duplicate cipher suites: [AES128-SHA]',
  ]);
  assert.deepEqual(warns(`{servers: [{${https}, tls: {mode: SIMPLE, credentialName: c, minProtocolVersion: TLSV1_0}}]}`), [
    'spec.servers[0].tls.minProtocolVersion: TLS version below TLSV1_2 require setting compatible ciphers as by default they no longer include compatible ciphers.',
  ]);
});
