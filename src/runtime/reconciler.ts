// Level-triggered control loop: after any change, bring everything derived in line with what is declared.

import type { Store } from './store/store.js';
import type { Kubelet } from './kubelet/kubelet.js';
import type { PodResource } from './kubelet/pod-worker.js';
import { deploymentStatus, reconcileDeployment, TEMPLATE_HASH_LABEL, type PodMutator } from './controllers/deployment-controller.js';
import { buildNetTable, reconcileEndpoints } from './controllers/endpoints-controller.js';
import { daemonSetStatus, reconcileDaemonSet, type DaemonSet } from './controllers/daemonset-controller.js';
import { jobStatus, reconcileJob, type Job } from './controllers/job-controller.js';
import { reconcileStatefulSet, statefulSetStatus, type StatefulSet } from './controllers/statefulset-controller.js';
import { writeFileAtomic } from './store/persistence.js';
import type { NetTable } from './pod-net/net-table.js';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { markPodDeleted } from './controllers/pod-from-template.js';

/** Owners of pods other than Deployments' ReplicaSets; their pods name them directly. */
const WORKLOAD_KINDS = new Set(['StatefulSet', 'DaemonSet', 'Job']);

export interface ReconcilerOptions {
  store: Store;
  kubelet: Kubelet;
  netTablePath: string;
  mutatePod: PodMutator;
  /** Runs after each pass (load balancers follow services). */
  afterPass?: () => void;
}

export class Reconciler {
  private scheduled = false;
  private running = false;
  private lastTable = '';
  private tableVersion = 0;
  private stopped = false;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly o: ReconcilerOptions) {
    o.store.events.on('event', () => this.schedule());
    // A slow tick catches anything time-based (back-offs end, probes change) that raised no event.
    this.timer = setInterval(() => this.schedule(), 2000);
    this.timer.unref();
    mkdirSync(dirname(o.netTablePath), { recursive: true });
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  schedule(): void {
    // Once stopped, events (the last changes, pods terminating) no longer start passes.
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.stopped) this.run();
    });
  }

  /** One pass. Changes made here raise events, which schedule another pass until nothing changes. */
  run(): void {
    if (this.running) return;
    this.running = true;
    try {
      const { store } = this.o;
      this.namespaces();
      const deployments = store.list({ kind: 'Deployment' });
      for (const d of deployments) {
        if (!d.metadata.deletionTimestamp) reconcileDeployment(store, d as Parameters<typeof reconcileDeployment>[1], this.o.mutatePod);
      }
      for (const s of store.list({ kind: 'StatefulSet' })) if (!s.metadata.deletionTimestamp) reconcileStatefulSet(store, s as StatefulSet, this.o.mutatePod);
      for (const d of store.list({ kind: 'DaemonSet' })) if (!d.metadata.deletionTimestamp) reconcileDaemonSet(store, d as DaemonSet, this.o.mutatePod);
      for (const j of store.list({ kind: 'Job' })) if (!j.metadata.deletionTimestamp) reconcileJob(store, j as Job, this.o.mutatePod);
      this.orphans(new Set(deployments.map((d) => `${d.metadata.namespace}/${d.metadata.name}`)));
      this.o.kubelet.sync();
      for (const d of store.list({ kind: 'Deployment' })) {
        store.setStatus('Deployment', d.metadata.namespace, d.metadata.name, deploymentStatus(store, d as Parameters<typeof deploymentStatus>[1]));
      }
      for (const s of store.list({ kind: 'StatefulSet' })) store.setStatus('StatefulSet', s.metadata.namespace, s.metadata.name, statefulSetStatus(store, s as StatefulSet));
      for (const d of store.list({ kind: 'DaemonSet' })) store.setStatus('DaemonSet', d.metadata.namespace, d.metadata.name, daemonSetStatus(store, d as DaemonSet));
      for (const j of store.list({ kind: 'Job' })) store.setStatus('Job', j.metadata.namespace, j.metadata.name, jobStatus(store, j as Job));
      reconcileEndpoints(store);
      this.writeNetTable();
      this.o.afterPass?.();
    } finally {
      this.running = false;
    }
  }

  /** Namespaces get a default ServiceAccount; a deleted namespace takes everything in it along. */
  private namespaces(): void {
    const { store } = this.o;
    for (const ns of store.list({ kind: 'Namespace' })) {
      const name = ns.metadata.name;
      if (ns.metadata.deletionTimestamp) {
        let remaining = 0;
        for (const r of store.all()) {
          if (r.metadata.namespace !== name) continue;
          remaining++;
          if (r.kind === 'Pod') store.update('Pod', name, r.metadata.name, (p) => void (p.metadata.deletionTimestamp ??= new Date().toISOString()));
          else store.delete(r.kind, name, r.metadata.name);
        }
        if (remaining === 0) store.delete('Namespace', undefined, name);
        continue;
      }
      store.setStatus('Namespace', undefined, name, { phase: 'Active' });
      if (!store.get('ServiceAccount', name, 'default')) {
        store.put({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: name } });
      }
    }
  }

  /** Pods whose owner is gone are deleted, as garbage collection does (for Deployments, through the ReplicaSet). */
  private orphans(deployments: Set<string>): void {
    const { store } = this.o;
    for (const p of store.list({ kind: 'Pod' }) as PodResource[]) {
      if (p.metadata.deletionTimestamp) continue;
      const workload = p.metadata.ownerReferences?.find((o) => WORKLOAD_KINDS.has(o.kind));
      if (workload) {
        const w = store.get(workload.kind, p.metadata.namespace, workload.name);
        if (!w || (w.metadata.uid ?? '') !== workload.uid) {
          markPodDeleted(store, p);
        }
        continue;
      }
      const owner = p.metadata.ownerReferences?.find((o) => o.kind === 'ReplicaSet');
      if (!owner) continue;
      const hash = p.metadata.labels?.[TEMPLATE_HASH_LABEL];
      const deploy = hash && owner.name.endsWith(`-${hash}`) ? owner.name.slice(0, -(hash.length + 1)) : owner.name;
      if (!deployments.has(`${p.metadata.namespace}/${deploy}`)) {
        markPodDeleted(store, p);
      }
    }
  }

  private writeNetTable(): void {
    const table: NetTable = buildNetTable(this.o.store, 0);
    const body = JSON.stringify({ names: table.names, services: table.services });
    if (body === this.lastTable) return;
    this.lastTable = body;
    this.tableVersion++;
    writeFileAtomic(this.o.netTablePath, JSON.stringify({ ...table, version: this.tableVersion }), 0o644);
  }
}
