import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JobSpec } from '../../config/k8s/workloads.js';
import type { PodResource } from '../kubelet/pod-worker.js';
import { Store } from '../store/store.js';
import { jobStatus, reconcileJob, type Job } from './job-controller.js';

const identity = (p: PodResource): PodResource => p;

function setup(extra: Partial<JobSpec> = {}, restartPolicy: 'Never' | 'OnFailure' = 'Never'): Store {
  const store = new Store();
  const spec: JobSpec = { template: { spec: { restartPolicy, containers: [{ name: 'task', image: 'busybox' }] } }, ...extra };
  store.put({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate', namespace: 'demo' }, spec });
  return store;
}

const current = (store: Store) => store.get('Job', 'demo', 'migrate') as Job;
const pods = (store: Store) => store.list({ kind: 'Pod', namespace: 'demo' }) as PodResource[];
const active = (store: Store) => pods(store).filter((p) => !p.metadata.deletionTimestamp && !['Succeeded', 'Failed'].includes(p.status?.phase ?? ''));

/** One controller pass and the status write the reconciler does after it. */
function pass(store: Store): Job {
  reconcileJob(store, current(store), identity);
  store.setStatus('Job', 'demo', 'migrate', jobStatus(store, current(store)));
  return current(store);
}

function finish(store: Store, phase: 'Succeeded' | 'Failed', restartCount = 0): void {
  for (const p of active(store)) store.setStatus('Pod', 'demo', p.metadata.name, { phase, containerStatuses: [{ name: 'task', restartCount }] });
}

test('a pod runs to completion and the Job is Complete', () => {
  const store = setup();
  let j = pass(store);
  pass(store);
  assert.equal(pods(store).length, 1);
  const pod = pods(store)[0]!;
  assert.equal(pod.metadata.labels?.['job-name'], 'migrate');
  assert.deepEqual(pod.metadata.ownerReferences?.map((o) => [o.kind, o.name, o.uid]), [['Job', 'migrate', j.metadata.uid]]);
  assert.equal(j.status?.active, 1);
  finish(store, 'Succeeded');
  j = pass(store);
  assert.equal(pods(store).length, 1, 'no pod after success');
  assert.deepEqual([j.status?.succeeded, j.status?.active, j.status?.conditions?.[0]?.type], [1, 0, 'Complete']);
  assert.ok(j.status?.completionTime);
  const again = pass(store);
  assert.equal(again.status?.completionTime, j.status?.completionTime, 'a finished Job keeps its completion time');
});

test('failed pods are replaced up to backoffLimit, then the Job is Failed', () => {
  const store = setup({ backoffLimit: 2 });
  let j = pass(store);
  for (let i = 0; i < 3; i++) {
    assert.equal(active(store).length, 1, `attempt ${i + 1}`);
    finish(store, 'Failed');
    j = pass(store);
  }
  assert.equal(pods(store).length, 3);
  assert.equal(active(store).length, 0);
  assert.deepEqual([j.status?.failed, j.status?.conditions?.[0]?.type, j.status?.conditions?.[0]?.reason], [3, 'Failed', 'BackoffLimitExceeded']);
});

test('with OnFailure, container restarts count against backoffLimit and the running pod is stopped', () => {
  const store = setup({ backoffLimit: 1 }, 'OnFailure');
  pass(store);
  const [p] = active(store);
  store.setStatus('Pod', 'demo', p!.metadata.name, { phase: 'Running', containerStatuses: [{ name: 'task', restartCount: 2 }] });
  const j = pass(store);
  assert.equal(j.status?.conditions?.[0]?.type, 'Failed');
  pass(store);
  assert.ok(store.get('Pod', 'demo', p!.metadata.name)?.metadata.deletionTimestamp);
});

test('completions run pods until that many have succeeded, parallelism at a time', () => {
  const store = setup({ completions: 3, parallelism: 2 });
  pass(store);
  assert.equal(active(store).length, 2);
  finish(store, 'Succeeded');
  pass(store);
  assert.equal(active(store).length, 1, 'one completion left');
  finish(store, 'Succeeded');
  const j = pass(store);
  assert.deepEqual([j.status?.succeeded, j.status?.conditions?.[0]?.type], [3, 'Complete']);
});
