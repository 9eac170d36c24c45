import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { destinationRuleKind } from './destination-rule.js';
import { specIssues, specWarnings, type SpecIssue } from './spec-issues.js';

const issues = (yaml: string): SpecIssue[] => specIssues(destinationRuleKind, parse(yaml));
const paths = (yaml: string): string[] => issues(yaml).map((i) => i.path);

test('workshop subsets validate', () => {
  assert.deepEqual(
    issues(`
host: service-c.istioinaction.svc.cluster.local
subsets:
- name: version-v1
  labels: {version: v1}
- name: version-v2
  labels: {version: v2}
`),
    [],
  );
});

test('a full traffic policy validates, including deprecated fields', () => {
  assert.deepEqual(
    issues(`
host: reviews.prod.svc.cluster.local
exportTo: ["."]
trafficPolicy:
  loadBalancer:
    consistentHash:
      httpCookie: {name: user, ttl: 0s}
      ringHash: {minimumRingSize: 1024}
    localityLbSetting:
      enabled: true
      failover: [{from: us-east, to: eu-west}]
    warmup: {duration: 30s, minimumPercent: 10, aggression: 1}
  connectionPool:
    tcp:
      maxConnections: 100
      connectTimeout: 30ms
      tcpKeepalive: {time: 7200s, interval: 75s, probes: 9}
      idleTimeout: 0s
    http:
      http1MaxPendingRequests: 1
      http2MaxRequests: 1000
      maxRequestsPerConnection: 10
      maxRetries: 3
      idleTimeout: 60s
      h2UpgradePolicy: UPGRADE
      useClientProtocol: false
  outlierDetection:
    consecutiveErrors: 7
    consecutive5xxErrors: 5
    consecutiveGatewayErrors: 3
    interval: 5m
    baseEjectionTime: 15m
    maxEjectionPercent: 100
    minHealthPercent: 50
  tls: {mode: ISTIO_MUTUAL, sni: reviews.prod}
  portLevelSettings:
  - port: {number: 9080}
    loadBalancer: {simple: LEAST_REQUEST}
    tls: {mode: MUTUAL, clientCertificate: /etc/c.pem, privateKey: /etc/k.pem, caCertificates: /etc/ca.pem}
  tunnel: {protocol: CONNECT, targetHost: proxy.example.com, targetPort: 8443}
subsets:
- name: v1
  labels: {version: v1}
  trafficPolicy:
    loadBalancer: {simple: ROUND_ROBIN, warmupDurationSecs: 10s}
    proxyProtocol: {version: V2}
`),
    [],
  );
});

test('typical mistakes name their field', () => {
  assert.deepEqual(paths('{host: r, trafficPolicy: {loadBalancer: {simple: ROUND_ROBBIN}}}'), ['spec.trafficPolicy.loadBalancer.simple']);
  assert.deepEqual(paths('{host: r, trafficPolicy: {tls: {mode: STRICT}}}'), ['spec.trafficPolicy.tls.mode']);
  assert.deepEqual(paths('{host: r, trafficPolicy: {loadBalancer: {simple: RANDOM, consistentHash: {useSourceIp: true}}}}'), ['spec.trafficPolicy.loadBalancer']);
  assert.deepEqual(paths('{host: r, trafficPolicy: {outlierDetection: {maxEjectionPercent: 120}}}'), ['spec.trafficPolicy.outlierDetection.maxEjectionPercent']);
  assert.deepEqual(paths('{host: r, trafficPolicy: {connectionPool: {tcp: {connectTimeout: 10}}}}'), ['spec.trafficPolicy.connectionPool.tcp.connectTimeout']);
  assert.deepEqual(paths('{host: r, subsets: [{labels: {version: v1}}]}'), ['spec.subsets[0].name']);
  assert.deepEqual(paths('{subsets: [{name: v1}]}'), ['spec.host']);
});

test('cross-field rules: unique subset names, MUTUAL needs certificates, distribute adds up to 100', () => {
  assert.deepEqual(paths('{host: r, subsets: [{name: v1}, {name: v1}]}'), ['spec.subsets[1].name']);
  assert.deepEqual(paths('{host: r, trafficPolicy: {tls: {mode: MUTUAL}}}'), ['spec.trafficPolicy.tls.clientCertificate', 'spec.trafficPolicy.tls.privateKey']);
  assert.deepEqual(paths('{host: r, trafficPolicy: {tls: {mode: MUTUAL, credentialName: c}}}'), []);
  assert.deepEqual(
    paths('{host: r, trafficPolicy: {loadBalancer: {localityLbSetting: {distribute: [{from: "a/*", to: {"a/*": 70, "b/*": 20}}]}}}}'),
    ['spec.trafficPolicy.loadBalancer.localityLbSetting.distribute[0].to'],
  );
});

const messages = (yaml: string, metadata?: { name: string; namespace?: string }): string[] =>
  specIssues(destinationRuleKind, parse(yaml), metadata).map((i) => `${i.path}: ${i.message}`);
const warnings = (yaml: string): string[] => specWarnings(destinationRuleKind, parse(yaml)).map((i) => `${i.path}: ${i.message}`);

test('Istio: host and subsets (names, duplicates, labels)', () => {
  assert.deepEqual(messages('{host: ""}'), ['spec.host: empty domain name not allowed']);
  assert.deepEqual(messages('{host: "foo..bar"}'), ['spec.host: domain name ".bar" invalid (label "" invalid)']);
  assert.deepEqual(messages('{host: "reviews.1"}'), ['spec.host: domain name "1" invalid (top level domain "1" cannot be all-numeric)']);
  assert.deepEqual(messages('{host: "*.bar.com"}'), []);
  assert.deepEqual(messages('{host: r, subsets: [{name: v1}, {name: v1}]}'), ['spec.subsets[1].name: duplicate subset names: v1']);
  assert.deepEqual(messages('{host: r, subsets: [{name: ""}]}'), ['spec.subsets[0].name: subset name cannot be empty']);
  assert.deepEqual(messages('{host: r, subsets: [{name: "v1.0"}]}'), ['spec.subsets[0].name: subset name is invalid: v1.0']);
  assert.deepEqual(messages('{host: r, subsets: [{name: v1, labels: {"a/b/c": x}}]}'), ['spec.subsets[0].labels: invalid tag key: "a/b/c"']);
  assert.deepEqual(messages('{host: r, subsets: [{name: v1, labels: {v: "-x"}}]}'), ['spec.subsets[0].labels: invalid tag value: "-x"']);
});

test('Istio: traffic policy needs a field; tunnel and proxyProtocol exclude each other; tunnel fields', () => {
  assert.deepEqual(messages('{host: r, trafficPolicy: {}}'), ['spec.trafficPolicy: traffic policy must have at least one field']);
  assert.deepEqual(messages('{host: r, trafficPolicy: {tunnel: {targetHost: h.example.com, targetPort: 80}, proxyProtocol: {}}}'), [
    'spec.trafficPolicy: tunnel and proxyProtocol must not be set together',
  ]);
  assert.deepEqual(messages('{host: r, trafficPolicy: {tunnel: {protocol: GET, targetHost: "a b", targetPort: 0}}}'), [
    'spec.trafficPolicy.tunnel.protocol: tunnel protocol must be "CONNECT" or "POST"',
    'spec.trafficPolicy.tunnel.targetHost: tunnel target host must be valid FQDN or IP address: domain name "a b" invalid (label "a b" invalid); a b is not a valid IP',
    'spec.trafficPolicy.tunnel.targetPort: tunnel target port is invalid: port number 0 must be in the range 1..65535',
  ]);
  assert.deepEqual(messages('{host: r, trafficPolicy: {portLevelSettings: [{port: {number: 80}}]}}'), [
    'spec.trafficPolicy.portLevelSettings[0]: port traffic policy must have at least one field',
  ]);
  assert.deepEqual(messages('{host: r, trafficPolicy: {portLevelSettings: [{tls: {mode: SIMPLE}}]}}'), [
    'spec.trafficPolicy.portLevelSettings[0].port: portTrafficPolicy must have valid port',
  ]);
});

test('Istio: connection pool ranges and consistency', () => {
  assert.deepEqual(messages('{host: r, trafficPolicy: {connectionPool: {}}}'), ['spec.trafficPolicy.connectionPool: connection pool must have at least one field']);
  assert.deepEqual(messages('{host: r, trafficPolicy: {connectionPool: {http: {http1MaxPendingRequests: -1}}}}'), [
    'spec.trafficPolicy.connectionPool.http.http1MaxPendingRequests: http1 max pending requests must be non-negative',
  ]);
  assert.deepEqual(messages('{host: r, trafficPolicy: {connectionPool: {tcp: {maxConnections: -1}}}}'), [
    'spec.trafficPolicy.connectionPool.tcp.maxConnections: max connections must be non-negative',
  ]);
  assert.deepEqual(messages('{host: r, trafficPolicy: {connectionPool: {http: {h2UpgradePolicy: UPGRADE, useClientProtocol: true}}}}'), [
    'spec.trafficPolicy.connectionPool.http: use client protocol must not be true when H2UpgradePolicy is UPGRADE',
  ]);
  assert.deepEqual(messages('{host: r, trafficPolicy: {connectionPool: {tcp: {connectTimeout: 0.5ms}}}}'), [
    'spec.trafficPolicy.connectionPool.tcp.connectTimeout: duration must be greater than 1ms',
  ]);
  assert.deepEqual(messages('{host: r, trafficPolicy: {connectionPool: {tcp: {connectTimeout: 1.5ms}}}}'), [
    'spec.trafficPolicy.connectionPool.tcp.connectTimeout: only durations to ms precision are supported',
  ]);
});

test('Istio: outlier detection percentages, local origin failures, and the consecutiveErrors deprecation warning', () => {
  assert.deepEqual(messages('{host: r, trafficPolicy: {outlierDetection: {maxEjectionPercent: 120}}}'), [
    'spec.trafficPolicy.outlierDetection.maxEjectionPercent: percentage 120 is not in range 0..100',
  ]);
  assert.deepEqual(messages('{host: r, trafficPolicy: {outlierDetection: {minHealthPercent: -1}}}'), [
    'spec.trafficPolicy.outlierDetection.minHealthPercent: percentage -1 is not in range 0..100',
  ]);
  assert.deepEqual(messages('{host: r, trafficPolicy: {outlierDetection: {consecutiveLocalOriginFailures: 3}}}'), [
    'spec.trafficPolicy.outlierDetection.consecutiveLocalOriginFailures: outlier detection consecutive local origin failures is specified, but split external local origin errors is set to false',
  ]);
  const yaml = '{host: r, trafficPolicy: {outlierDetection: {consecutiveErrors: 5}}}';
  assert.deepEqual(messages(yaml), []);
  assert.deepEqual(warnings(yaml), [
    'spec.trafficPolicy.outlierDetection.consecutiveErrors: outlier detection consecutive errors is deprecated, use consecutiveGatewayErrors or consecutive5xxErrors instead',
  ]);
});

test('Istio: load balancer (consistent hash, maglev, deprecated minimumRingSize, locality)', () => {
  assert.deepEqual(messages('{host: r, trafficPolicy: {loadBalancer: {consistentHash: {httpCookie: {name: ""}}}}}'), [
    'spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.name: name required for HttpCookie',
  ]);
  assert.deepEqual(messages('{host: r, trafficPolicy: {loadBalancer: {consistentHash: {useSourceIp: true, maglev: {tableSize: 1000}}}}}'), [
    'spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize: tableSize must be a prime number for maglev',
  ]);
  assert.deepEqual(messages('{host: r, trafficPolicy: {loadBalancer: {consistentHash: {useSourceIp: true, maglev: {}}}}}'), [
    'spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize: tableSize must be set for maglev',
    'spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize: tableSize must be a prime number for maglev',
  ]);
  const ring = '{host: r, trafficPolicy: {loadBalancer: {consistentHash: {useSourceIp: true, minimumRingSize: 1024}}}}';
  assert.deepEqual(messages(ring), []);
  assert.deepEqual(warnings(ring), [
    "spec.trafficPolicy.loadBalancer.consistentHash.minimumRingSize: consistent hash MinimumRingSize is deprecated, use ConsistentHashLB's RingHash configuration instead",
  ]);
  assert.deepEqual(messages('{host: r, trafficPolicy: {loadBalancer: {consistentHash: {useSourceIp: true, minimumRingSize: 1024, ringHash: {minimumRingSize: 8}}}}}'), [
    'spec.trafficPolicy.loadBalancer.consistentHash: only one of MinimumRingSize or Maglev/Ringhash can be specified',
  ]);
  assert.deepEqual(messages('{host: r, trafficPolicy: {loadBalancer: {localityLbSetting: {distribute: [{from: a, to: {b: 50}}], failover: [{from: a, to: b}]}}}}'), [
    "spec.trafficPolicy.loadBalancer.localityLbSetting: can not simultaneously specify 'distribute' and 'failover'",
  ]);
  assert.deepEqual(messages('{host: r, trafficPolicy: {loadBalancer: {localityLbSetting: {distribute: [{from: "a/*", to: {"a/*": 70, "b/*": 20}}]}}}}'), [
    'spec.trafficPolicy.loadBalancer.localityLbSetting.distribute[0].to: total locality weight 90 != 100',
  ]);
  assert.deepEqual(messages('{host: r, trafficPolicy: {loadBalancer: {localityLbSetting: {failover: [{from: us-east, to: us-east}]}}}}'), [
    'spec.trafficPolicy.loadBalancer.localityLbSetting.failover[0]: locality lb failover settings must specify different regions',
  ]);
  assert.deepEqual(warnings('{host: r, trafficPolicy: {loadBalancer: {localityLbSetting: {failover: [{from: us-east, to: eu-west}]}}}}'), [
    'spec.trafficPolicy.loadBalancer.localityLbSetting: outlier detection policy must be provided for failover',
  ]);
});

test('Istio: client TLS modes', () => {
  assert.deepEqual(messages('{host: r, trafficPolicy: {tls: {mode: MUTUAL}}}'), [
    'spec.trafficPolicy.tls.clientCertificate: client certificate required for mutual tls',
    'spec.trafficPolicy.tls.privateKey: private key required for mutual tls',
  ]);
  assert.deepEqual(messages('{host: r, trafficPolicy: {tls: {mode: SIMPLE, credentialName: c, caCertificates: /ca.pem}}}'), [
    'spec.trafficPolicy.tls: cannot specify client certificates or CA certificate or CA CRL If credentialName is set',
  ]);
  assert.deepEqual(messages('{host: r, trafficPolicy: {tls: {mode: SIMPLE, insecureSkipVerify: true, subjectAltNames: [a]}}}'), [
    'spec.trafficPolicy.tls: cannot specify CaCertificates or CredentialName or SubjectAltNames when InsecureSkipVerify is set true',
  ]);
});

test('Istio: workload selector and exportTo', () => {
  const meta = { name: 'r', namespace: 'ns1' };
  assert.deepEqual(messages('{host: r, workloadSelector: {matchLabels: {app: a}}, exportTo: [ns2]}', meta), [
    'spec.exportTo: destination rule with workload selector cannot have exportTo beyond current namespace',
  ]);
  assert.deepEqual(messages('{host: r, workloadSelector: {matchLabels: {app: a}}, exportTo: [".", ns2]}', meta), [
    'spec.exportTo: destination rule with workload selector cannot have multiple entries in exportTo',
  ]);
  assert.deepEqual(messages('{host: r, workloadSelector: {matchLabels: {app: a}}, exportTo: ["."]}', meta), []);
  assert.deepEqual(messages('{host: r, workloadSelector: {matchLabels: {"*": a}}}'), ['spec.workloadSelector.matchLabels.*: wildcard is not supported in selector: "*=a"']);
  assert.deepEqual(warnings('{host: r, workloadSelector: {}}'), ['spec.workloadSelector: workload selector specified without labels']);
});
