// The store's journal: one NDJSON line per change, so recording a change costs what the change is.
//   {"rv":N,"put":OBJECT}                                     an object as stored
//   {"rv":N,"status":{"kind","namespace","name","value"}}     only its status (and resourceVersion) changed
//   {"rv":N,"delete":{"kind","namespace","name"}}
// N is the store's resource version once the change is made.

import { readFileSync } from 'node:fs';
import { resourceKey, type Resource } from '../../config/resource.js';
import type { StoreChange } from './store.js';

interface Ref {
  kind: string;
  namespace?: string;
  name: string;
}

export type JournalRecord =
  | { rv: number; put: Resource }
  | { rv: number; status: Ref & { value?: unknown } }
  | { rv: number; delete: Ref };

export function encodeChange(c: StoreChange): string {
  const o = c.object;
  const ref: Ref = { kind: o.kind, ...(o.metadata.namespace !== undefined ? { namespace: o.metadata.namespace } : {}), name: o.metadata.name };
  const record: JournalRecord =
    c.op === 'put' ? { rv: c.resourceVersion, put: o } : c.op === 'status' ? { rv: c.resourceVersion, status: { ...ref, value: o.status } } : { rv: c.resourceVersion, delete: ref };
  return `${JSON.stringify(record)}\n`;
}

export interface JournalContents {
  records: JournalRecord[];
  /** Bytes up to the end of the last whole line: what a writer carries on from. */
  validBytes: number;
  /** Bytes of a last line cut short (the process was killed while appending it); ignored. */
  tornBytes: number;
}

/** Reads a journal; undefined when there is none. A line that is whole but not a record is an error naming the file. */
export function readJournal(path: string): JournalContents | undefined {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const validBytes = buf.lastIndexOf(0x0a) + 1;
  const lines = buf.toString('utf8', 0, validBytes).split('\n');
  lines.pop();
  const records = lines.map((line, i) => parseRecord(line, () => `${path}: line ${i + 1} is not a journal record`));
  return { records, validBytes, tornBytes: buf.length - validBytes };
}

function parseRecord(line: string, where: () => string): JournalRecord {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (err) {
    throw new Error(`${where()}: ${(err as Error).message}`);
  }
  const r = v as { rv?: unknown; put?: unknown; status?: unknown; delete?: unknown } | null;
  const ok = isObject(r) && Number.isSafeInteger(r.rv) && ((isObject(r.put) && isRef({ kind: r.put.kind, ...(isObject(r.put.metadata) ? r.put.metadata : {}) })) || isRef(r.status) || isRef(r.delete));
  if (!ok) throw new Error(`${where()}: ${line.slice(0, 80)}`);
  return v as JournalRecord;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null;
}

function isRef(x: unknown): boolean {
  return isObject(x) && typeof x.kind === 'string' && typeof x.name === 'string';
}

/**
 * Applies the records newer than `version` to `objects` (keyed by resourceKey), in order; returns the
 * resource version reached. Older records are already in the snapshot `objects` came from.
 */
export function replay(objects: Map<string, Resource>, records: JournalRecord[], version: number, path: string): number {
  for (const r of records) {
    if (r.rv <= version) continue;
    if ('put' in r) {
      objects.set(resourceKey(r.put.kind, r.put.metadata.namespace, r.put.metadata.name), r.put);
    } else if ('status' in r) {
      const key = resourceKey(r.status.kind, r.status.namespace, r.status.name);
      const prev = objects.get(key);
      if (!prev) throw new Error(`${path}: resource version ${r.rv} sets the status of ${key}, which does not exist`);
      objects.set(key, { ...prev, metadata: { ...prev.metadata, resourceVersion: String(r.rv) }, status: r.status.value });
    } else {
      const key = resourceKey(r.delete.kind, r.delete.namespace, r.delete.name);
      if (!objects.delete(key)) throw new Error(`${path}: resource version ${r.rv} deletes ${key}, which does not exist`);
    }
    version = r.rv;
  }
  return version;
}
