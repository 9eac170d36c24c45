// Workload identity and telemetry labels of a pod, as Istio derives them.

import type { Resource } from '../../config/resource.js';
import type { WorkloadMeta } from '../../xds/proxy-config.js';

export const TRUST_DOMAIN = 'cluster.local';
export const CLUSTER_ID = 'Kubernetes';

interface PodLike {
  metadata: Resource['metadata'];
  spec?: { serviceAccountName?: string; containers?: Array<{ name: string }> };
}

/** The Deployment name for a ReplicaSet-owned pod (NAME-HASH-xxxxx), else the pod name. */
export function workloadName(pod: PodLike): string {
  const owner = pod.metadata.ownerReferences?.find((o) => o.controller !== false);
  if (owner?.kind === 'ReplicaSet') {
    const hash = pod.metadata.labels?.['pod-template-hash'];
    return hash && owner.name.endsWith(`-${hash}`) ? owner.name.slice(0, -(hash.length + 1)) : owner.name;
  }
  return owner?.name ?? pod.metadata.name;
}

export function workloadMeta(pod: PodLike): WorkloadMeta {
  const labels = pod.metadata.labels ?? {};
  const ns = pod.metadata.namespace ?? 'default';
  const sa = pod.spec?.serviceAccountName || 'default';
  const workload = workloadName(pod);
  const app = labels.app ?? labels['app.kubernetes.io/name'] ?? 'unknown';
  const version = labels.version ?? labels['app.kubernetes.io/version'] ?? 'unknown';
  return {
    workload,
    namespace: ns,
    serviceAccount: sa,
    principal: `spiffe://${TRUST_DOMAIN}/ns/${ns}/sa/${sa}`,
    app,
    version,
    canonicalService: labels['service.istio.io/canonical-name'] ?? (app !== 'unknown' ? app : workload),
    canonicalRevision: labels['service.istio.io/canonical-revision'] ?? (version !== 'unknown' ? version : 'latest'),
    cluster: CLUSTER_ID,
    podName: pod.metadata.name,
    labels: { ...labels },
  };
}

export function hasSidecar(pod: PodLike): boolean {
  return (pod.spec?.containers ?? []).some((c) => c.name === 'istio-proxy');
}
