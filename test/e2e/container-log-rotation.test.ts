// Container logs through the CLI with rotation set small (64Ki x 3): a container logging at about twice
// the 400 rps fills many files; what is kept stays bounded, and logs, --tail and -f read the
// kept files as one log. The runtime is then killed hard: its containers go with it, and after
// `weft up` the container's log goes on in the same files.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WeftSandbox } from '../support/weft-cli.js';
import { until } from '../support/until.js';

const MAX_BYTES = 64 * 1024;
const MAX_FILES = 3;
const LINES = 6000;

/** Prints "waiting", then (once GO_FILE exists) LINES numbered 100-byte lines in bursts of 50 every 25 ms, then "done". */
const chatty = [
  'const fs = require("fs");',
  'console.log("waiting");',
  'const go = setInterval(() => {',
  '  if (!fs.existsSync(process.env.GO_FILE)) return;',
  '  clearInterval(go);',
  '  let i = 0;',
  '  const burst = () => {',
  '    let s = "";',
  `    for (let k = 0; k < 50 && i < ${LINES}; k++) s += "line " + String(++i).padStart(6, "0") + " " + "x".repeat(87) + "\\n";`,
  '    process.stdout.write(s);',
  `    if (i < ${LINES}) setTimeout(burst, 25); else console.log("done");`,
  '  };',
  '  burst();',
  '}, 20);',
  'setInterval(() => {}, 1 << 30);',
].join('\n');

const expected = ['waiting', ...Array.from({ length: LINES }, (_, i) => `line ${String(i + 1).padStart(6, '0')} ${'x'.repeat(87)}`), 'done'];

function lines(text: string): string[] {
  assert.ok(text === '' || text.endsWith('\n'), 'ends with a whole line');
  return text === '' ? [] : text.slice(0, -1).split('\n');
}

/** Whether got is a run of consecutive lines of want: in order, with no gap and no repeat. */
function isRunOf(got: string[], want: string[]): boolean {
  const at = want.indexOf(got[0]!);
  return at >= 0 && got.every((l, i) => want[at + i] === l);
}

describe('container logs are never rotated (issue 7 defect 4)', () => {
  const w = new WeftSandbox('weft-e2e-logs-');
  const goFile = join(w.home, 'go');
  const podDir = join(w.home, 'logs', 'default', 'chatty');
  const live = join(podDir, 'app.log');
  const flags = [`--container-log-max-size=64Ki`, `--container-log-max-files=${MAX_FILES}`];

  before(async () => {
    await w.ok(['up', ...flags]);
  });

  after(async () => {
    await w.cleanup();
  });

  it('refuses rotation settings the kubelet would refuse', async () => {
    const files = await w.run(['up', '--container-log-max-files=1']);
    assert.equal(files.code, 1);
    assert.equal(files.stderr, 'error: container log max files "1" must be an integer of at least 2\n');
    const size = await w.run(['up', '--container-log-max-size=ten']);
    assert.equal(size.code, 1);
    assert.match(size.stderr, /^error: container log max size "ten" is not a quantity such as 10Mi/);
  });

  it('keeps the log bounded while -f, started before, sees every line exactly once', { timeout: 120_000 }, async () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'chatty', annotations: { 'local-command.weft.dev/app': `node -e '${chatty}'` } },
      spec: { containers: [{ name: 'app', image: 'local/chatty', env: [{ name: 'GO_FILE', value: goFile }] }] },
    };
    await w.ok(['apply', '-f', '-'], { input: JSON.stringify(pod) });
    await w.ok(['wait', 'pod/chatty', '--for', 'condition=Ready', '--timeout=30s']);
    const follow = await w.start(['logs', '-f', 'chatty'], /waiting\n/);
    writeFileSync(goFile, '');
    await until(() => (follow.output().endsWith('\ndone\n') ? true : undefined), 'logs -f to show the last line');
    follow.child.kill('SIGTERM');
    assert.deepEqual(lines(follow.output()), expected);

    const files = readdirSync(podDir).sort();
    const sizes = files.map((f) => statSync(join(podDir, f)).size);
    assert.equal(files.length, MAX_FILES, files.join(' '));
    for (const s of sizes) assert.ok(s <= MAX_BYTES, `${s} bytes`);
    assert.ok(sizes.reduce((a, b) => a + b) <= MAX_FILES * MAX_BYTES);
    // About 600 KB went through files of 64 KiB: rotated nine times or so, the oldest deleted.
    const seqs = files.filter((f) => f !== 'app.log').map((f) => Number(f.slice('app.log.'.length)));
    assert.ok(Math.min(...seqs) >= 7, files.join(' '));
  });

  it('logs prints every kept line once, in order, across the files', async () => {
    const all = lines(await w.ok(['logs', 'chatty']));
    assert.ok(all.length > 2 * Math.floor(MAX_BYTES / 100), `${all.length} lines kept`); // two full files of 100-byte lines and the live one
    assert.equal(all[all.length - 1], 'done');
    assert.ok(isRunOf(all, expected), 'a run of the lines written, without gap or repeat');
    const onDisk = readdirSync(podDir).map((f) => statSync(join(podDir, f)).size).reduce((a, b) => a + b);
    assert.equal(all.join('\n').length + 1, onDisk);
  });

  it('--tail returns exactly the last N lines when they span rotated files', async () => {
    const inLive = lines(readFileSync(live, 'utf8')).length;
    for (const n of [inLive + 10, inLive + 700, 1]) {
      assert.deepEqual(lines(await w.ok(['logs', 'chatty', `--tail=${n}`])), expected.slice(-n), `--tail=${n}`);
    }
  });

  it('after the runtime is killed its container is gone, and the restarted one appends to the same files', { timeout: 120_000 }, async () => {
    const liveInode = statSync(live).ino;
    const rotatedBefore = readdirSync(podDir).filter((f) => f !== 'app.log').sort();
    rmSync(goFile);
    const info = JSON.parse(readFileSync(join(w.home, 'runtime.json'), 'utf8')) as { pid: number };
    process.kill(info.pid, 'SIGKILL');
    // Without the runtime reading its output the container has no log to write to: it must not linger.
    await until(() => (w.processesOfThisRuntime().length === 0 ? true : undefined), 'the containers to exit after the runtime was killed', 30_000);
    await w.ok(['up', ...flags]);
    await until(async () => (existsSync(live) && (await w.ok(['logs', 'chatty', '--tail=1'])) === 'waiting\n' ? true : undefined), 'the restarted container to print');
    assert.equal(await w.ok(['logs', 'chatty', '--tail=2']), 'done\nwaiting\n');
    assert.equal(statSync(live).ino, liveInode, 'the same live file');
    assert.deepEqual(readdirSync(podDir).filter((f) => f !== 'app.log').sort(), rotatedBefore);
  });
});
