// The workload a pod belongs to, as Istio derives it for ISTIO_META_WORKLOAD_NAME and ISTIO_META_OWNER.

import type { ObjectMeta } from '../../config/resource.js';

export interface WorkloadMeta {
  name: string;
  namespace: string;
  kind: string;
  apiVersion: string;
}

const TEMPLATE_HASH_LABEL = 'pod-template-hash';
// A CronJob names its Jobs <cronjob>-<scheduled time in minutes>.
const CRON_JOB_NAME = /^(.+)-\d{8,10}$/;

/** Follows the controlling owner, seeing through the ReplicaSet a Deployment made; a bare pod is its own workload. */
export function workloadOfPod(meta: Pick<ObjectMeta, 'name' | 'namespace' | 'labels' | 'ownerReferences'>): WorkloadMeta {
  const namespace = meta.namespace ?? 'default';
  const hash = meta.labels?.[TEMPLATE_HASH_LABEL];
  const owner = meta.ownerReferences?.find((o) => o.controller) ?? meta.ownerReferences?.[0];
  if (owner) {
    if (owner.kind === 'ReplicaSet' && hash && owner.name.endsWith(`-${hash}`)) {
      return { name: owner.name.slice(0, -(hash.length + 1)), namespace, kind: 'Deployment', apiVersion: 'apps/v1' };
    }
    const cron = owner.kind === 'Job' ? CRON_JOB_NAME.exec(owner.name) : null;
    if (cron) return { name: cron[1]!, namespace, kind: 'CronJob', apiVersion: 'batch/v1beta1' };
    return { name: owner.name, namespace, kind: owner.kind, apiVersion: owner.apiVersion };
  }
  // No owner recorded: a Deployment's pod is still recognisable by <deployment>-<hash>-<suffix>.
  if (hash) {
    const m = new RegExp(`^(.+)-${escapeRegExp(hash)}-[a-z0-9]+$`).exec(meta.name);
    if (m) return { name: m[1]!, namespace, kind: 'Deployment', apiVersion: 'apps/v1' };
  }
  return { name: meta.name, namespace, kind: 'Pod', apiVersion: 'v1' };
}

/** kubernetes://apis/<apiVersion>/namespaces/<ns>/<kind>s/<name>, Istio's owner URI. */
export function ownerUri(w: WorkloadMeta): string {
  return `kubernetes://apis/${w.apiVersion}/namespaces/${w.namespace}/${w.kind.toLowerCase()}s/${w.name}`;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
