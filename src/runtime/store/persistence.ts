// The store on disk: a snapshot (`state.json`) and a journal of the changes made since (`state.journal`).
//
// Every change is appended to the journal with a synchronous write before the store makes it, so before
// the API answers; it costs what the change is, whatever the size of the state. A runtime killed at any
// moment resumes with every change it acknowledged: the kernel already has the bytes. There is no fsync
// per change (a power cut may lose the last changes, not the state), but each new snapshot is fsynced
// before it replaces the previous one, so no crash leaves less than a whole snapshot.
//
// When the journal outgrows the snapshot, a new snapshot is written in the background, a slice per turn
// of the event loop, while changes go on being appended to a fresh journal. A compaction costs O(state)
// once per O(state) bytes of changes. Its steps, each of which a kill may follow:
//   1. state.journal becomes state.journal.old and a new state.journal starts (load reads both);
//   2. the store as of version R is written to state.json.tmp (load ignores it) and fsynced;
//   3. it is renamed over state.json, which says it covers R (load skips journal records up to R);
//   4. state.journal.old is removed.

import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync, renameSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { resourceKey, type Resource } from '../../config/resource.js';
import { encodeChange, readJournal, replay } from './journal.js';
import type { Store, StoreChange, StoreSnapshot } from './store.js';

export interface StateFiles {
  /** The snapshot. */
  state: string;
  /** The changes since the snapshot. */
  journal: string;
}

export interface SavedState {
  /** The store as it was left: the snapshot with the journal replayed. */
  snapshot: StoreSnapshot;
  /** The snapshot's other top-level fields (the runtime keeps its loopback block there). */
  meta: Record<string, unknown>;
  /** Where the files stand, so a Persister carries on from them. */
  files: { snapshotBytes: number; journalBytes: number; oldJournal: boolean };
}

/** Reads what a runtime left: undefined when there is nothing. Reads the state.json of runtimes from before the journal too. */
export function loadState(files: StateFiles): SavedState | undefined {
  const snapshot = readSnapshot(files.state);
  const oldPath = oldJournalOf(files);
  const old = readJournal(oldPath);
  const journal = readJournal(files.journal);
  if (!snapshot && !old && !journal) return undefined;
  const objects = new Map<string, Resource>();
  for (const r of snapshot?.resources ?? []) objects.set(resourceKey(r.kind, r.metadata.namespace, r.metadata.name), r);
  let version = snapshot?.resourceVersion ?? 0;
  if (old) version = replay(objects, old.records, version, oldPath);
  if (journal) version = replay(objects, journal.records, version, files.journal);
  return {
    snapshot: { resourceVersion: version, resources: [...objects.values()] },
    meta: snapshot?.meta ?? {},
    files: { snapshotBytes: snapshot?.bytes ?? 0, journalBytes: journal?.validBytes ?? 0, oldJournal: old !== undefined },
  };
}

function readSnapshot(path: string): (StoreSnapshot & { meta: Record<string, unknown>; bytes: number }) | undefined {
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path}: not a Weft state file (${(err as Error).message})`);
  }
  const { resourceVersion, resources, ...meta } = (parsed ?? {}) as { resourceVersion?: unknown; resources?: unknown };
  if (typeof resourceVersion !== 'number' || !Array.isArray(resources)) throw new Error(`${path}: not a Weft state file`);
  return { resourceVersion, resources: resources as Resource[], meta, bytes: statSync(path).size };
}

function oldJournalOf(files: StateFiles): string {
  return `${files.journal}.old`;
}

export function writeFileAtomic(path: string, data: string, mode = 0o600): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data, { mode });
  renameSync(tmp, path);
}

export interface PersisterOptions {
  /** A compaction starts once the journal is larger than both the snapshot and this. */
  minCompactBytes?: number;
  /** How much snapshot is written per turn of the event loop while compacting. */
  sliceBytes?: number;
}

/** A snapshot being written: the store's objects as of `version` (objects are replaced, never changed in place, so the list stays that version). */
interface SnapshotWrite {
  fd: number;
  version: number;
  objects: Resource[];
  next: number;
  bytes: number;
}

export class Persister {
  private fd: number | undefined;
  private journalBytes: number;
  private snapshotBytes: number;
  private compaction: SnapshotWrite | undefined;
  private timer: NodeJS.Immediate | undefined;
  private retry: NodeJS.Timeout | undefined;
  private readonly oldJournal: string;
  private readonly tmp: string;
  private readonly minCompactBytes: number;
  private readonly sliceBytes: number;

  /**
   * Records every change of `store` from now on. `saved` is what loadState read from the same files
   * (the store was built from it); `meta` goes into every snapshot.
   */
  constructor(private readonly store: Store, private readonly files: StateFiles, private readonly meta: Record<string, unknown>, saved?: SavedState, o: PersisterOptions = {}) {
    this.oldJournal = oldJournalOf(files);
    this.tmp = `${files.state}.tmp`;
    this.minCompactBytes = o.minCompactBytes ?? 8 * 1024 * 1024;
    this.sliceBytes = o.sliceBytes ?? 1024 * 1024;
    rmSync(this.tmp, { force: true });
    // A last line cut short by a kill goes, so that appends start on a line of their own.
    if (saved && existsSync(files.journal)) truncateSync(files.journal, saved.files.journalBytes);
    this.fd = openSync(files.journal, 'a', 0o600);
    this.journalBytes = saved?.files.journalBytes ?? 0;
    this.snapshotBytes = saved?.files.snapshotBytes ?? 0;
    store.recordChangesWith((c) => this.append(c));
    if (!saved || JSON.stringify(saved.meta) !== JSON.stringify(meta)) this.compactNow();
    else if (saved.files.oldJournal || this.journalOutgrown()) this.scheduleCompaction();
  }

  /** A compaction is due or under way. */
  get compacting(): boolean {
    return this.compaction !== undefined || this.timer !== undefined || this.retry !== undefined;
  }

  /** Stops recording; a compaction under way is dropped (the files as they are load the same). Later changes are refused. */
  close(): void {
    if (this.timer) clearImmediate(this.timer);
    this.timer = undefined;
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
    if (this.compaction) {
      closeSync(this.compaction.fd);
      rmSync(this.tmp, { force: true });
      this.compaction = undefined;
    }
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private append(c: StoreChange): void {
    if (this.fd === undefined) throw new Error(`${this.files.journal}: the runtime's state is closed`);
    try {
      this.journalBytes += writeAll(this.fd, encodeChange(c));
    } catch (err) {
      // A record cut short (a full disk) would join the next one on its line and spoil the journal.
      try {
        ftruncateSync(this.fd, this.journalBytes);
      } catch {
        // Loading drops a torn last line anyway.
      }
      throw err;
    }
    if (this.journalOutgrown()) this.scheduleCompaction();
  }

  private journalOutgrown(): boolean {
    return this.journalBytes > Math.max(this.snapshotBytes, this.minCompactBytes);
  }

  /** On a later turn: the change being recorded now is not in the store yet. */
  private scheduleCompaction(): void {
    if (this.compacting) return;
    this.timer = setImmediate(() => {
      this.timer = undefined;
      this.guarded(() => this.startCompaction());
    });
  }

  /**
   * A compaction step that fails (a full disk) is dropped and tried again later: the journal still
   * holds every change, so only the disk space it would have freed is lost meanwhile.
   */
  private guarded(step: () => void): void {
    try {
      step();
    } catch (err) {
      if (this.compaction) {
        try {
          closeSync(this.compaction.fd);
        } catch {
          // Already closed.
        }
        this.compaction = undefined;
      }
      rmSync(this.tmp, { force: true });
      process.stderr.write(`weft: compacting ${this.files.state} failed, trying again in a minute: ${(err as Error).message}\n`);
      this.retry = setTimeout(() => {
        this.retry = undefined;
        this.scheduleCompaction();
      }, 60_000);
      this.retry.unref();
    }
  }

  private startCompaction(): void {
    if (this.fd === undefined) return;
    // With an old journal still there (a compaction that did not finish), the current one keeps
    // growing; its records up to the new snapshot's version are skipped on load.
    if (!existsSync(this.oldJournal)) {
      closeSync(this.fd);
      try {
        renameSync(this.files.journal, this.oldJournal);
        this.journalBytes = 0;
      } finally {
        this.fd = openSync(this.files.journal, 'a', 0o600);
      }
    }
    this.compaction = this.beginSnapshot();
    this.timer = setImmediate(() => this.guarded(() => this.continueCompaction()));
  }

  private continueCompaction(): void {
    this.timer = undefined;
    const c = this.compaction;
    if (!c) return;
    if (!this.writeSlice(c)) {
      this.timer = setImmediate(() => this.guarded(() => this.continueCompaction()));
      return;
    }
    this.finishSnapshot(c);
    this.compaction = undefined;
    if (this.journalOutgrown()) this.scheduleCompaction();
  }

  /** At startup, when there is no snapshot or it says something else (another loopback block). */
  private compactNow(): void {
    const c = this.beginSnapshot();
    while (!this.writeSlice(c));
    this.finishSnapshot(c);
    // Nothing was recorded meanwhile: the snapshot holds every change.
    ftruncateSync(this.fd!, 0);
    this.journalBytes = 0;
  }

  private beginSnapshot(): SnapshotWrite {
    return { fd: openSync(this.tmp, 'w', 0o600), version: this.store.resourceVersion, objects: this.store.all(), next: 0, bytes: 0 };
  }

  /** Writes the next slice of the snapshot, in state.json's format of old; true once it is all written. */
  private writeSlice(c: SnapshotWrite): boolean {
    let out = c.bytes === 0 ? `${JSON.stringify({ ...this.meta, resourceVersion: c.version }).slice(0, -1)},"resources":[` : '';
    while (c.next < c.objects.length && out.length < this.sliceBytes) out += (c.next > 0 ? ',' : '') + JSON.stringify(c.objects[c.next++]);
    const done = c.next === c.objects.length;
    if (done) out += ']}';
    c.bytes += writeAll(c.fd, out);
    return done;
  }

  private finishSnapshot(c: SnapshotWrite): void {
    fsyncSync(c.fd);
    closeSync(c.fd);
    renameSync(this.tmp, this.files.state);
    fsyncDirectory(dirname(this.files.state));
    this.snapshotBytes = c.bytes;
    rmSync(this.oldJournal, { force: true });
  }
}

function writeAll(fd: number, s: string): number {
  const buf = Buffer.from(s);
  for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off);
  return buf.length;
}

/** Makes a rename durable, so the journal it lets go of is never needed again. */
function fsyncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
