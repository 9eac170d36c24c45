// The control plane's copy of the runtime's objects, fed by a watch stream.

import { EventEmitter } from 'node:events';
import type { Resource } from '../../config/resource.js';

export type IndexEvent = { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: Resource } | { type: 'SYNCED'; resourceVersion: number };

export class ResourceIndex extends EventEmitter {
  private readonly byKind = new Map<string, Map<string, Resource>>();
  synced = false;

  apply(e: IndexEvent): void {
    if (e.type === 'SYNCED') {
      this.synced = true;
      this.emit('changed');
      return;
    }
    const key = `${e.object.metadata.namespace ?? ''}/${e.object.metadata.name}`;
    let m = this.byKind.get(e.object.kind);
    if (!m) this.byKind.set(e.object.kind, (m = new Map()));
    if (e.type === 'DELETED') m.delete(key);
    else m.set(key, e.object);
    if (this.synced) this.emit('changed');
  }

  /** Drops everything (before a fresh watch replays the current objects). */
  reset(): void {
    this.byKind.clear();
    this.synced = false;
  }

  list(kind: string): Resource[] {
    return [...(this.byKind.get(kind)?.values() ?? [])];
  }

  get(kind: string, namespace: string | undefined, name: string): Resource | undefined {
    return this.byKind.get(kind)?.get(`${namespace ?? ''}/${name}`);
  }
}
