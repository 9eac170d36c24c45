// StatefulSets own pods NAME-0..N-1. With the default OrderedReady policy a pod is created only when
// every lower one is ready, and scaling down removes the highest first, one at a time; names are
// stable, so a deleted pod comes back under the same name once the old one is gone.

import type { StatefulSetSpec } from '../../config/k8s/workloads.js';
import type { Resource } from '../../config/resource.js';
import type { PodResource } from '../kubelet/pod-worker.js';
import type { Store } from '../store/store.js';
import { isPodReady, type PodMutator } from './deployment-controller.js';
import { createPodFrom, markPodDeleted, podsOf } from './pod-from-template.js';
import { templateHash } from './template-hash.js';

export const REVISION_LABEL = 'controller-revision-hash';

export interface StatefulSetStatus {
  observedGeneration: number;
  replicas: number;
  readyReplicas: number;
  currentReplicas: number;
  updatedReplicas: number;
  availableReplicas: number;
}

export type StatefulSet = Resource<StatefulSetSpec, StatefulSetStatus>;

function ordinalOf(s: StatefulSet, p: PodResource): number {
  const rest = p.metadata.name.slice(s.metadata.name.length + 1);
  // Only the canonical spelling: "db-01" is not ordinal 1, so it cannot shadow "db-1".
  return /^(0|[1-9]\d*)$/.test(rest) ? Number(rest) : -1;
}

export function reconcileStatefulSet(store: Store, s: StatefulSet, mutate: PodMutator): void {
  const spec = s.spec!;
  const desired = spec.replicas ?? 1;
  const parallel = spec.podManagementPolicy === 'Parallel';
  const revision = `${s.metadata.name}-${templateHash(spec.template)}`;
  const owned = podsOf(store, s);
  // A pod it owns under a name without an ordinal is not one of its replicas.
  for (const p of owned) if (ordinalOf(s, p) < 0 && !p.metadata.deletionTimestamp) markPodDeleted(store, p);
  const byOrdinal = new Map(owned.filter((p) => ordinalOf(s, p) >= 0).map((p) => [ordinalOf(s, p), p]));

  // Scale down: highest ordinal first; in order only once the ones above are gone.
  const extra = [...byOrdinal.entries()].filter(([i]) => i >= desired).sort(([a], [b]) => b - a);
  for (const [, p] of extra) {
    if (!p.metadata.deletionTimestamp) markPodDeleted(store, p);
    if (!parallel) return;
  }

  for (let i = 0; i < desired; i++) {
    const p = byOrdinal.get(i);
    if (!p) {
      // A deleted pod's name is free only once the kubelet has removed it.
      if (store.get('Pod', s.metadata.namespace, `${s.metadata.name}-${i}`)) {
        if (!parallel) return;
        continue;
      }
      createPodFrom(store, s, spec.template, `${s.metadata.name}-${i}`, {
        [REVISION_LABEL]: revision,
        'statefulset.kubernetes.io/pod-name': `${s.metadata.name}-${i}`,
        'apps.kubernetes.io/pod-index': String(i),
      }, mutate, { hostname: `${s.metadata.name}-${i}`, ...(spec.serviceName ? { subdomain: spec.serviceName } : {}) });
      if (!parallel) return;
      continue;
    }
    if (p.metadata.deletionTimestamp) {
      if (!parallel) return;
      continue;
    }
    // A changed template replaces pods from the highest ordinal down, each once the others are ready.
    if (!parallel && !isPodReady(p)) return;
  }
  if (byOrdinal.size !== desired) return;
  const stale = [...byOrdinal.entries()].filter(([, p]) => p.metadata.labels?.[REVISION_LABEL] !== revision).sort(([a], [b]) => b - a)[0];
  if (stale && [...byOrdinal.values()].every((p) => isPodReady(p) && !p.metadata.deletionTimestamp)) markPodDeleted(store, stale[1]);
}

export function statefulSetStatus(store: Store, s: StatefulSet): StatefulSetStatus {
  const revision = `${s.metadata.name}-${templateHash(s.spec!.template)}`;
  const pods = podsOf(store, s).filter((p) => !p.metadata.deletionTimestamp);
  const ready = pods.filter(isPodReady).length;
  const updated = pods.filter((p) => p.metadata.labels?.[REVISION_LABEL] === revision).length;
  return { observedGeneration: s.metadata.generation ?? 1, replicas: pods.length, readyReplicas: ready, currentReplicas: updated, updatedReplicas: updated, availableReplicas: ready };
}
