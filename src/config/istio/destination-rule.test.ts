import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { destinationRuleKind } from './destination-rule.js';
import { specIssues, type SpecIssue } from './spec-issues.js';

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
  proxyProtocol: {version: V2}
subsets:
- name: v1
  labels: {version: v1}
  trafficPolicy:
    loadBalancer: {simple: ROUND_ROBIN, warmupDurationSecs: 10s}
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
