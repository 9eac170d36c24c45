import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resourceKey, type Resource } from '../../config/resource.js';
import { encodeChange, readJournal, replay } from './journal.js';
import { Store } from './store.js';

const dir = mkdtempSync(join(tmpdir(), 'weft-journal-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function configMap(name: string, data: Record<string, string>): Resource {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'demo' }, data } as Resource;
}

/** A store whose changes are written to a journal file as the persister writes them. */
function journaled(file: string): Store {
  const store = new Store();
  writeFileSync(file, '');
  store.recordChangesWith((c) => appendFileSync(file, encodeChange(c)));
  return store;
}

function byKey(resources: Iterable<Resource>): Map<string, Resource> {
  return new Map([...resources].map((r) => [resourceKey(r.kind, r.metadata.namespace, r.metadata.name), r]));
}

describe('store journal', () => {
  test('replaying the records rebuilds the store: puts, status-only changes, deletions', () => {
    const file = join(dir, 'replay.journal');
    const store = journaled(file);
    store.put(configMap('a', { k: '1' }));
    store.put(configMap('b', { k: '2' }));
    store.setStatus('ConfigMap', 'demo', 'a', { seen: true });
    store.update('ConfigMap', 'demo', 'b', (r) => void (r.metadata.labels = { app: 'b' }));
    store.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'cluster-scoped' } });
    store.delete('ConfigMap', 'demo', 'a');
    store.put(configMap('a', { k: '3' }));

    const j = readJournal(file)!;
    assert.equal(j.records.length, 7);
    assert.equal(j.tornBytes, 0);
    const objects = new Map<string, Resource>();
    assert.equal(replay(objects, j.records, 0, file), store.resourceVersion);
    assert.deepEqual(objects, byKey(store.all()));
  });

  test('a status-only change is recorded as the status alone', () => {
    const file = join(dir, 'status.journal');
    const store = journaled(file);
    store.put(configMap('big', { blob: 'x'.repeat(10_000) }));
    store.setStatus('ConfigMap', 'demo', 'big', { phase: 'Seen' });
    const lines = readJournal(file)!.records.map((r) => JSON.stringify(r).length);
    assert.ok(lines[0]! > 10_000);
    assert.ok(lines[1]! < 200, `status record of ${lines[1]} bytes`);
    const objects = new Map<string, Resource>();
    replay(objects, readJournal(file)!.records, 0, file);
    assert.deepEqual(objects.get('ConfigMap/demo/big'), store.get('ConfigMap', 'demo', 'big'));
  });

  test('records at or below the snapshot version are skipped', () => {
    const file = join(dir, 'skip.journal');
    const store = journaled(file);
    store.put(configMap('a', { k: '1' }));
    const snapshot = structuredClone(store.snapshot());
    store.put(configMap('b', { k: '2' }));
    // Were the record of "a" (version 1) replayed, "a" would come back.
    const objects = byKey(snapshot.resources);
    objects.delete('ConfigMap/demo/a');
    assert.equal(replay(objects, readJournal(file)!.records, snapshot.resourceVersion, file), 2);
    assert.deepEqual([...objects.keys()], ['ConfigMap/demo/b']);
  });

  test('a last line cut short by a kill is ignored, and where the whole lines end is reported', () => {
    const file = join(dir, 'torn.journal');
    const store = journaled(file);
    store.put(configMap('a', { k: '1' }));
    store.put(configMap('b', { k: '2' }));
    const whole = readJournal(file)!.validBytes;
    appendFileSync(file, encodeChange({ op: 'put', resourceVersion: 3, object: configMap('c', {}) }).slice(0, 25));
    const j = readJournal(file)!;
    assert.equal(j.records.length, 2);
    assert.equal(j.validBytes, whole);
    assert.equal(j.tornBytes, 25);
  });

  test('a damaged whole line is an error naming the file and the line', () => {
    const file = join(dir, 'corrupt.journal');
    const store = journaled(file);
    store.put(configMap('a', { k: '1' }));
    appendFileSync(file, '{"rv":2,"put":\n');
    store.put(configMap('b', { k: '2' }));
    assert.throws(() => readJournal(file), (err: Error) => err.message.startsWith(`${file}: line 2 is not a journal record`));
    writeFileSync(file, '{"rv":1,"nothing":{}}\n');
    assert.throws(() => readJournal(file), (err: Error) => err.message.startsWith(`${file}: line 1 is not a journal record`));
  });

  test('a record that does not fit the state it is replayed on is an error naming the file', () => {
    const file = join(dir, 'misfit.journal');
    writeFileSync(file, `${JSON.stringify({ rv: 5, status: { kind: 'ConfigMap', namespace: 'demo', name: 'gone', value: {} } })}\n`);
    assert.throws(() => replay(new Map(), readJournal(file)!.records, 0, file), { message: `${file}: resource version 5 sets the status of ConfigMap/demo/gone, which does not exist` });
  });

  test('no journal file reads as none', () => {
    assert.equal(readJournal(join(dir, 'absent.journal')), undefined);
  });
});
