import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StatefulSetSpec } from '../../config/k8s/workloads.js';
import type { PodResource } from '../kubelet/pod-worker.js';
import { Store } from '../store/store.js';
import { reconcileStatefulSet, statefulSetStatus, type StatefulSet } from './statefulset-controller.js';

const identity = (p: PodResource): PodResource => p;

function spec(replicas: number, extra: Partial<StatefulSetSpec> = {}): StatefulSetSpec {
  return {
    replicas,
    serviceName: 'db',
    selector: { matchLabels: { app: 'db' } },
    template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'redis' }] } },
    ...extra,
  };
}

function setup(s: StatefulSetSpec): Store {
  const store = new Store();
  store.put({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'demo' }, spec: s });
  return store;
}

const current = (store: Store) => store.get('StatefulSet', 'demo', 'db') as StatefulSet;
const reconcile = (store: Store) => reconcileStatefulSet(store, current(store), identity);
const names = (store: Store) => (store.list({ kind: 'Pod', namespace: 'demo' }) as PodResource[]).filter((p) => !p.metadata.deletionTimestamp).map((p) => p.metadata.name).sort();
const ready = (store: Store, name: string) => store.setStatus('Pod', 'demo', name, { conditions: [{ type: 'Ready', status: 'True' }] });

test('pods come one at a time, each once the one before is ready', () => {
  const store = setup(spec(3));
  reconcile(store);
  reconcile(store);
  assert.deepEqual(names(store), ['db-0']);
  const pod = store.get('Pod', 'demo', 'db-0') as PodResource;
  assert.equal(pod.metadata.labels?.['statefulset.kubernetes.io/pod-name'], 'db-0');
  assert.equal(pod.metadata.labels?.app, 'db');
  assert.equal(pod.spec!.hostname, 'db-0');
  assert.equal(pod.spec!.subdomain, 'db');
  assert.deepEqual(pod.metadata.ownerReferences?.map((o) => [o.kind, o.name]), [['StatefulSet', 'db']]);
  ready(store, 'db-0');
  reconcile(store);
  assert.deepEqual(names(store), ['db-0', 'db-1']);
  ready(store, 'db-1');
  reconcile(store);
  ready(store, 'db-2');
  reconcile(store);
  assert.deepEqual(names(store), ['db-0', 'db-1', 'db-2']);
  assert.equal(statefulSetStatus(store, current(store)).readyReplicas, 3);
});

test('a deleted pod returns under the same name once the old one is gone', () => {
  const store = setup(spec(2, { podManagementPolicy: 'Parallel' }));
  reconcile(store);
  assert.deepEqual(names(store), ['db-0', 'db-1']);
  store.update('Pod', 'demo', 'db-1', (p) => void (p.metadata.deletionTimestamp = new Date().toISOString()));
  reconcile(store);
  assert.deepEqual(names(store), ['db-0'], 'not while the old db-1 terminates');
  store.delete('Pod', 'demo', 'db-1');
  reconcile(store);
  assert.deepEqual(names(store), ['db-0', 'db-1']);
});

test('scaling down removes the highest ordinal first, one at a time', () => {
  const store = setup(spec(3, { podManagementPolicy: 'Parallel' }));
  reconcile(store);
  for (const n of names(store)) ready(store, n);
  store.update('StatefulSet', 'demo', 'db', (s) => void ((s.spec as StatefulSetSpec).podManagementPolicy = 'OrderedReady'));
  store.update('StatefulSet', 'demo', 'db', (s) => void ((s.spec as StatefulSetSpec).replicas = 1));
  reconcile(store);
  assert.deepEqual(names(store), ['db-0', 'db-1']);
  store.delete('Pod', 'demo', 'db-2');
  reconcile(store);
  assert.deepEqual(names(store), ['db-0']);
});

test('a changed template replaces the pods from the highest ordinal down', () => {
  const store = setup(spec(2, { podManagementPolicy: 'Parallel' }));
  reconcile(store);
  for (const n of names(store)) ready(store, n);
  store.update('StatefulSet', 'demo', 'db', (s) => void ((s.spec as StatefulSetSpec).template.spec.containers[0]!.image = 'redis:7'));
  reconcile(store);
  const terminating = (store.list({ kind: 'Pod', namespace: 'demo' }) as PodResource[]).filter((p) => p.metadata.deletionTimestamp).map((p) => p.metadata.name);
  assert.deepEqual(terminating, ['db-1']);
});

test('pods of a StatefulSet recreated under the same name are not adopted', () => {
  const store = setup(spec(1));
  reconcile(store);
  store.delete('StatefulSet', 'demo', 'db');
  store.put({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'demo' }, spec: spec(1) });
  assert.notEqual(current(store).metadata.uid, (store.get('Pod', 'demo', 'db-0') as PodResource).metadata.ownerReferences![0]!.uid);
  reconcile(store);
  assert.equal(statefulSetStatus(store, current(store)).replicas, 0, 'the old db-0 must go first');
});
