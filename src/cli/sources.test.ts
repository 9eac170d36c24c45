import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { CliError } from './errors.js';
import { readSources } from './sources.js';

const dir = mkdtempSync(join(tmpdir(), 'weft-sources-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const configMap = (name: string, value: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  k: ${value}\n`;

describe('no object size limit, and YAML aliases multiply size (issue 7 defect 2)', () => {
  test('manifests too large for one request are refused here, naming file, document and field', async () => {
    const file = join(dir, 'huge.yaml');
    writeFileSync(file, `${configMap('small', 'v')}---\n${configMap('huge', 'x'.repeat(20 * 1024 * 1024))}`);
    await assert.rejects(readSources([file], false, Readable.from([])), (err: unknown) => {
      assert.ok(err instanceof CliError);
      assert.equal(err.message, `error: ${file}:13 document 2 (ConfigMap huge): data.k: Too long: the object must have at most 1572864 bytes as JSON, aliases expanded (this field holds the most)`);
      return true;
    });
  });

  test('many valid files that are together too large for one request say so', async () => {
    const sub = join(dir, 'many');
    const files = Array.from({ length: 17 }, (_, i) => join(sub, `cm-${i}.yaml`));
    mkdirSync(sub);
    for (const [i, f] of files.entries()) writeFileSync(f, configMap(`c${i}`, `"${'x'.repeat(1000 * 1024)}"`));
    await assert.rejects(readSources([sub], false, Readable.from([])), /^Error: error: the manifests come to \d+ bytes, and one request carries at most 16777216 \(16 MiB\); apply fewer files at a time$/);
    assert.equal((await readSources([files[0]!], false, Readable.from([]))).length, 1);
  });
});
