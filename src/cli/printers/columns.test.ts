import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Resource } from '../../config/resource.js';
import { columnsFor } from './columns.js';

const now = new Date('2024-05-01T12:00:00Z');
const created = '2024-05-01T11:55:00Z';

function pod(containerStatuses: unknown[], extra: { phase?: string; deletionTimestamp?: string; containers?: number } = {}): Resource {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'service-a-1', namespace: 'default', creationTimestamp: created, deletionTimestamp: extra.deletionTimestamp },
    spec: {
      containers: Array.from({ length: extra.containers ?? containerStatuses.length }, (_, i) => ({ name: `c${i}`, image: 'img' })),
      nodeName: 'weft',
    },
    status: { phase: extra.phase ?? 'Running', podIP: '127.1.64.1', containerStatuses, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

const running = (name: string, restartCount = 0) => ({ name, ready: true, restartCount, state: { running: { startedAt: created } } });
const row = (r: Resource, wide = false) => columnsFor(r.kind).row(r, now, wide);

test('pod headers, default and wide', () => {
  assert.deepEqual(columnsFor('Pod').headers, ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
  assert.deepEqual(columnsFor('Pod').wideHeaders.slice(5), ['IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
});

test('pod: running with a sidecar', () => {
  assert.deepEqual(row(pod([running('app'), running('istio-proxy')])), ['service-a-1', '2/2', 'Running', '0', '5m']);
  assert.deepEqual(row(pod([running('app')]), true), ['service-a-1', '1/1', 'Running', '0', '5m', '127.1.64.1', 'weft', '<none>', '<none>']);
});

test('pod: CrashLoopBackOff counts restarts and says when the last one was', () => {
  const crashing = {
    name: 'app',
    ready: false,
    restartCount: 3,
    state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' } },
    lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: '2024-05-01T11:59:55Z' } },
  };
  assert.deepEqual(row(pod([crashing, running('istio-proxy')])), ['service-a-1', '1/2', 'CrashLoopBackOff', '3 (5s ago)', '5m']);
});

test('pod: restarts without a recorded finish time show the count alone', () => {
  assert.equal(row(pod([running('app', 2)]))[3], '2');
});

test('pod: ErrImagePull while waiting', () => {
  const pulling = { name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ErrImagePull' } } };
  assert.deepEqual(row(pod([pulling], { phase: 'Pending' })).slice(1, 4), ['0/1', 'ErrImagePull', '0']);
});

test('pod: Terminating once a deletion timestamp is set, unless already finished', () => {
  assert.equal(row(pod([running('app')], { deletionTimestamp: '2024-05-01T11:59:00Z' }))[2], 'Terminating');
  assert.equal(row(pod([], { phase: 'Succeeded', deletionTimestamp: '2024-05-01T11:59:00Z', containers: 1 }))[2], 'Succeeded');
});

test('pod: terminated containers show their reason or exit code', () => {
  const done = { name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } };
  assert.equal(row(pod([done], { phase: 'Succeeded' }))[2], 'Completed');
  const killed = { name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 137 } } };
  assert.equal(row(pod([killed], { phase: 'Failed' }))[2], 'ExitCode:137');
  // A finished sidecar next to a running, ready container leaves the pod Running.
  assert.equal(row(pod([running('app'), done]))[2], 'Running');
});

test('pod: no statuses yet', () => {
  assert.deepEqual(row(pod([], { phase: 'Pending', containers: 2 })).slice(1, 4), ['0/2', 'Pending', '0']);
});

function service(spec: Record<string, unknown>, status: Record<string, unknown> = {}): Resource {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: 'service-a', namespace: 'default', creationTimestamp: created }, spec, status };
}

test('service: ClusterIP', () => {
  const svc = service({ clusterIP: '127.1.0.5', ports: [{ port: 80, protocol: 'TCP' }], selector: { version: 'v1', app: 'a' } });
  assert.deepEqual(row(svc), ['service-a', 'ClusterIP', '127.1.0.5', '<none>', '80/TCP', '5m']);
  assert.deepEqual(row(svc, true).slice(6), ['app=a,version=v1']);
});

test('service: node ports and several ports', () => {
  const svc = service({
    type: 'NodePort',
    clusterIP: '127.1.0.6',
    ports: [
      { name: 'http2', port: 80, nodePort: 31380 },
      { name: 'dns', port: 53, protocol: 'UDP' },
    ],
  });
  assert.deepEqual(row(svc).slice(1, 5), ['NodePort', '127.1.0.6', '<none>', '80:31380/TCP,53/UDP']);
});

test('service: load balancer pending, then with addresses', () => {
  const spec = { type: 'LoadBalancer', clusterIP: '127.1.0.7', ports: [{ port: 80, nodePort: 31380 }] };
  assert.equal(row(service(spec))[3], '<pending>');
  assert.equal(row(service(spec, { loadBalancer: { ingress: [{ ip: '127.1.0.10' }] } }))[3], '127.1.0.10');
  assert.equal(row(service(spec, { loadBalancer: { ingress: [{ hostname: 'gw.lan' }, { ip: '10.0.0.1' }] } }))[3], '10.0.0.1,gw.lan');
  const long = { loadBalancer: { ingress: [{ hostname: 'a-very-long-hostname.example.com' }] } };
  assert.equal(row(service(spec, long))[3], 'a-very-long-h...');
  assert.equal(row(service(spec, long), true)[3], 'a-very-long-hostname.example.com');
});

test('service: headless with no ports', () => {
  assert.deepEqual(row(service({ clusterIP: 'None' })).slice(2, 5), ['None', '<none>', '<none>']);
});

test('deployment: READY from ready/desired replicas; wide adds containers, images, selector', () => {
  const dep: Resource = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'service-a', namespace: 'default', creationTimestamp: created },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'service-a', version: 'v1' } },
      template: { spec: { containers: [{ name: 'app', image: 'weft/fake-service:1' }] } },
    },
    status: { readyReplicas: 1, updatedReplicas: 2, availableReplicas: 1 },
  };
  assert.deepEqual(row(dep), ['service-a', '1/2', '2', '1', '5m']);
  assert.deepEqual(row(dep, true).slice(5), ['app', 'weft/fake-service:1', 'app=service-a,version=v1']);
});

test('endpoints: at most three addresses, then a count of the rest', () => {
  const ep = (ips: string[]): Resource => ({
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'service-a', creationTimestamp: created },
    subsets: [{ addresses: ips.map((ip) => ({ ip })), ports: [{ port: 8080 }] }],
  });
  assert.deepEqual(row(ep(['127.1.64.1', '127.1.64.2'])), ['service-a', '127.1.64.1:8080,127.1.64.2:8080', '5m']);
  assert.equal(row(ep(['a', 'b', 'c', 'd', 'e']))[1], 'a:8080,b:8080,c:8080 + 2 more...');
  assert.equal(row({ ...ep([]), subsets: [] })[1], '<none>');
});

test('simple built-in kinds', () => {
  const base = { metadata: { name: 'x', creationTimestamp: created } };
  assert.deepEqual(row({ ...base, apiVersion: 'v1', kind: 'Namespace', status: { phase: 'Active' } }), ['x', 'Active', '5m']);
  assert.deepEqual(row({ ...base, apiVersion: 'v1', kind: 'ConfigMap', data: { a: '1', b: '2' } }), ['x', '2', '5m']);
  assert.deepEqual(row({ ...base, apiVersion: 'v1', kind: 'Secret', type: 'Opaque', data: { a: 'MQ==' }, stringData: { b: '2' } }), ['x', 'Opaque', '2', '5m']);
  assert.deepEqual(row({ ...base, apiVersion: 'v1', kind: 'ServiceAccount' }), ['x', '0', '5m']);
  assert.deepEqual(columnsFor('ServiceAccount').headers, ['NAME', 'SECRETS', 'AGE']);
});

test('istio kinds use their CRD printer columns', () => {
  const vs: Resource = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'service-a', creationTimestamp: created },
    spec: { hosts: ['service-a'], gateways: ['service-a-gateway'] },
  };
  assert.deepEqual(columnsFor('VirtualService').headers, ['NAME', 'GATEWAYS', 'HOSTS', 'AGE']);
  assert.deepEqual(row(vs), ['service-a', '["service-a-gateway"]', '["service-a"]', '5m']);
  assert.deepEqual(row({ ...vs, spec: { hosts: ['a', 'b'] } }), ['service-a', '<none>', '["a","b"]', '5m']);

  const base = { metadata: { name: 'x', creationTimestamp: created } };
  assert.deepEqual(row({ ...base, apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', spec: { host: 'service-b' } }), ['x', 'service-b', '5m']);
  assert.deepEqual(
    row({ ...base, apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', spec: { hosts: ['httpbin.org'], location: 'MESH_EXTERNAL', resolution: 'DNS' } }),
    ['x', '["httpbin.org"]', 'MESH_EXTERNAL', 'DNS', '5m'],
  );
  assert.deepEqual(row({ ...base, apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', spec: { mtls: { mode: 'STRICT' } } }), ['x', 'STRICT', '5m']);
  assert.deepEqual(row({ ...base, apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', spec: { action: 'DENY' } }), ['x', 'DENY', '5m']);
  assert.deepEqual(row({ ...base, apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', spec: {} }), ['x', '<none>', '5m']);
  assert.deepEqual(columnsFor('WorkloadEntry').headers, ['NAME', 'AGE', 'ADDRESS']);
  assert.deepEqual(row({ ...base, apiVersion: 'networking.istio.io/v1', kind: 'WorkloadEntry', spec: { address: '127.1.9.9' } }), ['x', '5m', '127.1.9.9']);
  for (const kind of ['Gateway', 'Sidecar', 'RequestAuthentication', 'Telemetry', 'Anything']) {
    assert.deepEqual(columnsFor(kind).headers, ['NAME', 'AGE'], kind);
  }
});

test('kinds stored without effect: kubectl default columns', () => {
  const meta = { name: 'x', namespace: 'default', creationTimestamp: created };
  const r = (kind: string, rest: Record<string, unknown>): Resource => ({ apiVersion: 'v1', kind, metadata: meta, ...rest });
  assert.deepEqual(columnsFor('ClusterRole').headers, ['NAME', 'CREATED AT']);
  assert.deepEqual(row(r('ClusterRole', { rules: [] })), ['x', '2024-05-01T11:55:00Z']);
  assert.deepEqual(row(r('RoleBinding', { roleRef: { kind: 'ClusterRole', name: 'view' } })), ['x', 'ClusterRole/view', '5m']);
  assert.deepEqual(row(r('MutatingWebhookConfiguration', { webhooks: [{}, {}] })), ['x', '2', '5m']);
  assert.deepEqual(row(r('PodDisruptionBudget', { spec: { minAvailable: 1 } })), ['x', '1', 'N/A', '0', '5m']);
  assert.deepEqual(columnsFor('HorizontalPodAutoscaler').headers, ['NAME', 'REFERENCE', 'TARGETS', 'MINPODS', 'MAXPODS', 'REPLICAS', 'AGE']);
  assert.deepEqual(row(r('HorizontalPodAutoscaler', { spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 5, targetCPUUtilizationPercentage: 80 } })), ['x', 'Deployment/web', 'cpu: <unknown>/80%', '1', '5', '0', '5m']);
  assert.deepEqual(row(r('NetworkPolicy', { spec: { podSelector: {} } })), ['x', '<none>', '5m']);
  assert.deepEqual(row(r('PersistentVolumeClaim', { spec: { accessModes: ['ReadWriteOnce'] } })), ['x', 'Pending', '', '', 'RWO', '<unset>', '<unset>', '5m']);
  assert.deepEqual(columnsFor('Ingress').headers, ['NAME', 'CLASS', 'HOSTS', 'ADDRESS', 'PORTS', 'AGE']);
  assert.deepEqual(row(r('Ingress', { spec: { rules: [{ host: 'a.example' }], tls: [{}] } })), ['x', '<none>', 'a.example', '', '80, 443', '5m']);
});

test('workloads: statefulset, daemonset and job columns', () => {
  const meta = { name: 'w', namespace: 'default', creationTimestamp: created };
  assert.deepEqual(row({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta, spec: { replicas: 3 }, status: { readyReplicas: 2 } }), ['w', '2/3', '5m']);
  assert.deepEqual(columnsFor('DaemonSet').headers, ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE']);
  const ds = { desiredNumberScheduled: 1, currentNumberScheduled: 1, numberReady: 1, updatedNumberScheduled: 1, numberAvailable: 1 };
  assert.deepEqual(row({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: meta, spec: {}, status: ds }), ['w', '1', '1', '1', '1', '1', '<none>', '5m']);
  assert.deepEqual(columnsFor('Job').headers, ['NAME', 'COMPLETIONS', 'DURATION', 'AGE']);
  const job = (status: Record<string, unknown>): Resource => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: meta, spec: { completions: 1 }, status });
  assert.deepEqual(row(job({ startTime: created, completionTime: '2024-05-01T11:55:12Z', succeeded: 1 })), ['w', '1/1', '12s', '5m']);
  assert.deepEqual(row(job({ startTime: created })), ['w', '0/1', '5m', '5m']);
});
