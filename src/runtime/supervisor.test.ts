import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../test/support/weft-cli.js';
import { guardScript } from './kubelet/launch.js';
import { rotatedFiles } from './logs/log-files.js';
import { Supervisor, type LaunchSpec } from './supervisor.js';

const tmp = mkdtempSync(join(tmpdir(), 'weft-supervisor-'));
const hosts: ChildProcess[] = [];
const groups: number[] = [];
after(() => {
  for (const pgid of groups) if (groupAlive(pgid)) signal(-pgid, 'SIGKILL');
  for (const h of hosts) if (h.exitCode === null && h.signalCode === null) h.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

const env = { PATH: process.env.PATH ?? '' };
let seq = 0;

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Gone already.
  }
}

/** Whether any live (not zombie) process is in the process group. */
function groupAlive(pgid: number): boolean {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') return true;
    } catch {
      // Gone.
    }
  }
  return false;
}

function onDisk(live: string): string {
  return [...rotatedFiles(live).map((f) => f.path), live].map((p) => readFileSync(p, 'utf8')).join('');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Supervisor output', () => {
  test('a container printing as fast as it can has every line in its rotated log, in order', { timeout: 60_000 }, async () => {
    const log = join(tmp, 'fast', 'app.log');
    const supervisor = new Supervisor(join(tmp, `pids-${seq++}`), 'fast', { maxBytes: 64 * 1024, maxFiles: 20 });
    const child = supervisor.start({ argv: ['seq', '1', '100000'], env, cwd: tmp, node: false }, log);
    await new Promise((r) => child.once('exit', r));
    await supervisor.stop(child, 1000); // returns once the output is read to its end
    const want = Array.from({ length: 100000 }, (_, i) => `${i + 1}\n`).join('');
    assert.equal(onDisk(log), want);
    const files = rotatedFiles(log);
    assert.equal(files.length, 8, '575 KiB: eight full files of 64 KiB and the live one');
    for (const f of files) assert.ok(statSync(f.path).size <= 64 * 1024);
  });

  test('stop() resolves once what the container printed while stopping is in the log', { timeout: 30_000 }, async () => {
    const log = join(tmp, 'stopping', 'app.log');
    const supervisor = new Supervisor(join(tmp, `pids-${seq++}`), 'stopping');
    const child = supervisor.start({ argv: ['bash', '--norc', '-c', "trap 'echo bye; exit 0' TERM; echo hi; while :; do sleep 0.05; done"], env, cwd: tmp, node: false }, log);
    while (!existsSync(log) || readFileSync(log, 'utf8') !== 'hi\n') await sleep(20);
    await supervisor.stop(child, 5000);
    const text = readFileSync(log, 'utf8');
    // (bash may also report its sleep's SIGTERM in between.)
    assert.ok(text.startsWith('hi\n') && text.endsWith('bye\n'), text);
  });
});

describe('when the runtime is killed', () => {
  /** Starts a container under a stand-in runtime; resolves with both once the container has printed. */
  async function underHost(spec: LaunchSpec): Promise<{ host: ChildProcess; pgid: number }> {
    const dir = join(tmp, `host-${seq++}`);
    const log = join(dir, 'app.log');
    const host = spawn(process.execPath, [join(repoRoot, 'dist', 'test', 'support', 'supervisor-host.js'), join(dir, 'pids'), log, JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'inherit'] });
    hosts.push(host);
    const pgid = await new Promise<number>((resolve, reject) => {
      host.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
      host.once('exit', (code) => reject(new Error(`host exited ${code}`)));
    });
    groups.push(pgid);
    while (!existsSync(log) || !readFileSync(log, 'utf8').includes('tick\n')) await sleep(20);
    return { host, pgid };
  }

  async function killHost(host: ChildProcess): Promise<void> {
    const exited = new Promise((r) => host.once('exit', r));
    host.kill('SIGKILL');
    await exited;
  }

  // Before, output went to a file, so a container that ignored SIGTERM (or a Node program without the
  // pod shim) outlived its runtime until the next `weft up` reaped it. Now its next write fails.
  test('a container that ignores SIGTERM stops at its next write (SIGPIPE)', { timeout: 20_000 }, async () => {
    const { host, pgid } = await underHost({ argv: ['bash', guardScript, 'sh', '-c', 'trap "" TERM; while :; do echo tick; sleep 0.05; done'], env, cwd: tmp, node: false });
    await killHost(host);
    while (groupAlive(pgid)) await sleep(20);
  });

  test('every process of a container goes, not only the one its guard started', { timeout: 20_000 }, async () => {
    // sh waits for its sleep rather than exec'ing it, and the sleep writes nothing.
    const { host, pgid } = await underHost({ argv: ['bash', guardScript, 'sh', '-c', 'echo tick; sleep 300; true'], env, cwd: tmp, node: false });
    await killHost(host);
    while (groupAlive(pgid)) await sleep(20);
  });

  test('a Node container that ignores its IPC channel closing stops at its next write (EPIPE)', { timeout: 20_000 }, async () => {
    const { host, pgid } = await underHost({ argv: [process.execPath, '-e', 'setInterval(() => console.log("tick"), 50)'], env, cwd: tmp, node: true });
    await killHost(host);
    while (groupAlive(pgid)) await sleep(20);
  });
});
