// The node agent: gives pods addresses, runs a worker per pod, writes pod status, and finishes deletions.

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Container } from '../../config/k8s/pod.js';
import type { Store } from '../store/store.js';
import { nodeAddress, podLoopbackFor, type AddressAllocator } from '../addresses.js';
import type { Supervisor } from '../supervisor.js';
import { PodWorker, type PodResource, type PodWorkerDeps } from './pod-worker.js';
import type { KeyLookup } from './launch.js';

export interface KubeletOptions {
  store: Store;
  supervisor: Supervisor;
  addresses: AddressAllocator;
  logsDir: string;
  netTablePath: string;
  hostPath: string;
  holdsOthers?: PodWorkerDeps['holdsOthers'];
  extraEnv?: PodWorkerDeps['extraEnv'];
}

export class Kubelet {
  private readonly workers = new Map<string, PodWorker>();
  private readonly dirty = new Set<PodWorker>();
  private flushScheduled = false;
  private shuttingDown = false;

  constructor(private readonly o: KubeletOptions) {
    for (const pod of o.store.list({ kind: 'Pod' }) as PodResource[]) {
      if (pod.status?.podIP) o.addresses.markUsed(pod.status.podIP);
    }
  }

  readonly lookup: KeyLookup = (kind, namespace, name, key) => {
    const obj = this.o.store.get(kind, namespace, name);
    if (!obj) return undefined;
    const data: Record<string, string> = { ...((obj.data as Record<string, string> | undefined) ?? {}) };
    if (kind === 'Secret') {
      for (const [k, v] of Object.entries(data)) data[k] = Buffer.from(v, 'base64').toString('utf8');
      Object.assign(data, (obj.stringData as Record<string, string> | undefined) ?? {});
    }
    if (key === '*') return JSON.stringify(data);
    return data[key];
  };

  worker(namespace: string, name: string): PodWorker | undefined {
    const pod = this.o.store.get('Pod', namespace, name);
    return pod?.metadata.uid ? this.workers.get(pod.metadata.uid) : undefined;
  }

  /** Brings workers in line with the stored pods. Called by the reconciler after every change. */
  sync(): void {
    if (this.shuttingDown) return;
    const pods = this.o.store.list({ kind: 'Pod' }) as PodResource[];
    const seen = new Set<string>();
    for (const pod of pods) {
      const uid = pod.metadata.uid!;
      seen.add(uid);
      let w = this.workers.get(uid);
      if (pod.metadata.deletionTimestamp) {
        if (!w) {
          this.release(pod);
          this.o.store.delete('Pod', pod.metadata.namespace, pod.metadata.name);
          continue;
        }
        void w.terminate().then(() => {
          this.workers.delete(uid);
          this.release(pod);
          this.removeLogs(pod);
          this.o.store.delete('Pod', pod.metadata.namespace, pod.metadata.name);
        });
        continue;
      }
      if (!pod.status?.podIP) {
        const podIP = this.o.addresses.allocate('pod');
        const status = { ...(pod.status ?? {}), hostIP: nodeAddress(this.o.addresses.block), podIP, podLoopbackIP: podLoopbackFor(podIP) };
        this.o.store.setStatus('Pod', pod.metadata.namespace, pod.metadata.name, status);
        continue; // the status write triggers another sync
      }
      if (!w) {
        w = new PodWorker(pod, this.deps());
        this.workers.set(uid, w);
        w.start();
        this.markDirty(w);
      } else {
        w.pod = pod;
      }
    }
    for (const [uid, w] of this.workers) {
      if (!seen.has(uid)) {
        // Removed from the store without a graceful delete: stop at once.
        this.workers.delete(uid);
        void w.terminate().then(() => this.removeLogs(w.pod));
        this.release(w.pod);
      }
    }
  }

  /** A deleted pod's logs go with it, as the kubelet's do, so rollouts do not fill the disk over a long run. */
  private removeLogs(pod: PodResource): void {
    if (this.shuttingDown) return;
    // A new pod of the same name (a bare pod deleted and created again) keeps the directory.
    const current = this.o.store.get('Pod', pod.metadata.namespace, pod.metadata.name);
    if (current && current.metadata.uid !== pod.metadata.uid) return;
    rmSync(join(this.o.logsDir, pod.metadata.namespace!, pod.metadata.name), { recursive: true, force: true });
  }

  private release(pod: PodResource): void {
    if (pod.status?.podIP) this.o.addresses.release(pod.status.podIP);
  }

  private deps(): PodWorkerDeps {
    return {
      supervisor: this.o.supervisor,
      logsDir: this.o.logsDir,
      netTablePath: this.o.netTablePath,
      hostPath: this.o.hostPath,
      lookup: this.lookup,
      extraEnv: this.o.extraEnv ?? (() => ({})),
      holdsOthers: this.o.holdsOthers ?? ((_p: PodResource, _c: Container) => false),
      onStatus: (w) => this.markDirty(w),
    };
  }

  private markDirty(w: PodWorker): void {
    this.dirty.add(w);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      for (const d of this.dirty) {
        const current = this.o.store.get('Pod', d.pod.metadata.namespace, d.pod.metadata.name);
        if (!current || current.metadata.uid !== d.pod.metadata.uid) continue;
        this.o.store.setStatus('Pod', d.pod.metadata.namespace, d.pod.metadata.name, d.status());
      }
      this.dirty.clear();
    });
  }

  /** Stops every pod (apps before sidecars within each pod); used when the runtime stops. */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    await Promise.all([...this.workers.values()].map((w) => w.terminate()));
  }
}
