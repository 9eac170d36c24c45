import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { istioKinds } from './index.js';
import { specIssues } from './spec-issues.js';

// The workshop's manifests, as the repo carries them (unchanged copies of the seed files).
const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'samples', 'happy-istio');

test('every Istio document in the workshop manifests validates', () => {
  assert.ok(existsSync(dir), `no manifests at ${dir}`);
  let checked = 0;
  for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      const o = doc.toJS() as { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string }; spec?: unknown } | null;
      if (!o?.apiVersion || !o.kind) continue;
      const [group, version] = o.apiVersion.split('/');
      const info = istioKinds.find((k) => k.kind === o.kind && k.group === group);
      if (!info) continue;
      assert.ok(info.versions.includes(version!), `${file}: ${o.apiVersion} ${o.kind}`);
      const list = specIssues(info, o.spec, { name: o.metadata?.name ?? '', namespace: o.metadata?.namespace ?? 'default' });
      assert.deepEqual(list, [], `${file}: ${o.kind} ${o.metadata?.name}`);
      checked++;
    }
  }
  assert.ok(checked >= 9, `expected the workshop's Istio documents, checked ${checked}`);
});
