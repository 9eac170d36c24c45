// Writes the store to disk after changes (coalesced), atomically, so a restart resumes where it was.

import { readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import type { Store, StoreSnapshot } from './store.js';

export function loadSnapshot(path: string): StoreSnapshot | undefined {
  if (!existsSync(path)) return undefined;
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  const s = parsed as { resourceVersion?: unknown; resources?: unknown };
  if (typeof s.resourceVersion !== 'number' || !Array.isArray(s.resources)) {
    throw new Error(`${path}: not a Weft state file`);
  }
  return parsed as StoreSnapshot;
}

export function writeFileAtomic(path: string, data: string, mode = 0o600): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data, { mode });
  renameSync(tmp, path);
}

export class Persister {
  private pending = false;
  constructor(private readonly store: Store, private readonly path: string, private readonly extra: () => Record<string, unknown>) {
    store.events.on('event', () => this.schedule());
  }

  schedule(): void {
    if (this.pending) return;
    this.pending = true;
    // A flush in between (as at shutdown) has already written this change.
    setImmediate(() => {
      if (this.pending) this.flush();
    });
  }

  flush(): void {
    this.pending = false;
    writeFileAtomic(this.path, JSON.stringify({ ...this.extra(), ...this.store.snapshot() }));
  }
}
