import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeploymentSpec } from '../../config/k8s/deployment.js';
import type { Resource } from '../../config/resource.js';
import type { PodResource } from '../kubelet/pod-worker.js';
import { Store } from '../store/store.js';
import { deploymentStatus, isPodReady, ownedBy, reconcileDeployment, TEMPLATE_HASH_LABEL, type DeploymentStatus } from './deployment-controller.js';
import { templateHash } from './template-hash.js';

type Deployment = Resource<DeploymentSpec, DeploymentStatus>;

const identity = (p: PodResource): PodResource => p;

function deploymentSpec(replicas: number, strategy?: DeploymentSpec['strategy']): DeploymentSpec {
  return {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 8080, name: 'http' }] }] },
    },
    ...(strategy ? { strategy } : {}),
  };
}

function putDeployment(store: Store, spec: DeploymentSpec): Deployment {
  return store.put({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'demo' }, spec }) as Deployment;
}

function current(store: Store): Deployment {
  return store.get('Deployment', 'demo', 'web') as Deployment;
}

function reconcile(store: Store): void {
  reconcileDeployment(store, current(store), identity);
}

function pods(store: Store): PodResource[] {
  return store.list({ kind: 'Pod', namespace: 'demo' }) as PodResource[];
}

function live(store: Store): PodResource[] {
  return pods(store).filter((p) => !p.metadata.deletionTimestamp);
}

let nextIP = 1;
function markReady(store: Store, p: PodResource): void {
  store.setStatus('Pod', 'demo', p.metadata.name, { podIP: `127.200.64.${nextIP++}`, conditions: [{ type: 'Ready', status: 'True' }] });
}

/** What the kubelet does once a terminating pod's processes are gone. */
function removeTerminated(store: Store): void {
  for (const p of pods(store)) if (p.metadata.deletionTimestamp) store.delete('Pod', 'demo', p.metadata.name);
}

function restart(store: Store): void {
  store.update('Deployment', 'demo', 'web', (r) => {
    const spec = r.spec as DeploymentSpec;
    spec.template.metadata ??= {};
    spec.template.metadata.annotations = { 'kubectl.kubernetes.io/restartedAt': '2024-01-01T00:00:00Z' };
  });
}

describe('reconcileDeployment', () => {
  test('creates as many pods as replicas, named and labelled by template hash', () => {
    const store = new Store();
    const d = putDeployment(store, deploymentSpec(3));
    reconcile(store);
    const ps = pods(store);
    assert.equal(ps.length, 3);
    const hash = templateHash(d.spec!.template);
    assert.match(hash, /^[a-z0-9]{10}$/);
    for (const p of ps) {
      assert.match(p.metadata.name, new RegExp(`^web-${hash}-[a-z0-9]{5}$`));
      assert.equal(p.metadata.labels?.[TEMPLATE_HASH_LABEL], hash);
      assert.equal(p.metadata.labels?.app, 'web');
      assert.equal(p.metadata.namespace, 'demo');
      assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `web-${hash}`, uid: d.metadata.uid, controller: true }]);
      assert.ok(ownedBy(p, 'web'));
      assert.ok(!ownedBy(p, 'we'));
      assert.deepEqual(p.spec, d.spec!.template.spec);
    }
    assert.equal(new Set(ps.map((p) => p.metadata.name)).size, 3);
    // A second pass with nothing changed does nothing.
    const version = store.resourceVersion;
    reconcile(store);
    assert.equal(store.resourceVersion, version);
  });

  test('the mutation hook sees every pod before it is stored', () => {
    const store = new Store();
    putDeployment(store, deploymentSpec(2));
    reconcileDeployment(store, current(store), (p) => ({ ...p, metadata: { ...p.metadata, annotations: { injected: 'true' } } }));
    assert.deepEqual(pods(store).map((p) => p.metadata.annotations), [{ injected: 'true' }, { injected: 'true' }]);
  });

  test('pods of another deployment with a similar name are not counted', () => {
    const store = new Store();
    putDeployment(store, deploymentSpec(1));
    store.put({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web-v2', namespace: 'demo' }, spec: deploymentSpec(2) });
    reconcileDeployment(store, store.get('Deployment', 'demo', 'web-v2') as Deployment, identity);
    reconcile(store);
    assert.equal(pods(store).filter((p) => ownedBy(p, 'web')).length, 1);
    assert.equal(pods(store).filter((p) => ownedBy(p, 'web-v2')).length, 2);
    assert.equal(pods(store).length, 3);
  });

  test('scaling down marks the extra pods for deletion, not-ready ones first', () => {
    const store = new Store();
    putDeployment(store, deploymentSpec(3));
    reconcile(store);
    const ready = pods(store)[1]!;
    markReady(store, ready);
    store.update('Deployment', 'demo', 'web', (r) => {
      (r.spec as DeploymentSpec).replicas = 1;
    });
    reconcile(store);
    const left = live(store);
    assert.deepEqual(left.map((p) => p.metadata.name), [ready.metadata.name]);
    const gone = pods(store).filter((p) => p.metadata.deletionTimestamp);
    assert.equal(gone.length, 2);
    for (const p of gone) assert.ok(!Number.isNaN(Date.parse(p.metadata.deletionTimestamp!)));
    // Terminating pods are not replaced.
    reconcile(store);
    assert.equal(live(store).length, 1);
  });

  test('scaling up adds pods; scaling to zero removes them all', () => {
    const store = new Store();
    putDeployment(store, deploymentSpec(1));
    reconcile(store);
    store.update('Deployment', 'demo', 'web', (r) => {
      (r.spec as DeploymentSpec).replicas = 4;
    });
    reconcile(store);
    assert.equal(live(store).length, 4);
    store.update('Deployment', 'demo', 'web', (r) => {
      (r.spec as DeploymentSpec).replicas = 0;
    });
    reconcile(store);
    assert.equal(live(store).length, 0);
  });

  test('a rollout restart keeps the ready pod until its replacement is Ready', () => {
    const store = new Store();
    putDeployment(store, deploymentSpec(1));
    reconcile(store);
    const [old] = pods(store);
    markReady(store, old!);
    const oldHash = old!.metadata.labels![TEMPLATE_HASH_LABEL];

    restart(store);
    const d = current(store);
    const newHash = templateHash(d.spec!.template);
    assert.notEqual(newHash, oldHash);
    reconcile(store);
    const during = live(store);
    assert.equal(during.length, 2, 'one surge pod next to the old one');
    const fresh = during.find((p) => p.metadata.labels?.[TEMPLATE_HASH_LABEL] === newHash)!;
    assert.ok(fresh);
    assert.deepEqual(fresh.metadata.annotations, d.spec!.template.metadata!.annotations);
    assert.equal(store.get('Pod', 'demo', old!.metadata.name)!.metadata.deletionTimestamp, undefined);

    // Nothing more happens while the new pod is not ready.
    reconcile(store);
    assert.equal(live(store).length, 2);
    const status = deploymentStatus(store, current(store));
    assert.equal(status.replicas, 2);
    assert.equal(status.updatedReplicas, 1);
    assert.equal(status.readyReplicas, 1);
    assert.equal(status.conditions[1]!.reason, 'ReplicaSetUpdated');

    markReady(store, fresh);
    reconcile(store);
    assert.ok(store.get('Pod', 'demo', old!.metadata.name)!.metadata.deletionTimestamp, 'old pod marked for deletion');
    assert.deepEqual(live(store).map((p) => p.metadata.name), [fresh.metadata.name]);
    const done = deploymentStatus(store, current(store));
    assert.equal(done.replicas, 1);
    assert.equal(done.updatedReplicas, 1);
    assert.equal(done.readyReplicas, 1);
    assert.equal(done.conditions[1]!.reason, 'NewReplicaSetAvailable');
  });

  test('not-ready old pods are replaced at once', () => {
    const store = new Store();
    putDeployment(store, deploymentSpec(2));
    reconcile(store);
    const old = pods(store).map((p) => p.metadata.name);
    restart(store);
    reconcile(store);
    for (const name of old) assert.ok(store.get('Pod', 'demo', name)!.metadata.deletionTimestamp, name);
    assert.equal(live(store).length, 2);
  });

  test('Recreate removes every old pod, even ready ones', () => {
    const store = new Store();
    putDeployment(store, deploymentSpec(2, { type: 'Recreate' }));
    reconcile(store);
    for (const p of pods(store)) markReady(store, p);
    const old = pods(store).map((p) => p.metadata.name);
    restart(store);
    reconcile(store);
    for (const name of old) assert.ok(store.get('Pod', 'demo', name)!.metadata.deletionTimestamp, name);
    removeTerminated(store);
    reconcile(store);
    const now = live(store);
    assert.equal(now.length, 2);
    for (const p of now) assert.ok(!old.includes(p.metadata.name));
  });

  test('Recreate creates new pods only once the old ones are gone', () => {
    const store = new Store();
    putDeployment(store, deploymentSpec(2, { type: 'Recreate' }));
    reconcile(store);
    for (const p of pods(store)) markReady(store, p);
    restart(store);
    reconcile(store);
    assert.equal(live(store).length, 0, 'no new pod while the old ones terminate');
    removeTerminated(store);
    reconcile(store);
    assert.equal(live(store).length, 2);
  });

  test('maxUnavailable lets several ready old pods go at once', () => {
    const store = new Store();
    putDeployment(store, deploymentSpec(4, { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 2 } }));
    reconcile(store);
    for (const p of pods(store)) markReady(store, p);
    restart(store);
    reconcile(store);
    assert.equal(pods(store).filter((p) => p.metadata.deletionTimestamp).length, 2);
    assert.equal(live(store).length, 4);
  });
});

describe('deploymentStatus', () => {
  test('counts ready pods and reports availability', () => {
    const store = new Store();
    putDeployment(store, deploymentSpec(2));
    reconcile(store);
    let s = deploymentStatus(store, current(store));
    assert.equal(s.replicas, 2);
    assert.equal(s.readyReplicas, 0);
    assert.equal(s.unavailableReplicas, 2);
    assert.equal(s.observedGeneration, 1);
    assert.equal(s.conditions[0]!.type, 'Available');
    assert.equal(s.conditions[0]!.status, 'False');
    for (const p of pods(store)) markReady(store, p);
    s = deploymentStatus(store, current(store));
    assert.equal(s.readyReplicas, 2);
    assert.equal(s.availableReplicas, 2);
    assert.equal(s.unavailableReplicas, undefined);
    assert.deepEqual(s.conditions.map((c) => [c.type, c.status, c.reason]), [
      ['Available', 'True', 'MinimumReplicasAvailable'],
      ['Progressing', 'True', 'NewReplicaSetAvailable'],
    ]);
  });

  test('isPodReady needs the Ready condition and no deletion mark', () => {
    const base: PodResource = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'demo' } };
    const ready = { ...base, status: { conditions: [{ type: 'Ready', status: 'True' }] } } as PodResource;
    assert.equal(isPodReady(base), false);
    assert.equal(isPodReady(ready), true);
    assert.equal(isPodReady({ ...ready, metadata: { ...ready.metadata, deletionTimestamp: new Date().toISOString() } }), false);
    assert.equal(isPodReady({ ...base, status: { conditions: [{ type: 'Ready', status: 'False' }] } } as PodResource), false);
  });
});
