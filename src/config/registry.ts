// Every kind Weft accepts, and the names users type for them (pods, po, deploy, vs, ...).

import { apiVersionsOf, type KindInfo } from './kind-info.js';
import { deployment } from './k8s/deployment.js';
import { pod } from './k8s/pod.js';
import { service } from './k8s/service.js';
import { configMap, endpoints, namespace, secret, serviceAccount } from './k8s/simple-kinds.js';
import { daemonSet, job, statefulSet } from './k8s/workloads.js';
import { inertKinds } from './k8s/inert-kinds.js';
import { istioKinds } from './istio/index.js';

export const allKinds: readonly KindInfo[] = [
  namespace, serviceAccount, service, deployment, statefulSet, daemonSet, job, pod, configMap, secret, endpoints, ...istioKinds, ...inertKinds,
];

const byKind = new Map<string, KindInfo>(allKinds.map((k) => [k.kind, k]));
const byName = new Map<string, KindInfo>();
for (const k of allKinds) {
  for (const n of [k.kind.toLowerCase(), k.plural, k.singular, ...k.shortNames]) {
    byName.set(n, k);
    if (k.group) byName.set(`${n}.${k.group}`, k);
  }
}

export function kindInfo(kind: string): KindInfo | undefined {
  return byKind.get(kind);
}

/** Resolves what a user types (`pods`, `po`, `deploy`, `virtualservices.networking.istio.io`) to a kind. */
export function resolveKindName(name: string): KindInfo | undefined {
  return byName.get(name.toLowerCase());
}

/** kubectl's qualified name for -o name and multi-kind tables: pod, deployment.apps, virtualservice.networking.istio.io */
export function qualifiedKindName(info: KindInfo): string {
  return info.group ? `${info.kind.toLowerCase()}.${info.group}` : info.kind.toLowerCase();
}

export function servesApiVersion(info: KindInfo, apiVersion: string): boolean {
  return apiVersionsOf(info).includes(apiVersion);
}
