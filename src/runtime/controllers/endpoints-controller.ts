// Services get cluster IPs and Endpoints from the ready pods their selector matches;
// the network table that pods read is rebuilt from them.

import type { PodSpec } from '../../config/k8s/pod.js';
import type { ServicePort, ServiceSpec } from '../../config/k8s/service.js';
import type { Resource } from '../../config/resource.js';
import type { NetTable } from '../pod-net/net-table.js';
import { labelsMatch, type Store } from '../store/store.js';
import { isPodReady } from './deployment-controller.js';
import type { PodResource } from '../kubelet/pod-worker.js';

type Service = Resource<ServiceSpec>;

export interface EndpointAddress {
  ip: string;
  targetRef: { kind: 'Pod'; name: string; namespace: string; uid: string };
}

export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports: Array<{ name?: string; port: number; protocol: string }>;
}

/** The container port a service port reaches on one pod (named target ports are looked up per pod). */
export function targetPortFor(sp: ServicePort, pod: Resource<PodSpec>): number | undefined {
  const t = sp.targetPort ?? sp.port;
  if (typeof t === 'number') return t;
  if (/^\d+$/.test(t)) return Number(t);
  for (const c of pod.spec?.containers ?? []) {
    const hit = c.ports?.find((p) => p.name === t);
    if (hit) return hit.containerPort;
  }
  return undefined;
}

export function endpointSubsets(store: Store, svc: Service, podsInNamespace?: PodResource[]): EndpointSubset[] {
  const selector = svc.spec?.selector;
  if (!selector || Object.keys(selector).length === 0) return [];
  const pods = (podsInNamespace ?? (store.list({ kind: 'Pod', namespace: svc.metadata.namespace }) as PodResource[])).filter(
    (p) => labelsMatch(selector, p.metadata.labels) && p.status?.podIP && !p.metadata.deletionTimestamp,
  );
  // Group pods by the port numbers they expose, as Kubernetes does for named target ports.
  const groups = new Map<string, EndpointSubset>();
  for (const pod of pods) {
    const ports = (svc.spec?.ports ?? []).map((sp) => ({ name: sp.name, port: targetPortFor(sp, pod), protocol: sp.protocol ?? 'TCP' }));
    if (ports.some((p) => p.port === undefined)) continue;
    const key = JSON.stringify(ports);
    let g = groups.get(key);
    if (!g) {
      g = { ports: ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), port: p.port!, protocol: p.protocol })) };
      groups.set(key, g);
    }
    const addr: EndpointAddress = {
      ip: pod.status!.podIP!,
      targetRef: { kind: 'Pod', name: pod.metadata.name, namespace: pod.metadata.namespace!, uid: pod.metadata.uid ?? '' },
    };
    if (isPodReady(pod)) (g.addresses ??= []).push(addr);
    else (g.notReadyAddresses ??= []).push(addr);
  }
  return [...groups.values()];
}

export function reconcileEndpoints(store: Store): void {
  const services = store.list({ kind: 'Service' }) as Service[];
  const wanted = new Set<string>();
  // Pods by namespace, listed once per pass rather than once per service.
  const podsByNs = new Map<string, PodResource[]>();
  for (const p of store.list({ kind: 'Pod' }) as PodResource[]) {
    const ns = p.metadata.namespace ?? '';
    const list = podsByNs.get(ns);
    if (list) list.push(p);
    else podsByNs.set(ns, [p]);
  }
  for (const svc of services) {
    const key = `${svc.metadata.namespace}/${svc.metadata.name}`;
    // A service without a selector keeps the Endpoints its user writes, as in Kubernetes.
    wanted.add(key);
    if (!svc.spec?.selector) continue;
    const subsets = endpointSubsets(store, svc, podsByNs.get(svc.metadata.namespace ?? '') ?? []);
    const existing = store.get('Endpoints', svc.metadata.namespace, svc.metadata.name);
    if (existing && JSON.stringify(existing.subsets ?? []) === JSON.stringify(subsets)) continue;
    store.put({
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: svc.metadata.name, namespace: svc.metadata.namespace!, ...(svc.metadata.labels ? { labels: { ...svc.metadata.labels } } : {}) },
      subsets,
    });
  }
  for (const ep of store.list({ kind: 'Endpoints' })) {
    if (!wanted.has(`${ep.metadata.namespace}/${ep.metadata.name}`)) store.delete('Endpoints', ep.metadata.namespace, ep.metadata.name);
  }
}

/** Builds what pods need to resolve names and reach services. */
export function buildNetTable(store: Store, version: number): NetTable {
  const table: NetTable = { version, names: {}, services: {} };
  for (const svc of store.list({ kind: 'Service' }) as Service[]) {
    const fqdn = `${svc.metadata.name}.${svc.metadata.namespace}.svc.cluster.local`;
    const ep = store.get('Endpoints', svc.metadata.namespace, svc.metadata.name);
    const subsets = (ep?.subsets as EndpointSubset[] | undefined) ?? [];
    const clusterIP = svc.spec?.clusterIP;
    if (!clusterIP || clusterIP === 'None') {
      table.names[fqdn] = subsets.flatMap((s) => (s.addresses ?? []).map((a) => a.ip));
      continue;
    }
    table.names[fqdn] = [clusterIP];
    const ports: Record<string, string[]> = {};
    for (const sp of svc.spec?.ports ?? []) {
      const list: string[] = [];
      for (const s of subsets) {
        const p = s.ports.find((x) => (sp.name ? x.name === sp.name : true));
        if (!p) continue;
        for (const a of s.addresses ?? []) list.push(`${a.ip}:${p.port}`);
      }
      ports[String(sp.port)] = list;
    }
    table.services[clusterIP] = ports;
  }
  return table;
}
