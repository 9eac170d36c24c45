// Deployments own pods through a pod-template hash; a changed template (or `rollout restart`) rolls
// pods over: new ones first, old ones removed as new ones turn ready, within maxSurge/maxUnavailable.

import type { DeploymentSpec } from '../../config/k8s/deployment.js';
import type { Resource } from '../../config/resource.js';
import type { Store } from '../store/store.js';
import type { PodResource } from '../kubelet/pod-worker.js';
import { randomSuffix, templateHash } from './template-hash.js';
import { createPodFrom, markPodDeleted } from './pod-from-template.js';

export const TEMPLATE_HASH_LABEL = 'pod-template-hash';

export interface DeploymentStatus {
  observedGeneration: number;
  replicas: number;
  updatedReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
  unavailableReplicas?: number;
  conditions: Array<{ type: string; status: string; reason: string; message: string }>;
}

type Deployment = Resource<DeploymentSpec, DeploymentStatus>;

/** Hook that may change a pod before it is stored (sidecar injection). */
export type PodMutator = (pod: PodResource) => PodResource;

export function isPodReady(p: PodResource): boolean {
  return !p.metadata.deletionTimestamp && (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

export function ownedBy(pod: Resource, deployName: string): boolean {
  return (pod.metadata.ownerReferences ?? []).some((o) => o.kind === 'ReplicaSet' && o.name.startsWith(`${deployName}-`) && o.name.slice(deployName.length + 1) === pod.metadata.labels?.[TEMPLATE_HASH_LABEL]);
}

function percentOf(value: number | string | undefined, total: number, fallback: string, roundUp: boolean): number {
  const v = value ?? fallback;
  if (typeof v === 'number') return v;
  const pct = Number(v.replace('%', '')) / 100;
  return roundUp ? Math.ceil(total * pct) : Math.floor(total * pct);
}

export function reconcileDeployment(store: Store, d: Deployment, mutate: PodMutator): void {
  const ns = d.metadata.namespace!;
  const spec = d.spec!;
  const desired = spec.replicas ?? 1;
  const hash = templateHash(spec.template);
  const pods = (store.list({ kind: 'Pod', namespace: ns }) as PodResource[]).filter((p) => ownedBy(p, d.metadata.name));
  const live = pods.filter((p) => !p.metadata.deletionTimestamp);
  const current = live.filter((p) => p.metadata.labels?.[TEMPLATE_HASH_LABEL] === hash);
  const old = live.filter((p) => p.metadata.labels?.[TEMPLATE_HASH_LABEL] !== hash);
  const recreate = spec.strategy?.type === 'Recreate';
  const maxSurge = recreate ? 0 : Math.max(percentOf(spec.strategy?.rollingUpdate?.maxSurge, desired, '25%', true), 0);
  let maxUnavailable = recreate ? desired : percentOf(spec.strategy?.rollingUpdate?.maxUnavailable, desired, '25%', false);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;

  // Too many current pods: remove the least useful first (not ready, then newest).
  if (current.length > desired) {
    const extra = [...current].sort((a, b) => Number(isPodReady(a)) - Number(isPodReady(b)) || (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''));
    for (const p of extra.slice(0, current.length - desired)) markPodDeleted(store, p);
  }

  const readyTotal = live.filter(isPodReady).length;
  const minAvailable = desired - maxUnavailable;

  // Old pods go: the not-ready ones at once, ready ones while enough stay available.
  let available = readyTotal;
  const oldSorted = [...old].sort((a, b) => Number(isPodReady(a)) - Number(isPodReady(b)));
  let remainingOld = old.length;
  for (const p of oldSorted) {
    const ready = isPodReady(p);
    if (recreate || !ready || available - 1 >= minAvailable) {
      markPodDeleted(store, p);
      remainingOld--;
      if (ready) available--;
    }
  }
  // Recreate: new pods only once every old one is gone, not merely marked for deletion.
  if (recreate && pods.some((p) => p.metadata.labels?.[TEMPLATE_HASH_LABEL] !== hash)) return;

  // New pods come, up to desired and within the surge allowance.
  let total = current.length + remainingOld;
  let n = current.length;
  while (n < desired && total < desired + maxSurge) {
    createPod(store, d, hash, mutate);
    n++;
    total++;
  }
}

function createPod(store: Store, d: Deployment, hash: string, mutate: PodMutator): void {
  const t = d.spec!.template;
  const rsName = `${d.metadata.name}-${hash}`;
  let name = `${rsName}-${randomSuffix()}`;
  while (store.get('Pod', d.metadata.namespace, name)) name = `${rsName}-${randomSuffix()}`;
  createPodFrom(store, d, t, name, { [TEMPLATE_HASH_LABEL]: hash }, mutate, {}, { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rsName, uid: d.metadata.uid ?? '' });
}

export function deploymentStatus(store: Store, d: Deployment): DeploymentStatus {
  const hash = templateHash(d.spec!.template);
  const pods = (store.list({ kind: 'Pod', namespace: d.metadata.namespace }) as PodResource[]).filter((p) => ownedBy(p, d.metadata.name) && !p.metadata.deletionTimestamp);
  const ready = pods.filter(isPodReady).length;
  const desired = d.spec!.replicas ?? 1;
  const updated = pods.filter((p) => p.metadata.labels?.[TEMPLATE_HASH_LABEL] === hash).length;
  const available = ready;
  const complete = updated === desired && pods.length === desired && ready === desired;
  return {
    observedGeneration: d.metadata.generation ?? 1,
    replicas: pods.length,
    updatedReplicas: updated,
    readyReplicas: ready,
    availableReplicas: available,
    ...(desired - available > 0 ? { unavailableReplicas: desired - available } : {}),
    conditions: [
      available >= desired
        ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }
        : { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' },
      complete
        ? { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${d.metadata.name}-${hash}" has successfully progressed.` }
        : { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${d.metadata.name}-${hash}" is progressing.` },
    ],
  };
}
