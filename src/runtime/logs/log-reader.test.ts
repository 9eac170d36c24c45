import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rotatedFiles } from './log-files.js';
import { LogReader } from './log-reader.js';
import { RotatingLog } from './rotating-log.js';

const tmp = mkdtempSync(join(tmpdir(), 'weft-log-reader-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

let seq = 0;
function freshPath(): string {
  return join(tmp, `case-${seq++}`, 'app.log');
}

/** Lines of 20 bytes: five to a file of 100. */
function numbered(from: number, to: number): string {
  let s = '';
  for (let i = from; i <= to; i++) s += `${`line ${i}`.padEnd(19, '.')}\n`;
  return s;
}

function onDisk(live: string): string {
  return [...rotatedFiles(live).map((f) => f.path), live].map((p) => readFileSync(p, 'utf8')).join('');
}

async function readAll(reader: LogReader, how: 'snapshot' | 'available' = 'snapshot'): Promise<string> {
  let out = '';
  const emit = (b: Buffer): boolean => {
    out += b.toString('utf8');
    return true;
  };
  await (how === 'snapshot' ? reader.readSnapshot(emit) : reader.readAvailable(emit));
  return out;
}

/** A log of lines 1..n in files of 100 bytes, 4 kept. */
function writtenLog(n: number): string {
  const path = freshPath();
  const log = new RotatingLog(path, { maxBytes: 100, maxFiles: 4 });
  log.write(Buffer.from(numbered(1, n)));
  log.close();
  return path;
}

describe('LogReader', () => {
  test('reads the rotated files and the live one as one stream', async () => {
    const path = writtenLog(17); // 16..17 live, 1..15 rotated in three files
    assert.equal(rotatedFiles(path).length, 3);
    const reader = await LogReader.open(path);
    assert.equal(await readAll(reader), numbered(1, 17));
    reader.close();
  });

  test('--tail returns exactly the last N lines, across file boundaries', async () => {
    const path = writtenLog(17);
    const all = numbered(1, 17);
    for (const n of [0, 1, 2, 3, 7, 12, 15, 17, 40]) {
      const reader = await LogReader.open(path, n);
      const want = n === 0 ? '' : all.split('\n').slice(0, -1).slice(-n).map((l) => `${l}\n`).join('');
      assert.equal(await readAll(reader), want, `tail ${n}`);
      reader.close();
    }
  });

  test('--tail counts an unfinished last line as a line', async () => {
    const path = freshPath();
    mkdirSync(join(path, '..'));
    writeFileSync(path, 'one\ntwo\nthree');
    const reader = await LogReader.open(path, 2);
    assert.equal(await readAll(reader), 'two\nthree');
    reader.close();
  });

  test('a one-shot read stops where the log ended when it opened', async () => {
    const path = freshPath();
    const log = new RotatingLog(path, { maxBytes: 100, maxFiles: 4 });
    log.write(Buffer.from(numbered(1, 7)));
    const reader = await LogReader.open(path);
    log.write(Buffer.from(numbered(8, 9)));
    assert.equal(await readAll(reader), numbered(1, 7));
    reader.close();
    log.close();
  });

  test('following sees every line once across rotations, also several between two reads', async () => {
    const path = freshPath();
    const log = new RotatingLog(path, { maxBytes: 100, maxFiles: 4 });
    log.write(Buffer.from(numbered(1, 3)));
    const reader = await LogReader.open(path, 1);
    let seen = await readAll(reader, 'available');
    let next = 4;
    // Lines per step: within a file, onto a rotation, past one, and past two at once (3 files behind).
    for (const n of [1, 1, 4, 6, 2, 11, 3, 14]) {
      log.write(Buffer.from(numbered(next, next + n - 1)));
      next += n;
      seen += await readAll(reader, 'available');
    }
    assert.equal(seen, numbered(3, next - 1));
    reader.close();
    log.close();
  });

  test('a follower further behind than the kept files loses only what was deleted, and repeats nothing', async () => {
    const path = freshPath();
    const log = new RotatingLog(path, { maxBytes: 100, maxFiles: 3 });
    log.write(Buffer.from(numbered(1, 2)));
    const reader = await LogReader.open(path);
    let seen = await readAll(reader, 'available');
    // Lines 1-5 fill the file the reader holds; 6-30 go through five more files, of which two are kept.
    log.write(Buffer.from(numbered(3, 30)));
    seen += await readAll(reader, 'available');
    assert.equal(onDisk(path), numbered(16, 30));
    assert.equal(seen, numbered(1, 5) + numbered(16, 30));
    log.write(Buffer.from(numbered(31, 31)));
    assert.equal(await readAll(reader, 'available'), numbered(31, 31));
    reader.close();
    log.close();
  });

  test('a live file truncated in place is read again from its start', async () => {
    const path = freshPath();
    mkdirSync(join(path, '..'));
    writeFileSync(path, 'old line one\nold line two\n');
    const reader = await LogReader.open(path);
    assert.equal(await readAll(reader, 'available'), 'old line one\nold line two\n');
    truncateSync(path, 0);
    writeFileSync(path, 'new\n', { flag: 'a' });
    assert.equal(await readAll(reader, 'available'), 'new\n');
    reader.close();
  });

  test('stops when the consumer asks, and a closed reader reads nothing', async () => {
    const path = writtenLog(17);
    const reader = await LogReader.open(path);
    const chunks: string[] = [];
    await reader.readSnapshot((b) => {
      chunks.push(b.toString('utf8'));
      return false;
    });
    assert.deepEqual(chunks, [numbered(1, 5)], 'one file read before it stopped');
    reader.close();
    assert.equal(await readAll(reader, 'available'), '');
  });

  test('a log with no files yet reads as empty, and a follower finds the file once it appears', async () => {
    const path = freshPath();
    const reader = await LogReader.open(path, 10);
    assert.equal(await readAll(reader), '');
    const log = new RotatingLog(path, { maxBytes: 100, maxFiles: 4 });
    log.write(Buffer.from(numbered(1, 1)));
    assert.equal(await readAll(reader, 'available'), numbered(1, 1));
    reader.close();
    log.close();
  });
});
