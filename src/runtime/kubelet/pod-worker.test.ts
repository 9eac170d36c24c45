import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Supervisor } from '../supervisor.js';
import { podSummary } from '../../cli/printers/columns.js';
import { PodWorker, type PodResource } from './pod-worker.js';

const tmp = mkdtempSync(join(tmpdir(), 'weft-pod-worker-'));
const workers: PodWorker[] = [];
// Containers run with the logs directory as their working directory.
mkdirSync(join(tmp, 'logs'));

after(async () => {
  await Promise.all(workers.map((w) => w.terminate()));
  rmSync(tmp, { recursive: true, force: true });
});

/** A pod whose containers run local commands: `task` runs the given script, `istio-proxy` waits. */
function jobPod(script: string, restartPolicy: 'Never' | 'OnFailure' | 'Always', proxy = 'sleep 60'): PodResource {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `job-${workers.length}`,
      namespace: 'demo',
      annotations: { 'local-command.weft.dev/task': script, 'local-command.weft.dev/istio-proxy': proxy },
    },
    spec: { restartPolicy, terminationGracePeriodSeconds: 2, containers: [{ name: 'task', image: 'local/task' }, { name: 'istio-proxy', image: 'local/proxy' }] },
    status: { podIP: '127.250.64.9', podLoopbackIP: '127.250.128.9' } as PodResource['status'],
  };
}

function run(pod: PodResource, settled: (w: PodWorker) => boolean): Promise<PodWorker> {
  return new Promise((resolve) => {
    const n = workers.length;
    const w: PodWorker = new PodWorker(pod, {
      supervisor: new Supervisor(join(tmp, `pids-${n}`), `pod-worker-test-${process.pid}-${n}`),
      logsDir: join(tmp, 'logs'),
      netTablePath: join(tmp, 'net.json'),
      hostPath: process.env.PATH ?? '/usr/bin:/bin',
      lookup: () => undefined,
      extraEnv: () => ({}),
      holdsOthers: () => false,
      onStatus: (x) => {
        if (settled(x)) resolve(x);
      },
    });
    workers.push(w);
    w.start();
  });
}

const phase = (w: PodWorker) => w.status().phase;

test("a finished pod's sidecar is stopped so the pod completes", async () => {
  const w = await run(jobPod('exit 0', 'Never'), (x) => phase(x) === 'Succeeded');
  const [task, proxy] = w.status().containerStatuses;
  assert.equal(task!.state.terminated?.exitCode, 0);
  // As pilot-agent exits after quitquitquit, so `get pods` shows Completed rather than Error.
  assert.deepEqual([proxy!.state.terminated?.exitCode, proxy!.state.terminated?.reason], [0, 'Completed']);
  assert.equal(podSummary({ ...w.pod, status: w.status() }, new Date()).status, 'Completed');
});

test('a failed task fails the pod with Never, whatever the stopped sidecar exited with', async () => {
  const w = await run(jobPod('exit 3', 'Never'), (x) => phase(x) === 'Failed');
  assert.equal(w.status().containerStatuses[0]!.state.terminated?.exitCode, 3);
});

test('with Always (a Deployment) the sidecar keeps running after the app exits', async () => {
  const w = await run(jobPod('exit 0', 'Always'), (x) => x.status().containerStatuses[0]!.restartCount >= 1);
  assert.ok(w.status().containerStatuses[1]!.state.running, 'the proxy still runs');
});

test('a sidecar waiting out a crash back-off is stopped too, so the pod still completes', async () => {
  const w = await run(jobPod('sleep 1; exit 0', 'OnFailure', 'exit 1'), (x) => phase(x) === 'Succeeded');
  const proxy = w.status().containerStatuses[1]!;
  assert.ok(proxy.restartCount >= 1, 'the proxy had crashed');
  assert.ok(proxy.state.terminated);
});
