// A deterministic stream of store changes: change i is the same whoever makes it, so a state that
// resumed after a kill can be checked against the same changes made in memory.

import type { Resource } from '../../src/config/resource.js';
import type { Store } from '../../src/runtime/store/store.js';

/** Makes change number `i` (from 0): every change moves the store's resource version by exactly one. */
export function applyChange(store: Store, i: number): void {
  const name = `cm-${(i * 7919) % 40}`;
  if (!store.get('ConfigMap', 'demo', name)) {
    store.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'demo' }, data: { born: String(i), pad: 'x'.repeat(400) } } as Resource);
    return;
  }
  switch (i % 4) {
    case 0:
      store.delete('ConfigMap', 'demo', name);
      break;
    case 1:
      store.setStatus('ConfigMap', 'demo', name, { observed: i });
      break;
    case 2:
      store.update('ConfigMap', 'demo', name, (r) => void (r.metadata.annotations = { 'weft.test/change': String(i) }));
      break;
    default:
      store.update('ConfigMap', 'demo', name, (r) => void ((r as Resource & { data: Record<string, string> }).data.last = String(i)));
  }
}

/** Objects by kind/namespace/name as JSON has them, without what differs from run to run (uids, creation times). */
export function comparable(resources: Resource[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const r of resources) {
    const { uid: _uid, creationTimestamp: _created, ...metadata } = r.metadata;
    out[`${r.kind}/${metadata.namespace ?? ''}/${metadata.name}`] = { ...r, metadata };
  }
  return JSON.parse(JSON.stringify(out)) as Record<string, unknown>;
}
