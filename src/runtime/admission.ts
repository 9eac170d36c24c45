// What happens to an object on its way into the store: defaults, addresses, and (in the mesh) sidecar injection.

import type { ServiceSpec } from '../config/k8s/service.js';
import type { Resource } from '../config/resource.js';
import type { AddressAllocator } from './addresses.js';
import type { PodResource } from './kubelet/pod-worker.js';
import type { Store } from './store/store.js';

export class AdmissionError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export interface Admission {
  admit(obj: Resource, existing: Resource | undefined): Resource;
  /** Release what an object held (addresses) once it is deleted. */
  forget(obj: Resource): void;
}

export function makeAdmission(store: Store, addresses: AddressAllocator, mutatePod: (p: PodResource) => PodResource): Admission {
  for (const s of store.list({ kind: 'Service' })) {
    const ip = (s.spec as ServiceSpec | undefined)?.clusterIP;
    if (ip && ip !== 'None') addresses.markUsed(ip);
  }
  return {
    admit(obj, existing) {
      if (obj.kind === 'Service') return admitService(obj as Resource<ServiceSpec>, existing as Resource<ServiceSpec> | undefined, addresses, store);
      if (obj.kind === 'Pod') {
        if (existing) {
          if (JSON.stringify(existing.spec) !== JSON.stringify(obj.spec)) {
            throw new AdmissionError(422, `Pod "${obj.metadata.name}" is invalid: spec: Forbidden: pod updates may not change fields other than metadata; delete and re-create the pod`);
          }
          return obj;
        }
        return mutatePod(obj as PodResource);
      }
      return obj;
    },
    forget(obj) {
      if (obj.kind === 'Service') {
        const ip = (obj.spec as ServiceSpec | undefined)?.clusterIP;
        if (ip && ip !== 'None') addresses.release(ip);
      }
    },
  };
}

function admitService(svc: Resource<ServiceSpec>, existing: Resource<ServiceSpec> | undefined, addresses: AddressAllocator, store: Store): Resource<ServiceSpec> {
  const spec = { ...svc.spec! };
  spec.type ??= 'ClusterIP';
  const prevIP = existing?.spec?.clusterIP;
  if (spec.clusterIP && prevIP && spec.clusterIP !== prevIP) {
    throw new AdmissionError(422, `Service "${svc.metadata.name}" is invalid: spec.clusterIP: Invalid value: "${spec.clusterIP}": field is immutable`);
  }
  if (spec.type !== 'ExternalName' && spec.clusterIP !== 'None') {
    if (prevIP) spec.clusterIP = prevIP;
    else if (spec.clusterIP) {
      if (!new RegExp(`^127\\.${addresses.block}\\.`).test(spec.clusterIP)) {
        throw new AdmissionError(422, `Service "${svc.metadata.name}" is invalid: spec.clusterIP: Invalid value: "${spec.clusterIP}": provided IP is not in this runtime's range 127.${addresses.block}.0.0/16`);
      }
      const holder = store.list({ kind: 'Service' }).find((o) => (o.spec as ServiceSpec | undefined)?.clusterIP === spec.clusterIP && !(o.metadata.namespace === svc.metadata.namespace && o.metadata.name === svc.metadata.name));
      if (holder) throw new AdmissionError(422, `Service "${svc.metadata.name}" is invalid: spec.clusterIP: Invalid value: "${spec.clusterIP}": provided IP is already allocated`);
      addresses.markUsed(spec.clusterIP);
    } else spec.clusterIP = addresses.allocate('service');
    spec.clusterIPs = [spec.clusterIP];
  }
  if (spec.type === 'LoadBalancer' || spec.type === 'NodePort') {
    // Node ports as Kubernetes allocates them (30000-32767), kept across re-applies.
    const prevPorts = existing?.spec?.ports ?? [];
    spec.ports = (spec.ports ?? []).map((p) => ({ ...p, nodePort: p.nodePort ?? prevPorts.find((x) => x.port === p.port)?.nodePort ?? 30000 + Math.floor(Math.random() * 2768) }));
  }
  spec.ports = (spec.ports ?? []).map((p) => ({ ...p, protocol: p.protocol ?? 'TCP', targetPort: p.targetPort ?? p.port }));
  const status = svc.status ?? existing?.status ?? { loadBalancer: {} };
  return { ...svc, spec, status };
}
