// Every Istio sample manifest the issue lists is taken by a runtime: dry run first (nothing stored),
// then for real. Images may be unknown to Weft; that shows when pods run, never at apply.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, formatIssue } from '../config/errors.js';
import { istioSampleFiles } from '../../test/support/istio-samples.js';
import { statePaths } from './paths.js';
import { Runtime } from './runtime.js';

const files = istioSampleFiles();

describe("Istio's sample manifests", { skip: files.length === 0 ? 'no Istio samples seeded' : false }, () => {
  let home: string;
  let rt: Runtime;

  before(() => {
    home = mkdtempSync(join(tmpdir(), 'weft-samples-'));
    rt = new Runtime({ paths: statePaths(home), block: 251, hostPath: '/usr/bin:/bin', api: { host: '127.0.0.1', port: 1, token: 't' } });
  });

  after(async () => {
    await rt.shutdown();
    rmSync(home, { recursive: true, force: true });
  });

  test('the seeded releases hold the samples the issue lists', () => {
    const names = files.map((f) => f.name);
    for (const sample of ['bookinfo/platform/kube/bookinfo.yaml', 'httpbin/httpbin.yaml', 'sleep/sleep.yaml', 'helloworld/helloworld.yaml']) {
      assert.ok(names.some((n) => n.endsWith(sample)), sample);
    }
    assert.ok(names.some((n) => n.includes('/addons/')), 'addons');
    assert.ok(files.filter((f) => !f.skip).length > 100, `only ${files.filter((f) => !f.skip).length} files to apply`);
  });

  // One synchronous test: every file is applied and removed again before the reconciler gets a
  // turn, so no pod is created and no process started, and releases never meet in one namespace.
  test('every manifest is accepted by a dry run and then by a real apply', () => {
    const rejected: string[] = [];
    let applied = 0;
    for (const f of files) {
      if (f.skip) continue;
      for (const ns of ['samples', ...f.namespaces]) {
        if (!rt.store.get('Namespace', undefined, ns)) rt.store.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      }
      const sources = [{ name: f.name, text: f.text }];
      const req = { sources, namespace: 'samples', enforceNamespace: false, mode: 'apply' as const };
      try {
        const version = rt.store.resourceVersion;
        const dry = rt.apply({ ...req, dryRun: true });
        assert.equal(rt.store.resourceVersion, version, `${f.name}: a dry run stores nothing`);
        assert.ok(dry.every((l) => l.endsWith(' (dry run)')), f.name);
        const lines = rt.apply({ ...req, dryRun: false });
        assert.deepEqual(lines, dry.map((l) => l.replace(/ \(dry run\)$/, '')), f.name);
        rt.deleteFromSources({ sources, namespace: 'samples', enforceNamespace: false, ignoreNotFound: true });
        applied++;
      } catch (err) {
        rejected.push(`${f.name}: ${err instanceof ConfigError ? err.issues.map(formatIssue).join('; ') : String(err)}`);
      }
    }
    assert.deepEqual(rejected, []);
    assert.ok(applied > 100);
  });

  test('an extensions/v1beta1 Deployment without a selector is stored as apps/v1 with one from its labels', () => {
    const old = files.find((f) => !f.skip && f.name.startsWith('istio-1.0.4') && f.name.endsWith('bookinfo/platform/kube/bookinfo.yaml'));
    assert.ok(old, 'istio-1.0.4 bookinfo.yaml');
    assert.match(old.text, /apiVersion: extensions\/v1beta1\nkind: Deployment/);
    const lines = rt.apply({ sources: [{ name: old.name, text: old.text }], namespace: 'samples', enforceNamespace: false, mode: 'apply', dryRun: false });
    assert.ok(lines.includes('deployment.apps/productpage-v1 created'), lines.join('\n'));
    const d = rt.get('Deployment', 'samples', 'productpage-v1');
    assert.equal(d.apiVersion, 'apps/v1');
    assert.deepEqual((d.spec as { selector: unknown }).selector, { matchLabels: { app: 'productpage', version: 'v1' } });
    rt.deleteFromSources({ sources: [{ name: old.name, text: old.text }], namespace: 'samples', enforceNamespace: false, ignoreNotFound: true });
  });
});
