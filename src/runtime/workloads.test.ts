// StatefulSet, DaemonSet and Job through a whole runtime: controllers, kubelet and status together,
// with containers that are local commands.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from '../../test/support/until.js';
import type { PodResource } from './kubelet/pod-worker.js';
import { statePaths } from './paths.js';
import { Runtime } from './runtime.js';

describe('workloads in a runtime', () => {
  let home: string;
  let rt: Runtime;

  before(() => {
    home = mkdtempSync(join(tmpdir(), 'weft-workloads-'));
    rt = new Runtime({ paths: statePaths(home), block: 252, hostPath: process.env.PATH ?? '/usr/bin:/bin', api: { host: '127.0.0.1', port: 1, token: 't' } });
  });

  after(async () => {
    await rt.shutdown();
    rmSync(home, { recursive: true, force: true });
  });

  const apply = (text: string) => rt.apply({ sources: [{ name: 'w.yaml', text }], namespace: 'default', enforceNamespace: false, mode: 'apply', dryRun: false });
  const pods = () => (rt.store.list({ kind: 'Pod', namespace: 'default' }) as PodResource[]).filter((p) => !p.metadata.deletionTimestamp);

  test('a Job runs its pod to completion and is Complete', async () => {
    const lines = apply(`
apiVersion: batch/v1
kind: Job
metadata: {name: once}
spec:
  backoffLimit: 1
  template:
    metadata:
      annotations: {local-command.weft.dev/task: "exit 0"}
    spec:
      restartPolicy: Never
      containers: [{name: task, image: local/task}]
`);
    assert.deepEqual(lines, ['job.batch/once created']);
    const status = await until(() => {
      const s = rt.get('Job', 'default', 'once').status as { succeeded?: number; conditions?: Array<{ type: string }> } | undefined;
      return s?.conditions?.[0]?.type === 'Complete' ? s : undefined;
    }, 'the Job to complete', 20_000);
    assert.equal(status.succeeded, 1);
    const pod = pods().find((p) => p.metadata.labels?.['job-name'] === 'once');
    assert.equal(pod?.status?.phase, 'Succeeded');
  });

  test('a StatefulSet gets NAME-0 then NAME-1', async () => {
    apply(`
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 2
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata:
      labels: {app: db}
      annotations: {local-command.weft.dev/db: "sleep 30"}
    spec:
      containers: [{name: db, image: local/db}]
`);
    await until(() => (rt.get('StatefulSet', 'default', 'db').status as { readyReplicas?: number } | undefined)?.readyReplicas === 2 || undefined, 'two ready replicas', 20_000);
    const names = pods().filter((p) => p.metadata.labels?.app === 'db').map((p) => p.metadata.name).sort();
    assert.deepEqual(names, ['db-0', 'db-1']);
    rt.remove(rt.get('StatefulSet', 'default', 'db'));
    await until(() => (pods().some((p) => p.metadata.labels?.app === 'db') ? undefined : true), 'the pods to go with their StatefulSet', 20_000);
  });
});
