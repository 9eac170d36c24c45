import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rotatedFiles } from './log-files.js';
import { RotatingLog } from './rotating-log.js';

const tmp = mkdtempSync(join(tmpdir(), 'weft-rotating-log-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

let seq = 0;
function freshPath(): string {
  return join(tmp, `case-${seq++}`, 'app.log');
}

/** Every file of the log, oldest first, concatenated. */
function onDisk(live: string): string {
  return [...rotatedFiles(live).map((f) => f.path), live].map((p) => readFileSync(p, 'utf8')).join('');
}

function numbered(from: number, to: number, width = 20): string {
  let s = '';
  for (let i = from; i <= to; i++) s += `${`line ${i}`.padEnd(width - 1, '.')}\n`;
  return s;
}

describe('RotatingLog', () => {
  test('keeps at most maxFiles files of at most maxBytes, holding the newest bytes exactly', () => {
    const path = freshPath();
    const log = new RotatingLog(path, { maxBytes: 1000, maxFiles: 3 });
    const all = numbered(1, 1000);
    // Chunks of odd sizes, so lines arrive split across writes.
    for (let i = 0; i < all.length; i += 333) log.write(Buffer.from(all.slice(i, i + 333)));
    log.close();
    const files = readdirSync(join(path, '..')).sort();
    assert.equal(files.length, 3, files.join(' '));
    for (const f of files) assert.ok(statSync(join(path, '..', f)).size <= 1000, f);
    const kept = onDisk(path);
    assert.ok(kept.length > 2000, `${kept.length} bytes kept`);
    assert.equal(kept, all.slice(all.length - kept.length), 'a suffix of what was written, without gap or repeat');
  });

  test('rotates on a line end when one fits, and numbers rotated files upward', () => {
    const path = freshPath();
    const log = new RotatingLog(path, { maxBytes: 50, maxFiles: 10 });
    log.write(Buffer.from(numbered(1, 2))); // 40 bytes
    log.write(Buffer.from(numbered(3, 4))); // would pass 50: line 3 does not fit, so it starts the next file
    log.close();
    assert.deepEqual(rotatedFiles(path).map((f) => f.seq), [1]);
    assert.equal(readFileSync(`${path}.1`, 'utf8'), numbered(1, 2));
    assert.equal(readFileSync(path, 'utf8'), numbered(3, 4));
  });

  test('splits a line longer than a whole file, losing nothing', () => {
    const path = freshPath();
    const log = new RotatingLog(path, { maxBytes: 10, maxFiles: 5 });
    log.write(Buffer.from('abcdefghijklmnopqrstuvwxy\n'));
    log.close();
    assert.equal(onDisk(path), 'abcdefghijklmnopqrstuvwxy\n');
    assert.deepEqual(rotatedFiles(path).map((f) => statSync(f.path).size), [10, 10]);
  });

  test('a new writer goes on where the last one stopped, and prunes to a lower file count', () => {
    const path = freshPath();
    const first = new RotatingLog(path, { maxBytes: 100, maxFiles: 5 });
    first.write(Buffer.from(numbered(1, 18)));
    first.close();
    assert.deepEqual(rotatedFiles(path).map((f) => f.seq), [1, 2, 3]);
    const second = new RotatingLog(path, { maxBytes: 100, maxFiles: 3 });
    assert.deepEqual(rotatedFiles(path).map((f) => f.seq), [2, 3], 'pruned to 2 rotated files on open');
    second.write(Buffer.from(numbered(19, 22)));
    second.close();
    assert.deepEqual(rotatedFiles(path).map((f) => f.seq), [3, 4]);
    const kept = onDisk(path);
    const all = numbered(1, 22);
    assert.equal(kept, all.slice(all.length - kept.length));
  });

  test('a live file already past the limit (written before rotation existed) is rotated at the next write', () => {
    const path = freshPath();
    new RotatingLog(path, { maxBytes: 100, maxFiles: 2 }).close();
    writeFileSync(path, numbered(1, 50));
    const log = new RotatingLog(path, { maxBytes: 100, maxFiles: 2 });
    log.write(Buffer.from(numbered(51, 51)));
    log.close();
    assert.equal(readFileSync(`${path}.1`, 'utf8'), numbered(1, 50));
    assert.equal(readFileSync(path, 'utf8'), numbered(51, 51));
  });

  test('a write that fails drops its bytes, and the next write starts a new file', () => {
    const path = freshPath();
    const log = new RotatingLog(path, { maxBytes: 100, maxFiles: 3 });
    log.write(Buffer.from(numbered(1, 2)));
    rmSync(join(path, '..'), { recursive: true });
    log.write(Buffer.from(numbered(3, 10))); // the rotation's rename fails: the directory is gone
    log.write(Buffer.from(numbered(11, 11)));
    log.close();
    assert.equal(readFileSync(path, 'utf8'), numbered(11, 11));
  });
});
