// Builds control-plane snapshots from plain objects, for translation tests that need no runtime.

import type { Resource } from '../../src/config/resource.js';
import { ResourceIndex } from '../../src/control-plane/ingest/resource-index.js';
import { buildSnapshot, type Snapshot } from '../../src/control-plane/model/snapshot.js';

export function pod(name: string, ns: string, labels: Record<string, string>, ip: string, sidecar: boolean, ports: number[] = [8080]): Resource {
  const containers = [{ name: 'app', image: 'x', ports: ports.map((p) => ({ containerPort: p })) }];
  if (sidecar) containers.unshift({ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1', ports: [] });
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: ns, labels, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${labels.app}-abc`, uid: '1', controller: true }] },
    spec: { serviceAccountName: labels.app, containers },
    status: { podIP: ip, podLoopbackIP: ip.replace(/\.(\d+)\.(\d+)$/, (_m, a: string, b: string) => `.${Number(a) + 64}.${b}`) },
  };
}

export function service(name: string, ns: string, ip: string, selector: Record<string, string>, portName = 'http', port = 80, targetPort = 8080): Resource {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec: { clusterIP: ip, selector, ports: [{ name: portName, port, targetPort }] } };
}

/** Endpoints of a service: each pod name with its address, on one named port. */
export function endpoints(name: string, ns: string, pods: Array<[string, string]>, port = 8080, portName = 'http'): Resource {
  return {
    apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: ns },
    subsets: [{ addresses: pods.map(([podName, ip]) => ({ ip, targetRef: { kind: 'Pod', name: podName, namespace: ns } })), ports: [{ name: portName, port, protocol: 'TCP' }] }],
  };
}

/** An Istio resource of `kind` (networking.istio.io/v1) created at `created` (creation order matters for conflicts). */
export function istio(kind: string, name: string, ns: string, spec: unknown, created = '2026-01-01T00:00:00Z'): Resource {
  return { apiVersion: 'networking.istio.io/v1', kind, metadata: { name, namespace: ns, creationTimestamp: created }, spec } as Resource;
}

export function snapshotOf(objects: Resource[]): Snapshot {
  const index = new ResourceIndex();
  for (const o of objects) index.apply({ type: 'ADDED', object: o });
  index.apply({ type: 'SYNCED', resourceVersion: 1 });
  return buildSnapshot(index, 1);
}
