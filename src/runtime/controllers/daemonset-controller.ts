// DaemonSets run one pod per node; Weft is one node, so one pod, replaced when the template changes.

import type { DaemonSetSpec } from '../../config/k8s/workloads.js';
import type { Resource } from '../../config/resource.js';
import type { Store } from '../store/store.js';
import { isPodReady, type PodMutator } from './deployment-controller.js';
import { createPodFrom, markPodDeleted, podsOf } from './pod-from-template.js';
import { REVISION_LABEL } from './statefulset-controller.js';
import { randomSuffix, templateHash } from './template-hash.js';

export interface DaemonSetStatus {
  observedGeneration: number;
  desiredNumberScheduled: number;
  currentNumberScheduled: number;
  numberReady: number;
  updatedNumberScheduled: number;
  numberAvailable: number;
  numberMisscheduled: number;
}

export type DaemonSet = Resource<DaemonSetSpec, DaemonSetStatus>;

export function reconcileDaemonSet(store: Store, d: DaemonSet, mutate: PodMutator): void {
  const hash = templateHash(d.spec!.template);
  const live = podsOf(store, d).filter((p) => !p.metadata.deletionTimestamp);
  const current = live.filter((p) => p.metadata.labels?.[REVISION_LABEL] === hash);
  // One node: the old pod goes first, then the new one comes (updateStrategy's default maxSurge 0).
  for (const p of live) if (p !== current[0]) markPodDeleted(store, p);
  if (current.length === 0 && podsOf(store, d).length === 0) {
    let name = `${d.metadata.name}-${randomSuffix()}`;
    while (store.get('Pod', d.metadata.namespace, name)) name = `${d.metadata.name}-${randomSuffix()}`;
    createPodFrom(store, d, d.spec!.template, name, { [REVISION_LABEL]: hash, 'pod-template-generation': String(d.metadata.generation ?? 1) }, mutate);
  }
}

export function daemonSetStatus(store: Store, d: DaemonSet): DaemonSetStatus {
  const hash = templateHash(d.spec!.template);
  const pods = podsOf(store, d).filter((p) => !p.metadata.deletionTimestamp);
  const ready = pods.filter(isPodReady).length;
  return {
    observedGeneration: d.metadata.generation ?? 1,
    desiredNumberScheduled: 1,
    currentNumberScheduled: pods.length,
    numberReady: ready,
    updatedNumberScheduled: pods.filter((p) => p.metadata.labels?.[REVISION_LABEL] === hash).length,
    numberAvailable: ready,
    numberMisscheduled: 0,
  };
}
