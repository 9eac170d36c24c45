import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerOutput } from './container-output.js';
import { rotatedFiles } from './log-files.js';

const tmp = mkdtempSync(join(tmpdir(), 'weft-container-output-'));
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

let seq = 0;
function freshPath(): string {
  return join(tmp, `case-${seq++}`, 'app.log');
}

function sh(script: string): ChildProcess {
  const c = spawn('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(c);
  return c;
}

function attach(output: ContainerOutput, path: string, c: ChildProcess): Promise<void> {
  return output.attach(path, [c.stdout!, c.stderr!]);
}

function onDisk(live: string): string {
  return [...rotatedFiles(live).map((f) => f.path), live].map((p) => readFileSync(p, 'utf8')).join('');
}

describe('ContainerOutput', () => {
  test('stdout and stderr go to one file, and a line half-written on one is not broken by the other', async () => {
    const path = freshPath();
    const output = new ContainerOutput({ maxBytes: 1024 * 1024, maxFiles: 2 });
    // The pauses let the runtime read the half line before the other stream's line arrives.
    await attach(output, path, sh("printf 'out-a'; sleep 0.2; echo err-line >&2; sleep 0.2; echo out-b; echo err-2 >&2"));
    const lines = readFileSync(path, 'utf8').split('\n');
    assert.equal(lines.pop(), '');
    assert.deepEqual(lines.sort(), ['err-2', 'err-line', 'out-aout-b']);
  });

  test('a last line without a newline is written when the stream ends', async () => {
    const path = freshPath();
    await attach(new ContainerOutput({ maxBytes: 1024 * 1024, maxFiles: 2 }), path, sh("echo first; printf 'no newline'"));
    assert.equal(readFileSync(path, 'utf8'), 'first\nno newline');
  });

  test('a line longer than 16 KiB is written as it comes, before its end arrives', { timeout: 30_000 }, async () => {
    const path = freshPath();
    const output = new ContainerOutput({ maxBytes: 1024 * 1024, maxFiles: 2 });
    const c = sh("head -c 20000 /dev/zero | tr '\\0' x; exec sleep 30");
    const done = attach(output, path, c);
    while (statSync(path).size < 20000) await new Promise((r) => setTimeout(r, 20));
    assert.ok(c.exitCode === null && c.signalCode === null, 'written while the line is still open');
    c.kill('SIGKILL');
    await done;
    assert.equal(readFileSync(path, 'utf8'), 'x'.repeat(20000));
  });

  test('processes writing one log share its writer: rotation stays consistent and nothing is lost', async () => {
    const path = freshPath();
    const output = new ContainerOutput({ maxBytes: 4096, maxFiles: 100 });
    const a = sh('for i in $(seq 1 2000); do echo "a $i"; done');
    const b = sh('for i in $(seq 1 2000); do echo "b $i" >&2; done');
    await Promise.all([attach(output, path, a), attach(output, path, b)]);
    const text = onDisk(path);
    assert.ok(rotatedFiles(path).length > 5);
    for (const who of ['a', 'b']) {
      const mine = text.split('\n').filter((l) => l.startsWith(`${who} `));
      assert.deepEqual(mine, Array.from({ length: 2000 }, (_, i) => `${who} ${i + 1}`), `${who}'s lines, in order`);
    }
    // Once every writer is done the file is closed: a new one picks up the numbering.
    await attach(output, path, sh('echo after'));
    assert.match(onDisk(path), /after\n$/);
  });
});
