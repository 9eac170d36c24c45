import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DaemonSetSpec } from '../../config/k8s/workloads.js';
import type { PodResource } from '../kubelet/pod-worker.js';
import { Store } from '../store/store.js';
import { daemonSetStatus, reconcileDaemonSet, type DaemonSet } from './daemonset-controller.js';

const identity = (p: PodResource): PodResource => p;

const spec: DaemonSetSpec = {
  selector: { matchLabels: { app: 'agent' } },
  template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image: 'busybox' }] } },
};

const current = (store: Store) => store.get('DaemonSet', 'demo', 'agent') as DaemonSet;
const pods = (store: Store) => store.list({ kind: 'Pod', namespace: 'demo' }) as PodResource[];

test('one pod on the one node, replaced when the template changes', () => {
  const store = new Store();
  store.put({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'demo' }, spec: structuredClone(spec) });
  reconcileDaemonSet(store, current(store), identity);
  reconcileDaemonSet(store, current(store), identity);
  assert.equal(pods(store).length, 1);
  const first = pods(store)[0]!;
  assert.match(first.metadata.name, /^agent-[a-z0-9]{5}$/);
  assert.equal(first.metadata.labels?.app, 'agent');
  store.setStatus('Pod', 'demo', first.metadata.name, { conditions: [{ type: 'Ready', status: 'True' }] });
  assert.deepEqual([daemonSetStatus(store, current(store)).desiredNumberScheduled, daemonSetStatus(store, current(store)).numberReady], [1, 1]);

  store.update('DaemonSet', 'demo', 'agent', (d) => void ((d.spec as DaemonSetSpec).template.spec.containers[0]!.image = 'busybox:1.36'));
  reconcileDaemonSet(store, current(store), identity);
  assert.ok(store.get('Pod', 'demo', first.metadata.name)?.metadata.deletionTimestamp, 'the old pod terminates first');
  assert.equal(pods(store).length, 1);
  store.delete('Pod', 'demo', first.metadata.name);
  reconcileDaemonSet(store, current(store), identity);
  assert.equal(pods(store).length, 1);
  assert.notEqual(pods(store)[0]!.metadata.name, first.metadata.name);
  assert.equal(pods(store)[0]!.spec!.containers[0]!.image, 'busybox:1.36');
});
