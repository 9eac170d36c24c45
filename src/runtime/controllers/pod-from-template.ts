// Pods built from a workload's pod template, owned by that workload (Deployment through its ReplicaSet,
// StatefulSet, DaemonSet, Job).

import type { Resource } from '../../config/resource.js';
import type { PodResource } from '../kubelet/pod-worker.js';
import type { Store } from '../store/store.js';
import type { PodMutator } from './deployment-controller.js';

export interface Template {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: unknown;
}

/** Whether the pod's controller is this workload; a recreated workload (new uid) does not own the old pods. */
function ownedByWorkload(pod: Resource, owner: Resource): boolean {
  return (pod.metadata.ownerReferences ?? []).some((o) => o.controller && o.kind === owner.kind && o.name === owner.metadata.name && o.uid === (owner.metadata.uid ?? ''));
}

export function podsOf(store: Store, owner: Resource): PodResource[] {
  return (store.list({ kind: 'Pod', namespace: owner.metadata.namespace }) as PodResource[]).filter((p) => ownedByWorkload(p, owner));
}

export interface OwnerRef {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
}

/** `ref` names the pod's controller when it is not `owner` itself (a Deployment's ReplicaSet). */
export function createPodFrom(store: Store, owner: Resource, template: Template, name: string, labels: Record<string, string>, mutate: PodMutator, spec: Record<string, unknown> = {}, ref?: OwnerRef): PodResource {
  const pod: PodResource = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: owner.metadata.namespace!,
      labels: { ...(template.metadata?.labels ?? {}), ...labels },
      ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ownerReferences: [{ ...(ref ?? { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid ?? '' }), controller: true }],
    },
    spec: { ...(structuredClone(template.spec) as PodResource['spec'] & object), ...spec } as PodResource['spec'],
  };
  return store.put(mutate(pod)) as PodResource;
}

export function markPodDeleted(store: Store, p: PodResource): void {
  store.update('Pod', p.metadata.namespace, p.metadata.name, (r) => {
    r.metadata.deletionTimestamp ??= new Date().toISOString();
  });
}
