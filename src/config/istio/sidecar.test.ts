import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { sidecarKind } from './sidecar.js';
import { specIssues, specWarnings, type SpecIssue } from './spec-issues.js';

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

const msgs = (yaml: string): string[] => specIssues(sidecarKind, parse(yaml)).map((i) => `${i.path}: ${i.message}`);
const warns = (yaml: string): string[] => specWarnings(sidecarKind, parse(yaml)).map((i) => `${i.path}: ${i.message}`);

test('Istio: an empty Sidecar (egress: [] and nothing else) is refused', () => {
  assert.deepEqual(msgs('{egress: []}'), ['spec: sidecar: empty configuration provided']);
  assert.deepEqual(msgs('{workloadSelector: {labels: {app: a}}}'), ['spec: sidecar: empty configuration provided']);
  assert.deepEqual(msgs('{egress: [], outboundTrafficPolicy: {mode: REGISTRY_ONLY}}'), []);
  assert.deepEqual(warns('{workloadSelector: {}, egress: [{hosts: ["./*"]}]}'), [
    'spec.workloadSelector: sidecar: workload selector specified without labels, will be applied to all services in namespace',
  ]);
});

test('Istio: ingress listeners (ports, binds, default endpoints, TLS, pools)', () => {
  assert.deepEqual(msgs('{ingress: [{port: {number: 80, protocol: HTTP, name: a}}, {port: {number: 80, protocol: HTTP, name: b}}]}'), [
    'spec.ingress[1].port.number: sidecar: ports on IP bound listeners must be unique',
  ]);
  assert.deepEqual(msgs('{ingress: [{port: {number: 80, protocol: HTTPX, name: Bad_Name, targetPort: 8080}, bind: 1.2.3}]}'), [
    'spec.ingress[0].port.targetPort: targetPort has no impact on Sidecars',
    'spec.ingress[0].port.name: invalid port name: Bad_Name',
    'spec.ingress[0].port.protocol: unsupported protocol: HTTPX',
    'spec.ingress[0].bind: 1.2.3 is not a valid IP',
  ]);
  assert.deepEqual(msgs('{ingress: [{port: {number: 80}, defaultEndpoint: "10.0.0.1:80"}]}'), [
    'spec.ingress[0].defaultEndpoint: sidecar: defaultEndpoint must be of form 127.0.0.1:<port>,0.0.0.0:<port>,[::1]:port,[::]:port,unix://filepath or unset',
  ]);
  assert.deepEqual(msgs('{ingress: [{port: {number: 80}, defaultEndpoint: "127.0.0.1:http"}]}'), [
    'spec.ingress[0].defaultEndpoint: sidecar: defaultEndpoint port (http) is not a number: strconv.Atoi: parsing "http": invalid syntax',
  ]);
  assert.deepEqual(msgs('{ingress: [{port: {number: 80}, defaultEndpoint: "[::1]:8080"}, {port: {number: 81}, defaultEndpoint: "unix:///var/run/a.sock"}]}'), []);
  assert.deepEqual(msgs('{ingress: [{port: {number: 443, protocol: HTTPS}, tls: {mode: ISTIO_MUTUAL, httpsRedirect: true}}]}'), [
    'spec.ingress[0].tls.httpsRedirect: sidecar: httpsRedirect is not supported',
    'spec.ingress[0].tls.mode: configuration is invalid: cannot set mode to ISTIO_MUTUAL in sidecar ingress tls',
  ]);
  assert.deepEqual(msgs('{ingress: [{port: {number: 443, protocol: HTTPS}, tls: {mode: SIMPLE}}]}'), [
    'spec.ingress[0].tls.serverCertificate: SIMPLE TLS requires a server certificate',
    'spec.ingress[0].tls.privateKey: SIMPLE TLS requires a private key',
  ]);
  assert.deepEqual(msgs('{ingress: [{port: {number: 80}, connectionPool: {}}]}'), ['spec.ingress[0].connectionPool: connection pool must have at least one field']);
  assert.deepEqual(warns('{ingress: [{port: {number: 5432, protocol: TCP, name: db}, connectionPool: {http: {maxRetries: 1}}}]}'), [
    'spec.ingress[0].connectionPool.http: sidecar: HTTP connection pool settings are configured for port 5432 ("db") but its protocol is not HTTP (TCP); only TCP settings will apply',
  ]);
});

test('Istio: egress listeners (catch-all last, unix sockets, capture mode, hosts)', () => {
  assert.deepEqual(msgs('{egress: [{port: {number: 0}, hosts: ["*/*"]}]}'), ['spec.egress[0].bind: sidecar: ports with 0 value must have a unix domain socket bind address']);
  assert.deepEqual(msgs('{egress: [{port: {number: 0}, bind: "unix:///a.sock", captureMode: IPTABLES, hosts: ["*/*"]}, {port: {number: 0}, bind: "unix:///a.sock", hosts: ["*/*"]}]}'), [
    'spec.egress[0].captureMode: sidecar: captureMode must be DEFAULT/NONE for unix domain socket listeners',
    'spec.egress[1].bind: sidecar: unix domain socket values for listeners must be unique',
  ]);
  assert.deepEqual(msgs('{egress: [{hosts: []}]}'), ['spec.egress[0].hosts: sidecar: egress listener must contain at least one host']);
  assert.deepEqual(msgs('{egress: [{hosts: [reviews]}]}'), ['spec.egress[0].hosts[0]: host must be of form namespace/dnsName']);
  assert.deepEqual(msgs('{egress: [{hosts: ["ns/reviews"]}]}'), ['spec.egress[0].hosts[0]: short names (non FQDN) are not allowed']);
  assert.deepEqual(msgs('{egress: [{hosts: ["ns/*foo.com"]}]}'), ['spec.egress[0].hosts[0]: partial wildcard "*foo.com" not allowed']);
  assert.deepEqual(warns('{egress: [{hosts: ["ns/a.com", "ns/a.com", "*/*"]}]}'), [
    'spec.egress[0].hosts[1]: duplicated egress host: ns/a.com',
    'spec.egress[0].hosts: `*/*` host select all resources, no other hosts can be added',
  ]);
});

test('Istio: outbound traffic policy egress proxy', () => {
  assert.deepEqual(msgs('{outboundTrafficPolicy: {mode: REGISTRY_ONLY, egressProxy: {host: p.example.com, port: {number: 80}}}}'), [
    'spec.outboundTrafficPolicy.egressProxy: sidecar: egress_proxy must be set only with ALLOW_ANY outbound_traffic_policy mode',
  ]);
  assert.deepEqual(msgs('{outboundTrafficPolicy: {mode: ALLOW_ANY, egressProxy: {host: p.example.com}}}'), [
    'spec.outboundTrafficPolicy.egressProxy.port: sidecar: egress_proxy port must be non-nil',
  ]);
  assert.deepEqual(msgs('{outboundTrafficPolicy: {mode: ALLOW_ANY, egressProxy: {host: "*.example.com", port: {number: 80}}}}'), [
    'spec.outboundTrafficPolicy.egressProxy.host: domain name "*.example.com" invalid (label "*" invalid)',
  ]);
});
