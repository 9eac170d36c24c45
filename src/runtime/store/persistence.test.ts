import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Resource } from '../../config/resource.js';
import { applyChange, comparable } from '../../../test/support/journal-workload.js';
import { encodeChange, readJournal } from './journal.js';
import { loadState, Persister, type PersisterOptions, type StateFiles } from './persistence.js';
import { Store } from './store.js';

const root = mkdtempSync(join(tmpdir(), 'weft-persist-'));
after(() => rmSync(root, { recursive: true, force: true }));

let dirs = 0;
function stateDir(): StateFiles & { dir: string } {
  const dir = join(root, String(dirs++));
  mkdirSync(dir);
  return { dir, state: join(dir, 'state.json'), journal: join(dir, 'state.journal') };
}

function open(files: StateFiles, meta: Record<string, unknown> = { block: 7 }, o?: PersisterOptions): { store: Store; persister: Persister } {
  const saved = loadState(files);
  const store = new Store(saved?.snapshot);
  return { store, persister: new Persister(store, files, meta, saved, o) };
}

/** The state the files load as, in a form to compare with a store. */
function loaded(files: StateFiles): { resourceVersion: number; objects: Record<string, unknown> } {
  const s = loadState(files);
  assert.ok(s, 'there is saved state');
  return { resourceVersion: s.snapshot.resourceVersion, objects: asJson(s.snapshot.resources) };
}

function current(store: Store): { resourceVersion: number; objects: Record<string, unknown> } {
  return { resourceVersion: store.resourceVersion, objects: asJson(store.all()) };
}

function asJson(resources: Resource[]): Record<string, unknown> {
  const byKey = Object.fromEntries(resources.map((r) => [`${r.kind}/${r.metadata.namespace ?? ''}/${r.metadata.name}`, r]));
  return JSON.parse(JSON.stringify(byKey)) as Record<string, unknown>;
}

function configMap(name: string, data: Record<string, string>, namespace = 'demo'): Resource {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data } as Resource;
}

function fileState(path: string): { ino: number; size: number; mtimeMs: number } {
  const s = statSync(path);
  return { ino: s.ino, size: s.size, mtimeMs: s.mtimeMs };
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('store persistence', () => {
  test('every change is in the journal when the store call returns; the files resume as the store was', () => {
    const f = stateDir();
    const { store, persister } = open(f);
    store.put(configMap('a', { k: '1' }));
    store.put(configMap('b', { k: '2' }));
    store.setStatus('ConfigMap', 'demo', 'a', { seen: 1 });
    store.update('ConfigMap', 'demo', 'b', (r) => void (r.metadata.labels = { app: 'b' }));
    store.delete('ConfigMap', 'demo', 'a');
    // Read without closing: what a kill at this moment would leave.
    assert.deepEqual(loaded(f), current(store));
    persister.close();
  });

  test('reads a state.json written before the journal existed, and carries on without rewriting it', () => {
    const f = stateDir();
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default', uid: 'u1', creationTimestamp: '2025-01-01T00:00:00.000Z', generation: 1, resourceVersion: '1' } };
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default', uid: 'u2', creationTimestamp: '2025-01-01T00:00:00.000Z', generation: 1, resourceVersion: '2' }, data: { k: 'v' } };
    writeFileSync(f.state, JSON.stringify({ block: 7, resourceVersion: 2, resources: [ns, cm] }));
    const saved = loadState(f)!;
    assert.deepEqual(saved.meta, { block: 7 });
    assert.deepEqual(saved.snapshot, { resourceVersion: 2, resources: [ns, cm] });
    const before = fileState(f.state);
    const { store, persister } = open(f);
    store.update('ConfigMap', 'default', 'c', (r) => void (r.metadata.annotations = { a: 'b' }));
    assert.deepEqual(fileState(f.state), before);
    assert.deepEqual(loaded(f), current(store));
    assert.equal(loaded(f).resourceVersion, 3);
    persister.close();
  });

  test('a snapshot is written at once when there is none, or when it names other metadata (another block)', () => {
    const f = stateDir();
    const first = open(f, { block: 7 });
    assert.equal(JSON.parse(readFileSync(f.state, 'utf8')).block, 7);
    first.store.put(configMap('a', { k: '1' }));
    first.persister.close();
    assert.ok(statSync(f.journal).size > 0);
    const second = open(f, { block: 9 });
    const snapshot = JSON.parse(readFileSync(f.state, 'utf8')) as { block: number; resourceVersion: number };
    assert.deepEqual([snapshot.block, snapshot.resourceVersion], [9, 1]);
    assert.equal(statSync(f.journal).size, 0);
    assert.deepEqual(loaded(f), current(second.store));
    second.persister.close();
  });

  test('a last line cut short by a kill is dropped, so later appends start on a line of their own', () => {
    const f = stateDir();
    const first = open(f);
    first.store.put(configMap('a', { k: '1' }));
    first.persister.close();
    appendFileSync(f.journal, encodeChange({ op: 'put', resourceVersion: 2, object: configMap('b', {}) }).slice(0, 30));
    assert.equal(loaded(f).resourceVersion, 1);
    const second = open(f);
    second.store.put(configMap('c', { k: '3' }));
    assert.deepEqual(loaded(f), current(second.store));
    assert.deepEqual(Object.keys(loaded(f).objects), ['ConfigMap/demo/a', 'ConfigMap/demo/c']);
    second.persister.close();
  });

  test('when the journal outgrows the snapshot, a new snapshot replaces both in the background while changes go on', async () => {
    const f = stateDir();
    const { store, persister } = open(f, { block: 7 }, { minCompactBytes: 4096, sliceBytes: 512 });
    let i = 0;
    while (!persister.compacting) applyChange(store, i++);
    let during = 0;
    while (persister.compacting) {
      applyChange(store, i++);
      during++;
      assert.deepEqual(loaded(f), current(store));
      await turn();
    }
    assert.ok(during > 2, `compaction spanned ${during} turns`);
    const snapshot = JSON.parse(readFileSync(f.state, 'utf8')) as { resourceVersion: number };
    assert.ok(snapshot.resourceVersion >= i - during && snapshot.resourceVersion < i, `snapshot at ${snapshot.resourceVersion} of ${i}`);
    // The journal starts where the snapshot ends.
    assert.deepEqual(readJournal(f.journal)!.records.map((r) => r.rv), Array.from({ length: i - snapshot.resourceVersion }, (_, n) => snapshot.resourceVersion + 1 + n));
    assert.deepEqual(readdirSync(f.dir).sort(), ['state.journal', 'state.json']);
    assert.deepEqual(loaded(f), current(store));
    persister.close();
  });

  test('a kill between any two steps of a compaction resumes with every change', async () => {
    const f = stateDir();
    const { store, persister } = open(f, { block: 7 }, { minCompactBytes: 2048, sliceBytes: 256 });
    let i = 0;
    while (!persister.compacting) applyChange(store, i++);
    await turn(); // the compaction begins: the journal is set aside and the snapshot started
    // What the directory holds at each turn is what a SIGKILL at that moment leaves (every write is synchronous).
    const kills: { files: Map<string, Buffer>; expected: ReturnType<typeof current>; step: string }[] = [];
    const capture = (step: string): Map<string, Buffer> => {
      const files = new Map(readdirSync(f.dir).map((n) => [n, readFileSync(join(f.dir, n))]));
      kills.push({ files, expected: current(store), step });
      return files;
    };
    const atStart = capture('journal set aside, nothing written since');
    assert.ok(atStart.has('state.journal.old') && atStart.has('state.json.tmp'));
    assert.equal(atStart.get('state.journal')!.length, 0);
    const noJournal = new Map(atStart);
    noJournal.delete('state.journal');
    kills.push({ files: noJournal, expected: kills[0]!.expected, step: 'journal set aside, new one not yet created' });
    let last = atStart;
    for (let n = 0; persister.compacting; n++) {
      if (n % 2 === 0) applyChange(store, i++);
      last = capture(`snapshot being written, turn ${n}`);
      await turn();
    }
    capture('compaction finished');
    const renamedNotRemoved = new Map(kills[kills.length - 1]!.files);
    renamedNotRemoved.set('state.journal.old', last.get('state.journal.old')!);
    kills.push({ files: renamedNotRemoved, expected: kills[kills.length - 1]!.expected, step: 'snapshot renamed, old journal not yet removed' });
    persister.close();

    for (const k of kills) {
      const g = stateDir();
      for (const [name, data] of k.files) writeFileSync(join(g.dir, name), data);
      assert.deepEqual(loaded(g), k.expected, k.step);
      // And a runtime resuming from there carries on, finishing what the compaction left.
      const resumed = open(g, { block: 7 }, { minCompactBytes: 2048, sliceBytes: 256 });
      resumed.store.put(configMap('after-kill', { step: k.step }));
      while (resumed.persister.compacting) await turn();
      assert.deepEqual(loaded(g), current(resumed.store), k.step);
      assert.equal(existsSync(join(g.dir, 'state.journal.old')), false, k.step);
      resumed.persister.close();
    }
  });

  test('a change that cannot be recorded is not made', () => {
    const f = stateDir();
    const { store, persister } = open(f);
    store.put(configMap('a', { k: '1' }));
    persister.close();
    const before = current(store);
    assert.throws(() => store.put(configMap('b', {})), /state is closed/);
    assert.throws(() => store.setStatus('ConfigMap', 'demo', 'a', { x: 1 }), /state is closed/);
    assert.throws(() => store.delete('ConfigMap', 'demo', 'a'), /state is closed/);
    assert.deepEqual(current(store), before);
    assert.deepEqual(loaded(f), before);
  });

  test('a damaged state.json is an error naming the file', () => {
    const f = stateDir();
    writeFileSync(f.state, '{"block":7,"resourceVersion":3,"resou');
    assert.throws(() => loadState(f), (err: Error) => err.message.startsWith(`${f.state}: not a Weft state file`));
    writeFileSync(f.state, '{"block":7}');
    assert.throws(() => loadState(f), { message: `${f.state}: not a Weft state file` });
  });

  test('no files is no saved state', () => {
    assert.equal(loadState(stateDir()), undefined);
  });
});

describe('persistence costs grow with the whole state (issue 7 defect 3)', () => {
  test('a change to a large state appends the size of that change and leaves the snapshot alone', async () => {
    const f = stateDir();
    const pad = 'x'.repeat(1500);
    const resources = Array.from({ length: 20_000 }, (_, n) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `cm-${n}`, namespace: 'bulk', uid: `uid-${n}`, creationTimestamp: '2025-01-01T00:00:00.000Z', generation: 1, resourceVersion: String(n + 1) },
      data: { n: String(n), pad },
    })) as Resource[];
    const store = new Store({ resourceVersion: resources.length, resources });
    const persister = new Persister(store, f, { block: 7 }, undefined);
    const snapshot = fileState(f.state);
    assert.ok(snapshot.size > 30_000_000, `state of ${snapshot.size} bytes`);

    let appended = 0;
    for (let n = 0; n < 10; n++) {
      const size = statSync(f.journal).size;
      const changed = store.update('ConfigMap', 'bulk', `cm-${n * 1000}`, (r) => void (r.metadata.annotations = { touched: String(n) }))!;
      const growth = statSync(f.journal).size - size;
      // Exactly the change's record: the object, its version and a few bytes of framing.
      assert.equal(growth, Buffer.byteLength(encodeChange({ op: 'put', resourceVersion: store.resourceVersion, object: changed })));
      assert.ok(growth < JSON.stringify(changed).length + 64, `a change of ${growth} bytes`);
      appended += growth;
    }
    assert.equal(statSync(f.journal).size, appended);
    store.setStatus('ConfigMap', 'bulk', 'cm-1', { observed: true });
    assert.ok(statSync(f.journal).size - appended < 200, 'a status change records the status alone');
    // Nor later: the whole state written on a later turn would cost as much as before.
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    assert.deepEqual(fileState(f.state), snapshot, 'the snapshot is not rewritten');
    assert.equal(persister.compacting, false);

    const resumed = loadState(f)!;
    assert.equal(resumed.snapshot.resourceVersion, store.resourceVersion);
    const touched = resumed.snapshot.resources.filter((r) => r.metadata.annotations?.touched !== undefined);
    assert.deepEqual(touched.map((r) => r.metadata.name), Array.from({ length: 10 }, (_, n) => `cm-${n * 1000}`));
    persister.close();
  });

  test('a process killed at a random moment resumes with every change it acknowledged', async (t) => {
    const f = stateDir();
    const child = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'support', 'journal-child.js');
    const expected = new Store();
    let made = 0;
    for (let round = 0; round < 8; round++) {
      const killAfter = 1 + Math.floor(Math.random() * 600);
      const { acknowledged, ready } = await killWhileChanging(child, f.dir, killAfter);
      const resumed = loaded(f);
      t.diagnostic(`round ${round}: resumed at ${ready}, killed after ${killAfter} acks at ${acknowledged}, loads ${resumed.resourceVersion}${existsSync(`${f.journal}.old`) ? ' (mid-compaction)' : ''}`);
      // Every acknowledged change, and at most the one that was being made.
      assert.ok(resumed.resourceVersion >= acknowledged && resumed.resourceVersion <= acknowledged + 1, `loads ${resumed.resourceVersion}, acknowledged ${acknowledged}`);
      while (made < resumed.resourceVersion) applyChange(expected, made++);
      assert.deepEqual(comparable(loadState(f)!.snapshot.resources), comparable(expected.all()));
    }
    assert.ok(existsSync(f.state), 'compactions happened along the way');
  });
});

/** Runs journal-child on `dir` and SIGKILLs it after its `killAfter`-th acknowledgement; returns the last one it printed. */
function killWhileChanging(child: string, dir: string, killAfter: number): Promise<{ acknowledged: number; ready: number }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const timer = setTimeout(() => p.kill('SIGKILL'), 20_000);
    let out = '';
    let acks = 0;
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      acks = out.split('\n').length - 2;
      if (acks >= killAfter) p.kill('SIGKILL');
    });
    p.on('error', reject);
    p.on('close', (_code, signal) => {
      clearTimeout(timer);
      const lines = out.split('\n').slice(0, -1);
      const ready = /^ready (\d+)$/.exec(lines[0] ?? '');
      if (!ready || signal !== 'SIGKILL' || acks < killAfter) {
        reject(new Error(`journal-child ended by ${signal ?? 'exit'} after ${acks} of ${killAfter} acknowledgements: ${lines.slice(0, 3).join(' | ')}`));
        return;
      }
      const acked = lines.slice(1).map(Number);
      resolve({ ready: Number(ready[1]), acknowledged: acked.length ? acked[acked.length - 1]! : Number(ready[1]) });
    });
  });
}
