import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, formatIssue } from '../config/errors.js';
import { statePaths } from './paths.js';
import { Runtime } from './runtime.js';

describe('label and annotate skip validation (issue 7 defect 5)', () => {
  let home: string;
  let rt: Runtime;

  before(() => {
    home = mkdtempSync(join(tmpdir(), 'weft-runtime-'));
    // No pods are created, so this runtime starts no process.
    rt = new Runtime({ paths: statePaths(home), block: 250, hostPath: '/usr/bin:/bin', api: { host: '127.0.0.1', port: 1, token: 't' } });
    rt.apply({ sources: [{ name: 'ns.yaml', text: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: y\n' }], namespace: 'default', enforceNamespace: false, mode: 'apply', dryRun: false });
  });

  after(async () => {
    await rt.shutdown();
    rmSync(home, { recursive: true, force: true });
  });

  /** Runs a label or annotate that must be refused, and returns its issues as the CLI prints them. */
  function refused(f: () => unknown): string[] {
    const version = rt.store.resourceVersion;
    let issues: string[] = [];
    assert.throws(f, (err: unknown) => {
      assert.ok(err instanceof ConfigError, String(err));
      issues = err.issues.map(formatIssue);
      return true;
    });
    assert.equal(rt.store.resourceVersion, version, 'nothing is stored');
    return issues;
  }

  test('a label key with a space and a bang is refused in Kubernetes words', () => {
    const issues = refused(() => rt.label('Namespace', undefined, ['x'], 'labels', { 'Bad Key!': 'ok' }, [], false));
    assert.deepEqual(issues, [
      `Namespace x: metadata.labels: Invalid value: "Bad Key!": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    ]);
    assert.equal(rt.get('Namespace', undefined, 'x').metadata.labels, undefined);
  });

  test('a 300-character label value is refused', () => {
    const issues = refused(() => rt.label('Namespace', undefined, ['x'], 'labels', { app: 'a'.repeat(300) }, [], false));
    assert.equal(issues.length, 1);
    assert.match(issues[0]!, /^Namespace x: metadata\.labels\.app: Invalid value: "a{80}\.\.\.\(220 more characters\)": must be no more than 63 characters$/);
  });

  test('annotations are refused over 256 KiB in all, or with a malformed key', () => {
    assert.deepEqual(rt.label('Namespace', undefined, ['y'], 'annotations', { big: 'x'.repeat(200 * 1024) }, [], false), ['namespace/y annotated']);
    const issues = refused(() => rt.label('Namespace', undefined, ['x', 'y'], 'annotations', { more: 'x'.repeat(100 * 1024) }, [], false));
    // x alone would be fine, but nothing is stored unless every object passes.
    assert.deepEqual(issues, ['Namespace y: metadata.annotations: Too long: must have at most 262144 bytes']);
    assert.equal(rt.get('Namespace', undefined, 'x').metadata.annotations, undefined);
    assert.match(refused(() => rt.label('Namespace', undefined, ['x'], 'annotations', { 'a/b/c': 'v' }, [], false))[0]!, /^Namespace x: metadata\.annotations: Invalid value: "a\/b\/c": a qualified name must consist of/);
  });

  test('valid changes are stored, and removing a key is never refused', () => {
    assert.deepEqual(rt.label('Namespace', undefined, ['x', 'y'], 'labels', { 'example.com/tier': 'front_end-1.0' }, [], false), ['namespace/x labeled', 'namespace/y labeled']);
    assert.deepEqual(rt.get('Namespace', undefined, 'y').metadata.labels, { 'example.com/tier': 'front_end-1.0' });
    assert.deepEqual(rt.label('Namespace', undefined, ['y'], 'annotations', {}, ['big'], false), ['namespace/y annotated']);
    assert.equal(rt.get('Namespace', undefined, 'y').metadata.annotations, undefined);
  });
});
