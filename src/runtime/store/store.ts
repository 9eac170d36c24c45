// The runtime's resource store: the part etcd and the API server play in Kubernetes.
// One process owns it; every change bumps a resource version and is announced to watchers.

import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { resourceKey, type Resource } from '../../config/resource.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent {
  type: WatchEventType;
  object: Resource;
}

export interface ListFilter {
  kind: string;
  namespace?: string;
  /** Every label must match. */
  labels?: Record<string, string>;
}

export interface StoreSnapshot {
  resourceVersion: number;
  resources: Resource[];
}

/** One change as persistence records it: a whole object, only an object's new status, or a deletion. */
export interface StoreChange {
  op: 'put' | 'status' | 'delete';
  /** The store's resource version once the change is made. */
  resourceVersion: number;
  /** The object as stored after the change (for a deletion: as it was). */
  object: Resource;
}

export class Store {
  private readonly objects = new Map<string, Resource>();
  /** The same objects by kind, so listing a kind does not walk every object. */
  private readonly byKind = new Map<string, Map<string, Resource>>();
  private version = 0;
  private recorder: ((c: StoreChange) => void) | undefined;
  readonly events = new EventEmitter();

  constructor(snapshot?: StoreSnapshot) {
    this.events.setMaxListeners(0);
    if (snapshot) {
      this.version = snapshot.resourceVersion;
      for (const r of snapshot.resources) this.set(keyOf(r), r);
    }
  }

  get resourceVersion(): number {
    return this.version;
  }

  /**
   * Hands every change to `record` before it takes effect, in resource-version order, so what
   * `record` keeps is exactly what callers were told. A change `record` throws on is not made.
   */
  recordChangesWith(record: (c: StoreChange) => void): void {
    this.recorder = record;
  }

  get(kind: string, namespace: string | undefined, name: string): Resource | undefined {
    return this.objects.get(resourceKey(kind, namespace, name));
  }

  private set(key: string, r: Resource): void {
    this.objects.set(key, r);
    let m = this.byKind.get(r.kind);
    if (!m) this.byKind.set(r.kind, (m = new Map()));
    m.set(key, r);
  }

  list(filter: ListFilter): Resource[] {
    const out: Resource[] = [];
    for (const r of this.byKind.get(filter.kind)?.values() ?? []) {
      if (filter.namespace !== undefined && r.metadata.namespace !== filter.namespace) continue;
      if (filter.labels && !labelsMatch(filter.labels, r.metadata.labels)) continue;
      out.push(r);
    }
    return out.sort(byNamespaceThenName);
  }

  all(): Resource[] {
    return [...this.objects.values()];
  }

  /** Creates or replaces an object. Keeps uid and creation time of an existing one; bumps generation when spec changes. */
  put(input: Resource): Resource {
    const key = keyOf(input);
    const prev = this.objects.get(key);
    const next: Resource = structuredClone(input);
    next.metadata.uid = prev?.metadata.uid ?? input.metadata.uid ?? randomUUID();
    next.metadata.creationTimestamp = prev?.metadata.creationTimestamp ?? input.metadata.creationTimestamp ?? new Date().toISOString();
    const specChanged = !prev || JSON.stringify(prev.spec) !== JSON.stringify(next.spec);
    next.metadata.generation = (prev?.metadata.generation ?? 0) + (specChanged ? 1 : 0);
    if (prev?.metadata.deletionTimestamp && !next.metadata.deletionTimestamp) next.metadata.deletionTimestamp = prev.metadata.deletionTimestamp;
    if (next.status === undefined && prev?.status !== undefined) next.status = prev.status;
    next.metadata.resourceVersion = String(this.version + 1);
    this.commit({ op: 'put', resourceVersion: this.version + 1, object: next });
    this.set(key, next);
    this.emit({ type: prev ? 'MODIFIED' : 'ADDED', object: next });
    return next;
  }

  /** Replaces only the status; a no-op (no event) when nothing changed. */
  setStatus(kind: string, namespace: string | undefined, name: string, status: unknown): Resource | undefined {
    const prev = this.get(kind, namespace, name);
    if (!prev) return undefined;
    if (JSON.stringify(prev.status) === JSON.stringify(status)) return prev;
    const next: Resource = { ...prev, metadata: { ...prev.metadata }, status: structuredClone(status) };
    next.metadata.resourceVersion = String(this.version + 1);
    this.commit({ op: 'status', resourceVersion: this.version + 1, object: next });
    this.set(keyOf(next), next);
    this.emit({ type: 'MODIFIED', object: next });
    return next;
  }

  /** Applies a change to metadata/spec through a function; a no-op when the result is equal. */
  update(kind: string, namespace: string | undefined, name: string, change: (r: Resource) => void): Resource | undefined {
    const prev = this.get(kind, namespace, name);
    if (!prev) return undefined;
    const draft = structuredClone(prev);
    change(draft);
    if (JSON.stringify(draft) === JSON.stringify(prev)) return prev;
    return this.put(draft);
  }

  delete(kind: string, namespace: string | undefined, name: string): Resource | undefined {
    const key = resourceKey(kind, namespace, name);
    const prev = this.objects.get(key);
    if (!prev) return undefined;
    this.commit({ op: 'delete', resourceVersion: this.version + 1, object: prev });
    this.objects.delete(key);
    this.byKind.get(kind)?.delete(key);
    this.emit({ type: 'DELETED', object: prev });
    return prev;
  }

  snapshot(): StoreSnapshot {
    return { resourceVersion: this.version, resources: [...this.objects.values()] };
  }

  /** Records a change and takes its resource version; the caller then makes it. */
  private commit(c: StoreChange): void {
    this.recorder?.(c);
    this.version = c.resourceVersion;
  }

  private emit(e: WatchEvent): void {
    this.events.emit('event', e);
  }
}

function keyOf(r: Resource): string {
  return resourceKey(r.kind, r.metadata.namespace, r.metadata.name);
}

function byNamespaceThenName(a: Resource, b: Resource): number {
  const ns = (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '');
  return ns !== 0 ? ns : a.metadata.name.localeCompare(b.metadata.name);
}

export function labelsMatch(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  for (const [k, v] of Object.entries(selector)) {
    if (labels?.[k] !== v) return false;
  }
  return true;
}
