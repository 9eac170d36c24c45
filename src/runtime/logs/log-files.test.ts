import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rotatedFiles, rotatedPath } from './log-files.js';

const tmp = mkdtempSync(join(tmpdir(), 'weft-log-files-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('rotatedFiles', () => {
  test('lists a log\'s rotated files oldest first, by number, and nothing else', () => {
    const live = join(tmp, 'app.log');
    for (const name of ['app.log', 'app.log.10', 'app.log.9', 'app.log.11', 'app.log.bak', 'app.log.0', 'app.log.01', 'app2.log.3', 'app.log.3.gz']) {
      writeFileSync(join(tmp, name), '');
    }
    assert.deepEqual(rotatedFiles(live), [9, 10, 11].map((seq) => ({ path: rotatedPath(live, seq), seq })));
  });

  test('a directory that does not exist has none', () => {
    assert.deepEqual(rotatedFiles(join(tmp, 'nowhere', 'app.log')), []);
  });
});
