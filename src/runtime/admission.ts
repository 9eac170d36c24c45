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
  const nodePorts = new Set<number>();
  return {
    admit(obj, existing) {
      if (obj.kind === 'Service') return admitService(obj as Resource<ServiceSpec>, existing as Resource<ServiceSpec> | undefined, addresses, store, nodePorts);
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
        for (const p of (obj.spec as ServiceSpec | undefined)?.ports ?? []) if (p.nodePort) nodePorts.delete(p.nodePort);
      }
    },
  };
}

const NODE_PORT_MIN = 30000;
const NODE_PORT_MAX = 32767;

function freeNodePort(taken: Set<number>): number {
  const span = NODE_PORT_MAX - NODE_PORT_MIN + 1;
  const start = Math.floor(Math.random() * span);
  for (let i = 0; i < span; i++) {
    const port = NODE_PORT_MIN + ((start + i) % span);
    if (!taken.has(port)) return port;
  }
  throw new AdmissionError(422, `Service: spec.ports.nodePort: Internal error: range is full (${NODE_PORT_MIN}-${NODE_PORT_MAX})`);
}

/** `nodePorts` holds the node ports handed out and not yet forgotten, so services admitted in one batch never share one. */
function admitService(svc: Resource<ServiceSpec>, existing: Resource<ServiceSpec> | undefined, addresses: AddressAllocator, store: Store, nodePorts: Set<number>): Resource<ServiceSpec> {
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
    // Node ports as Kubernetes allocates them (30000-32767), unique on the node, kept across re-applies.
    const prevPorts = existing?.spec?.ports ?? [];
    const taken = new Set(nodePorts);
    for (const o of store.list({ kind: 'Service' })) {
      if (o.metadata.namespace === svc.metadata.namespace && o.metadata.name === svc.metadata.name) continue;
      for (const p of (o.spec as ServiceSpec | undefined)?.ports ?? []) if (p.nodePort) taken.add(p.nodePort);
    }
    for (const p of prevPorts) if (p.nodePort) taken.delete(p.nodePort);
    spec.ports = (spec.ports ?? []).map((p, i) => {
      const field = `spec.ports[${i}].nodePort`;
      if (p.nodePort !== undefined) {
        if (p.nodePort < NODE_PORT_MIN || p.nodePort > NODE_PORT_MAX) {
          throw new AdmissionError(422, `Service "${svc.metadata.name}" is invalid: ${field}: Invalid value: ${p.nodePort}: provided port is not in the valid range. The range of valid ports is ${NODE_PORT_MIN}-${NODE_PORT_MAX}`);
        }
        if (taken.has(p.nodePort)) throw new AdmissionError(422, `Service "${svc.metadata.name}" is invalid: ${field}: Invalid value: ${p.nodePort}: provided port is already allocated`);
        taken.add(p.nodePort);
        return p;
      }
      const nodePort = prevPorts.find((x) => x.port === p.port)?.nodePort ?? freeNodePort(taken);
      taken.add(nodePort);
      nodePorts.add(nodePort);
      return { ...p, nodePort };
    });
  }
  spec.ports = (spec.ports ?? []).map((p) => ({ ...p, protocol: p.protocol ?? 'TCP', targetPort: p.targetPort ?? p.port }));
  const status = svc.status ?? existing?.status ?? { loadBalancer: {} };
  return { ...svc, spec, status };
}
