// A process that keeps changing a persisted store and says which resource version each change
// acknowledged, for a test to kill at any moment: node journal-child.js STATE_DIR
// Compactions are made small and frequent so that kills land inside them too.

import { join } from 'node:path';
import { loadState, Persister } from '../../src/runtime/store/persistence.js';
import { Store } from '../../src/runtime/store/store.js';
import { applyChange } from './journal-workload.js';

const dir = process.argv[2]!;
const files = { state: join(dir, 'state.json'), journal: join(dir, 'state.journal') };
const saved = loadState(files);
const store = new Store(saved?.snapshot);
new Persister(store, files, { owner: 'journal-child' }, saved, { minCompactBytes: 16 * 1024, sliceBytes: 1024 });
process.stdout.write(`ready ${store.resourceVersion}\n`);

for (let i = store.resourceVersion; ; i++) {
  applyChange(store, i);
  // Writes to a pipe are synchronous on Linux: once this returns, the parent can know of it.
  process.stdout.write(`${store.resourceVersion}\n`);
  // Let compaction slices run between changes, as API requests interleave with them in the runtime.
  await new Promise((r) => setImmediate(r));
}
