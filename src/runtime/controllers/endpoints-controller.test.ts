import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PodSpec } from '../../config/k8s/pod.js';
import type { ServicePort, ServiceSpec } from '../../config/k8s/service.js';
import type { Resource } from '../../config/resource.js';
import { Store } from '../store/store.js';
import { buildNetTable, reconcileEndpoints, targetPortFor, type EndpointSubset } from './endpoints-controller.js';

const webPodSpec: PodSpec = {
  containers: [
    { name: 'sidecar', image: 'proxy', ports: [{ containerPort: 15090, name: 'metrics' }] },
    { name: 'web', image: 'nginx', ports: [{ containerPort: 8080, name: 'http' }] },
  ],
};

function addPod(store: Store, name: string, o: { labels?: Record<string, string>; ip?: string; ready?: boolean; deleting?: boolean; spec?: PodSpec }): void {
  store.put({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'demo',
      labels: o.labels ?? { app: 'web' },
      ...(o.deleting ? { deletionTimestamp: new Date().toISOString() } : {}),
    },
    spec: o.spec ?? webPodSpec,
  });
  if (o.ip) {
    store.setStatus('Pod', 'demo', name, { podIP: o.ip, conditions: [{ type: 'Ready', status: o.ready ? 'True' : 'False' }] });
  }
}

function addService(store: Store, name: string, spec: ServiceSpec, namespace = 'demo'): void {
  store.put({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace, labels: { app: name } }, spec });
}

function subsetsOf(store: Store, name: string): EndpointSubset[] {
  const ep = store.get('Endpoints', 'demo', name);
  assert.ok(ep, `Endpoints ${name}`);
  return ep.subsets as EndpointSubset[];
}

const webService: ServiceSpec = { selector: { app: 'web' }, clusterIP: '127.200.1.5', ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] };

describe('targetPortFor', () => {
  const pod: Resource<PodSpec> = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: webPodSpec };
  const port = (p: Partial<ServicePort>): ServicePort => ({ port: 80, ...p });

  test('a number is used as is; no target port means the service port', () => {
    assert.equal(targetPortFor(port({ targetPort: 9090 }), pod), 9090);
    assert.equal(targetPortFor(port({}), pod), 80);
    assert.equal(targetPortFor(port({ targetPort: '9091' }), pod), 9091);
  });

  test('a name is looked up in every container of the pod', () => {
    assert.equal(targetPortFor(port({ targetPort: 'http' }), pod), 8080);
    assert.equal(targetPortFor(port({ targetPort: 'metrics' }), pod), 15090);
    assert.equal(targetPortFor(port({ targetPort: 'grpc' }), pod), undefined);
  });
});

describe('reconcileEndpoints', () => {
  test('lists ready pods matching the selector, with the named target port resolved', () => {
    const store = new Store();
    addService(store, 'web', webService);
    addPod(store, 'web-1', { ip: '127.200.64.1', ready: true });
    addPod(store, 'web-2', { ip: '127.200.64.2', ready: true });
    addPod(store, 'web-starting', { ip: '127.200.64.3', ready: false });
    addPod(store, 'web-pending', {});
    addPod(store, 'web-leaving', { ip: '127.200.64.4', ready: true, deleting: true });
    addPod(store, 'other', { ip: '127.200.64.5', ready: true, labels: { app: 'other' } });
    reconcileEndpoints(store);
    const subsets = subsetsOf(store, 'web');
    assert.equal(subsets.length, 1);
    const s = subsets[0]!;
    assert.deepEqual(s.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    assert.deepEqual(s.addresses?.map((a) => [a.ip, a.targetRef.name, a.targetRef.kind, a.targetRef.namespace]), [
      ['127.200.64.1', 'web-1', 'Pod', 'demo'],
      ['127.200.64.2', 'web-2', 'Pod', 'demo'],
    ]);
    assert.deepEqual(s.notReadyAddresses?.map((a) => a.ip), ['127.200.64.3']);
    assert.equal(s.addresses![0]!.targetRef.uid, store.get('Pod', 'demo', 'web-1')!.metadata.uid);
    assert.deepEqual(store.get('Endpoints', 'demo', 'web')!.metadata.labels, { app: 'web' });
  });

  test('pods exposing the named port differently fall in separate subsets; pods without it are left out', () => {
    const store = new Store();
    addService(store, 'web', webService);
    addPod(store, 'a', { ip: '127.200.64.1', ready: true });
    addPod(store, 'b', { ip: '127.200.64.2', ready: true, spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 9000, name: 'http' }] }] } });
    addPod(store, 'c', { ip: '127.200.64.3', ready: true, spec: { containers: [{ name: 'web', image: 'nginx' }] } });
    reconcileEndpoints(store);
    const subsets = subsetsOf(store, 'web');
    assert.deepEqual(subsets.map((s) => [s.ports[0]!.port, s.addresses!.map((a) => a.ip)]), [
      [8080, ['127.200.64.1']],
      [9000, ['127.200.64.2']],
    ]);
  });

  test('is a no-op when nothing changed, follows readiness, and drops Endpoints of removed services', () => {
    const store = new Store();
    addService(store, 'web', webService);
    addPod(store, 'a', { ip: '127.200.64.1', ready: false });
    reconcileEndpoints(store);
    const version = store.resourceVersion;
    reconcileEndpoints(store);
    assert.equal(store.resourceVersion, version);
    assert.equal(subsetsOf(store, 'web')[0]!.addresses, undefined);
    store.setStatus('Pod', 'demo', 'a', { podIP: '127.200.64.1', conditions: [{ type: 'Ready', status: 'True' }] });
    reconcileEndpoints(store);
    assert.deepEqual(subsetsOf(store, 'web')[0]!.addresses!.map((a) => a.ip), ['127.200.64.1']);
    store.delete('Service', 'demo', 'web');
    reconcileEndpoints(store);
    assert.equal(store.get('Endpoints', 'demo', 'web'), undefined);
  });

  test('a service without a selector gets no Endpoints but keeps hand-written ones; one with an empty selector gets none listed', () => {
    const store = new Store();
    addService(store, 'manual', { clusterIP: '127.200.1.9', ports: [{ port: 80 }] });
    addService(store, 'written', { clusterIP: '127.200.1.11', ports: [{ port: 80 }] });
    const subsets = [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ port: 8080 }] }];
    store.put({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'written', namespace: 'demo' }, subsets });
    store.put({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'orphan', namespace: 'demo' }, subsets });
    addService(store, 'empty', { selector: {}, clusterIP: '127.200.1.10', ports: [{ port: 80 }] });
    addPod(store, 'a', { ip: '127.200.64.1', ready: true });
    reconcileEndpoints(store);
    assert.equal(store.get('Endpoints', 'demo', 'manual'), undefined);
    assert.deepEqual(subsetsOf(store, 'written'), subsets);
    assert.equal(store.get('Endpoints', 'demo', 'orphan'), undefined, 'Endpoints go with their service');
    assert.deepEqual(subsetsOf(store, 'empty'), []);
  });
});

describe('buildNetTable', () => {
  test('maps the service name to its cluster IP and the cluster IP port to ready endpoints', () => {
    const store = new Store();
    addService(store, 'web', {
      selector: { app: 'web' },
      clusterIP: '127.200.1.5',
      ports: [
        { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' },
        { name: 'metrics', port: 9090, targetPort: 15090, protocol: 'TCP' },
      ],
    });
    addService(store, 'idle', { selector: { app: 'idle' }, clusterIP: '127.200.1.6', ports: [{ port: 80, targetPort: 80 }] });
    addPod(store, 'a', { ip: '127.200.64.1', ready: true });
    addPod(store, 'b', { ip: '127.200.64.2', ready: true });
    addPod(store, 'c', { ip: '127.200.64.3', ready: false });
    reconcileEndpoints(store);
    const table = buildNetTable(store, 7);
    assert.equal(table.version, 7);
    assert.deepEqual(table.names, {
      'idle.demo.svc.cluster.local': ['127.200.1.6'],
      'web.demo.svc.cluster.local': ['127.200.1.5'],
    });
    assert.deepEqual(table.services, {
      '127.200.1.5': {
        '80': ['127.200.64.1:8080', '127.200.64.2:8080'],
        '9090': ['127.200.64.1:15090', '127.200.64.2:15090'],
      },
      '127.200.1.6': { '80': [] },
    });
  });

  test('a headless service maps its name to the ready pod IPs', () => {
    const store = new Store();
    addService(store, 'db', { selector: { app: 'web' }, clusterIP: 'None', ports: [{ port: 5432, targetPort: 8080 }] });
    addPod(store, 'a', { ip: '127.200.64.1', ready: true });
    addPod(store, 'b', { ip: '127.200.64.2', ready: true });
    addPod(store, 'c', { ip: '127.200.64.3', ready: false });
    reconcileEndpoints(store);
    const table = buildNetTable(store, 1);
    assert.deepEqual(table.names['db.demo.svc.cluster.local'], ['127.200.64.1', '127.200.64.2']);
    assert.deepEqual(table.services, {});
  });

  test('services in different namespaces get their own names', () => {
    const store = new Store();
    addService(store, 'web', { ...webService, clusterIP: '127.200.1.1' }, 'a');
    addService(store, 'web', { ...webService, clusterIP: '127.200.1.2' }, 'b');
    const table = buildNetTable(store, 1);
    assert.deepEqual(table.names['web.a.svc.cluster.local'], ['127.200.1.1']);
    assert.deepEqual(table.names['web.b.svc.cluster.local'], ['127.200.1.2']);
  });
});
