import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Container, Probe } from '../../config/k8s/pod.js';
import { reapLeftovers, RUNTIME_ID_ENV, Supervisor, type LaunchSpec } from '../supervisor.js';
import { ContainerRunner, type ContainerState, type RunnerDeps } from './container-runner.js';
import { isAlive } from '../../../test/support/processes.js';

const tmp = mkdtempSync(join(tmpdir(), 'weft-'));
const runners: ContainerRunner[] = [];
const strays: ChildProcess[] = [];
const servers: http.Server[] = [];

after(async () => {
  await Promise.all(runners.map((r) => r.stop(100)));
  for (const c of strays) {
    if (c.pid !== undefined && c.exitCode === null && c.signalCode === null) {
      try {
        process.kill(c.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  rmSync(tmp, { recursive: true, force: true });
});

let seq = 0;
const env = { PATH: process.env.PATH ?? '' };

/** bash -c sources ~/.bashrc when its stdin is a socket, as the supervisor's is; --norc keeps it to the script. */
function bash(script: string): LaunchSpec {
  return { argv: ['bash', '--norc', '-c', script], env, cwd: tmp, node: false };
}

interface Harness {
  runner: ContainerRunner;
  supervisor: Supervisor;
  pidsFile: string;
  /** Every state the runner reported, with the restart count at that moment. */
  seen: Array<{ state: ContainerState; restartCount: number; ready: boolean }>;
  /** Resolves at the first change after which the predicate holds. */
  until(pred: () => boolean): Promise<void>;
}

function harness(o: { launch: () => LaunchSpec; readiness?: Probe; restartPolicy?: RunnerDeps['restartPolicy']; container?: Partial<Container> }): Harness {
  const n = seq++;
  const pidsFile = join(tmp, `pids-${n}`);
  const supervisor = new Supervisor(pidsFile, `test-runtime-${process.pid}-${n}`);
  const seen: Harness['seen'] = [];
  const waiters: Array<{ pred: () => boolean; resolve: () => void }> = [];
  const runner: ContainerRunner = new ContainerRunner(
    { name: 'app', image: 'local/app', ...o.container },
    {
      supervisor,
      logFile: join(tmp, 'logs', `app-${n}.log`),
      launch: o.launch,
      readiness: o.readiness,
      probeTarget: () => ({ host: '127.0.0.1', resolvePort: (p) => (typeof p === 'number' ? p : undefined), env, cwd: tmp }),
      restartPolicy: o.restartPolicy ?? 'Always',
      onChange: () => {
        seen.push({ state: structuredClone(runner.status.state), restartCount: runner.status.restartCount, ready: runner.status.ready });
        for (const w of [...waiters]) {
          if (w.pred()) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve();
          }
        }
      },
      setTimer: (fn) => setTimeout(fn, 10),
    },
  );
  runners.push(runner);
  const until = (pred: () => boolean): Promise<void> =>
    pred() ? Promise.resolve() : new Promise((resolve) => waiters.push({ pred, resolve }));
  return { runner, supervisor, pidsFile, seen, until };
}


function pidOf(runner: ContainerRunner): number {
  const m = /^weft:\/\/(\d+)$/.exec(runner.status.containerID ?? '');
  assert.ok(m, runner.status.containerID);
  return Number(m[1]);
}

describe('ContainerRunner', () => {
  test('a crashing container is restarted, counting restarts, and waits in CrashLoopBackOff', async () => {
    const h = harness({ launch: () => bash('exit 1') });
    h.runner.start();
    await h.until(() => h.runner.status.restartCount >= 3);
    await h.runner.stop(1000);
    const st = h.runner.status;
    assert.equal(st.lastState.terminated?.exitCode, 1);
    assert.equal(st.lastState.terminated?.reason, 'Error');
    // The first crash restarts at once; later ones wait in CrashLoopBackOff.
    const first = h.seen.find((s) => s.restartCount === 1)!;
    assert.equal(first.state.terminated?.exitCode, 1);
    const backOff = h.seen.find((s) => s.state.waiting?.reason === 'CrashLoopBackOff');
    assert.ok(backOff, JSON.stringify(h.seen));
    assert.equal(backOff.restartCount, 2);
    assert.equal(backOff.state.waiting?.message, 'back-off 10s restarting failed container=app');
    const later = h.seen.filter((s) => s.state.waiting?.reason === 'CrashLoopBackOff').map((s) => s.state.waiting!.message);
    assert.equal(later[1], 'back-off 20s restarting failed container=app');
    assert.equal(st.ready, false);
  });

  test('restartPolicy Never leaves a failed container terminated', async () => {
    const h = harness({ launch: () => bash('exit 3'), restartPolicy: 'Never' });
    h.runner.start();
    await h.until(() => h.runner.status.state.terminated !== undefined);
    assert.equal(h.runner.status.state.terminated?.exitCode, 3);
    assert.equal(h.runner.status.restartCount, 0);
    assert.equal(h.runner.running, false);
  });

  test('restartPolicy OnFailure leaves a successful container Completed', async () => {
    const h = harness({ launch: () => bash('exit 0'), restartPolicy: 'OnFailure' });
    h.runner.start();
    await h.until(() => h.runner.status.state.terminated !== undefined);
    assert.equal(h.runner.status.state.terminated?.reason, 'Completed');
    assert.equal(h.runner.status.restartCount, 0);
  });

  test('a launch that fails waits with its reason, then backs off', async () => {
    let tries = 0;
    const h = harness({
      launch: () => {
        tries++;
        throw Object.assign(new Error('image "local/app" not found'), { reason: 'ErrImagePull' });
      },
    });
    h.runner.start();
    await h.until(() => tries >= 2);
    await h.runner.stop(100);
    const reasons = h.seen.map((s) => s.state.waiting?.reason);
    assert.equal(reasons[0], 'ErrImagePull');
    assert.equal(reasons[1], 'ImagePullBackOff');
    assert.equal(h.seen[0]!.state.waiting?.message, 'image "local/app" not found');
  });

  test('a container without a readiness probe is ready while running', async () => {
    const h = harness({ launch: () => bash('exec sleep 30') });
    h.runner.start();
    await h.until(() => h.runner.status.ready);
    assert.ok(h.runner.status.state.running?.startedAt);
    assert.equal(h.runner.status.started, true);
    await h.runner.stop(1000);
    assert.equal(h.runner.status.ready, false);
  });

  test('an httpGet readiness probe turns ready, and unready after failureThreshold failures', async () => {
    let healthy = true;
    let failures = 0;
    const requests: Array<{ path: string; agent: string }> = [];
    const server = http.createServer((req, res) => {
      requests.push({ path: req.url ?? '', agent: req.headers['user-agent'] ?? '' });
      if (!healthy) failures++;
      res.statusCode = healthy ? 200 : 503;
      res.end();
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const h = harness({ launch: () => bash('exec sleep 30'), readiness: { httpGet: { port, path: '/healthz' }, periodSeconds: 1, failureThreshold: 3 } });
    h.runner.start();
    await h.until(() => h.runner.status.ready);
    assert.deepEqual(requests[0], { path: '/healthz', agent: 'kube-probe/1.29' });
    healthy = false;
    await h.until(() => !h.runner.status.ready);
    assert.equal(failures, 3, 'ready until the third failure in a row');
    assert.ok(h.runner.running, 'an unready container keeps running');
    healthy = true;
    await h.until(() => h.runner.status.ready);
    await h.runner.stop(1000);
  });

  test('stop() ends the process and its group, and forgets its pid', { timeout: 30_000 }, async () => {
    const childPidFile = join(tmp, 'grandchild.pid');
    const h = harness({ launch: () => bash(`sleep 30 & echo $! > ${childPidFile}; wait`) });
    h.runner.start();
    await h.until(() => h.runner.status.ready);
    const pid = pidOf(h.runner);
    assert.ok(isAlive(pid));
    assert.match(readFileSync(h.pidsFile, 'utf8'), new RegExp(`^${pid} ${h.supervisor.runtimeId}$`, 'm'));
    let grandchild = '';
    while (!grandchild) {
      grandchild = existsSync(childPidFile) ? readFileSync(childPidFile, 'utf8').trim() : '';
      if (!grandchild) await new Promise((r) => setTimeout(r, 10));
    }
    await h.runner.stop(2000);
    assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' });
    // The group's other member goes too (it may linger as a zombie until its new parent reaps it).
    while (runningState(Number(grandchild))) await new Promise((r) => setTimeout(r, 10));
    assert.equal(h.runner.running, false);
    assert.ok(h.runner.status.state.terminated, JSON.stringify(h.runner.status.state));
    assert.equal(readFileSync(h.pidsFile, 'utf8'), '');
    // A stopped runner does not start again.
    h.runner.start();
    assert.equal(h.runner.running, false);
  });
});

/** Whether a process exists and is not a zombie. */
function runningState(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

describe('reapLeftovers', () => {
  async function sleeper(extraEnv: Record<string, string>): Promise<ChildProcess> {
    const c = spawn('sleep', ['30'], { env: { ...env, ...extraEnv }, detached: true, stdio: 'ignore' });
    strays.push(c);
    await new Promise<void>((resolve) => c.once('spawn', () => resolve()));
    return c;
  }

  function exited(c: ChildProcess): Promise<NodeJS.Signals | null> {
    if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve(c.signalCode);
    return new Promise((resolve) => c.once('exit', (_code, signal) => resolve(signal)));
  }

  test('stops a recorded group carrying the runtime id and leaves other pids alone', async () => {
    const id = `leftover-${process.pid}`;
    const ours = await sleeper({ [RUNTIME_ID_ENV]: id });
    const reused = await sleeper({});
    const gone = spawn('true', [], { stdio: 'ignore' });
    await exited(gone);
    const pidsFile = join(tmp, 'leftover-pids');
    writeFileSync(pidsFile, `${ours.pid} ${id}\n${reused.pid} ${id}\n${gone.pid} ${id}\nnot a line\n`);
    assert.equal(reapLeftovers(pidsFile), 1);
    assert.equal(await exited(ours), 'SIGKILL');
    assert.equal(reused.exitCode, null);
    assert.ok(isAlive(reused.pid!));
    assert.equal(readFileSync(pidsFile, 'utf8'), '');
    reused.kill('SIGKILL');
    await exited(reused);
  });

  test('reaps what a Supervisor recorded, as after a runtime crash', async () => {
    const pidsFile = join(tmp, 'crashed-pids');
    const supervisor = new Supervisor(pidsFile, `crashed-${process.pid}`);
    const child = supervisor.start(bash('exec sleep 30'), join(tmp, 'logs', 'crashed.log'));
    strays.push(child);
    await new Promise<void>((resolve) => child.once('spawn', () => resolve()));
    // While bash execs sleep its environ reads empty for a moment: wait until sleep runs.
    while (!readFileSync(`/proc/${child.pid}/cmdline`, 'latin1').startsWith('sleep\0')) await new Promise((r) => setTimeout(r, 10));
    const environ = readFileSync(`/proc/${child.pid}/environ`, 'latin1').split('\0');
    assert.ok(environ.includes(`${RUNTIME_ID_ENV}=crashed-${process.pid}`));
    // Keep a copy of the record as it stood, since the supervisor rewrites it when the child exits.
    const record = readFileSync(pidsFile, 'utf8');
    const copy = join(tmp, 'crashed-pids-copy');
    writeFileSync(copy, record);
    assert.equal(reapLeftovers(copy), 1);
    assert.equal(await exited(child), 'SIGKILL');
  });

  test('a missing pids file reaps nothing', () => {
    assert.equal(reapLeftovers(join(tmp, 'no-such-file')), 0);
  });
});
