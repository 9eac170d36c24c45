// Jobs run pods to completion: one at a time until `completions` (1) have succeeded, a failed pod
// replaced until more than `backoffLimit` (6) have failed, then the Job is Failed. Finished pods stay,
// as Kubernetes keeps them, for their logs.

import type { JobSpec } from '../../config/k8s/workloads.js';
import type { Resource } from '../../config/resource.js';
import type { PodResource } from '../kubelet/pod-worker.js';
import type { Store } from '../store/store.js';
import type { PodMutator } from './deployment-controller.js';
import { createPodFrom, markPodDeleted, podsOf } from './pod-from-template.js';
import { randomSuffix } from './template-hash.js';

export interface JobCondition {
  type: 'Complete' | 'Failed';
  status: 'True';
  reason?: string;
  message?: string;
  lastProbeTime: string;
  lastTransitionTime: string;
}

export interface JobStatus {
  startTime?: string;
  completionTime?: string;
  active: number;
  succeeded: number;
  failed: number;
  ready?: number;
  conditions?: JobCondition[];
}

export type Job = Resource<JobSpec, JobStatus>;

const DEFAULT_BACKOFF_LIMIT = 6;

function counts(pods: PodResource[], spec: JobSpec): { active: PodResource[]; succeeded: number; failed: number } {
  const active = pods.filter((p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
  let failed = pods.filter((p) => p.status?.phase === 'Failed').length;
  // With OnFailure the kubelet restarts the container in place: Kubernetes counts those restarts as failures.
  if (spec.template.spec.restartPolicy === 'OnFailure') {
    // Terminating ones too: the Job's own stop of a pod must not take back the failures that caused it.
    const unfinished = pods.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
    for (const p of unfinished) for (const c of p.status?.containerStatuses ?? []) failed += c.restartCount;
  }
  return { active, succeeded: pods.filter((p) => p.status?.phase === 'Succeeded').length, failed };
}

function finished(j: Job): JobCondition | undefined {
  return j.status?.conditions?.find((c) => c.status === 'True' && (c.type === 'Complete' || c.type === 'Failed'));
}

export function reconcileJob(store: Store, j: Job, mutate: PodMutator): void {
  const pods = podsOf(store, j);
  const spec = j.spec!;
  const { active, succeeded, failed } = counts(pods, spec);
  if (finished(j) || failed > (spec.backoffLimit ?? DEFAULT_BACKOFF_LIMIT)) {
    // A failed Job stops what still runs; a complete one has nothing running.
    for (const p of active) markPodDeleted(store, p);
    return;
  }
  const completions = spec.completions ?? 1;
  const parallelism = Math.min(spec.parallelism ?? 1, Math.max(completions - succeeded, 0));
  for (let n = active.length; n < parallelism; n++) {
    let name = `${j.metadata.name}-${randomSuffix()}`;
    while (store.get('Pod', j.metadata.namespace, name)) name = `${j.metadata.name}-${randomSuffix()}`;
    const uid = j.metadata.uid ?? '';
    createPodFrom(store, j, spec.template, name, { 'batch.kubernetes.io/job-name': j.metadata.name, 'job-name': j.metadata.name, 'batch.kubernetes.io/controller-uid': uid, 'controller-uid': uid }, mutate);
  }
}

/** The Job's status; a finished Job keeps its condition and completion time. */
export function jobStatus(store: Store, j: Job, now = new Date()): JobStatus {
  const pods = podsOf(store, j);
  const spec = j.spec!;
  const { active, succeeded, failed } = counts(pods, spec);
  const at = now.toISOString();
  const prev = j.status;
  const status: JobStatus = {
    startTime: prev?.startTime ?? at,
    active: finished(j) ? 0 : active.length,
    succeeded,
    failed,
    ready: active.filter((p) => (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')).length,
  };
  const done = finished(j);
  if (done) return { ...status, ...(prev?.completionTime ? { completionTime: prev.completionTime } : {}), conditions: prev!.conditions! };
  if (succeeded >= (spec.completions ?? 1)) {
    return { ...status, active: 0, completionTime: at, conditions: [{ type: 'Complete', status: 'True', lastProbeTime: at, lastTransitionTime: at }] };
  }
  if (failed > (spec.backoffLimit ?? DEFAULT_BACKOFF_LIMIT)) {
    return { ...status, active: 0, conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', lastProbeTime: at, lastTransitionTime: at }] };
  }
  return status;
}
