import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Supervisor } from '../supervisor.js';
import { ContainerRunner } from './container-runner.js';
import { SOCKET_ACTIVATION_ENV } from './socket-activation-protocol.js';
import { SocketKeeper } from './socket-keeper.js';

const tmp = mkdtempSync(join(tmpdir(), 'weft-sockets-'));
const runners: ContainerRunner[] = [];
after(async () => {
  await Promise.all(runners.map((r) => r.stop(500)));
  rmSync(tmp, { recursive: true, force: true });
});

const program = fileURLToPath(new URL('../../../test/support/activated-server.js', import.meta.url));

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function get(port: number, path = '/'): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false, timeout: 10_000 }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve(text));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

function pidOf(r: ContainerRunner): number {
  return Number(/(\d+)$/.exec(r.status.containerID ?? '')![1]);
}

describe('a restarted sidecar drops more than it must (issue 7 defect 9)', () => {
  test('connections made while the process is dead wait for its successor, and the container stays ready', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const sockets = new SocketKeeper(() => ['127.0.0.1']);
    const readiness: boolean[] = [];
    const waiters: Array<() => void> = [];
    const runner: ContainerRunner = new ContainerRunner({ name: 'proxy', image: 'local/proxy' }, {
      supervisor: new Supervisor(join(tmp, 'pids'), `test-${process.pid}`),
      logFile: join(tmp, 'proxy.log'),
      launch: () => ({
        argv: [process.execPath, program],
        env: { PATH: process.env.PATH ?? '', PORT: String(port), [SOCKET_ACTIVATION_ENV]: '1' },
        cwd: tmp,
        node: true,
      }),
      readiness: { tcpSocket: { port }, periodSeconds: 1, timeoutSeconds: 1 },
      probeTarget: () => ({ host: '127.0.0.1', resolvePort: (p) => Number(p), env: {}, cwd: tmp }),
      restartPolicy: 'Always',
      sockets,
      onChange: () => {
        readiness.push(runner.status.ready);
        for (const w of waiters.splice(0)) w();
      },
    });
    runners.push(runner);
    const changed = () => new Promise<void>((r) => waiters.push(r));
    runner.start();
    while (!runner.status.ready) await changed();
    const first = pidOf(runner);
    assert.equal(await get(port), String(first));
    assert.equal(sockets.size, 1);

    const seenFrom = readiness.length;
    process.kill(first, 'SIGKILL');
    // Made while nothing accepts: each waits in the held socket's backlog.
    const waiting = Array.from({ length: 20 }, () => get(port));
    const answers = await Promise.all(waiting);
    const second = pidOf(runner);
    assert.notEqual(second, first);
    assert.equal(runner.status.restartCount, 1);
    assert.deepEqual(new Set(answers), new Set([String(second)]));
    assert.ok(!readiness.slice(seenFrom).includes(false), `readiness went false during the restart: ${readiness.slice(seenFrom).join(',')}`);
    assert.equal(runner.status.ready, true);

    // A listener the process closes for good is closed in the runtime too: callers are refused again.
    assert.equal(await get(port, '/release'), String(second));
    while (sockets.size > 0) await new Promise((r) => setTimeout(r, 10));
    await assert.rejects(get(port), { code: 'ECONNREFUSED' });
  });

  test('a restart that cannot even launch ends the hold: not ready, sockets closed', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const sockets = new SocketKeeper(() => ['127.0.0.1']);
    let launches = 0;
    const runner: ContainerRunner = new ContainerRunner({ name: 'proxy', image: 'local/proxy' }, {
      supervisor: new Supervisor(join(tmp, 'pids-3'), `test-${process.pid}-3`),
      logFile: join(tmp, 'proxy-3.log'),
      launch: () => {
        // The second launch fails as one with a missing ConfigMap key does.
        if (launches++ > 0) throw Object.assign(new Error('configmap "x" not found'), { reason: 'CreateContainerConfigError' });
        return { argv: [process.execPath, program], env: { PATH: process.env.PATH ?? '', PORT: String(port), [SOCKET_ACTIVATION_ENV]: '1' }, cwd: tmp, node: true };
      },
      readiness: { tcpSocket: { port }, periodSeconds: 1, timeoutSeconds: 1 },
      probeTarget: () => ({ host: '127.0.0.1', resolvePort: (p) => Number(p), env: {}, cwd: tmp }),
      restartPolicy: 'Always',
      sockets,
      onChange: () => undefined,
    });
    runners.push(runner);
    runner.start();
    while (!runner.status.ready || sockets.size === 0) await new Promise((r) => setTimeout(r, 20));
    process.kill(pidOf(runner), 'SIGKILL');
    while (runner.status.state.waiting?.reason !== 'CreateContainerConfigError') await new Promise((r) => setTimeout(r, 20));
    assert.equal(runner.status.ready, false);
    assert.equal(sockets.size, 0);
    await assert.rejects(get(port), { code: 'ECONNREFUSED' });
  });

  test('the runtime binds only the pod\'s own addresses for a container', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const runner = new ContainerRunner({ name: 'proxy', image: 'local/proxy' }, {
      supervisor: new Supervisor(join(tmp, 'pids-2'), `test-${process.pid}-2`),
      logFile: join(tmp, 'proxy-2.log'),
      launch: () => ({
        argv: [process.execPath, program],
        env: { PATH: process.env.PATH ?? '', PORT: String(port), HOST: '127.0.0.1', [SOCKET_ACTIVATION_ENV]: '1' },
        cwd: tmp,
        node: true,
      }),
      readiness: undefined,
      probeTarget: () => ({ host: '127.0.0.1', resolvePort: (p) => Number(p), env: {}, cwd: tmp }),
      restartPolicy: 'Never',
      sockets: new SocketKeeper(() => ['127.0.0.2']),
      onChange: () => undefined,
    });
    runners.push(runner);
    runner.start();
    // The program fails to listen (EADDRNOTAVAIL from the runtime) and exits non-zero.
    while (!runner.status.state.terminated) await new Promise((r) => setTimeout(r, 20));
    assert.notEqual(runner.status.state.terminated.exitCode, 0);
    await assert.rejects(get(port), { code: 'ECONNREFUSED' });
  });
});
