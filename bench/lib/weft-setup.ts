// The weft scenario, set up as a user would: a runtime, the mesh installed, a backend pod and a client
// pod with sidecars, and a Sidecar resource giving the client an explicit egress listener
// (captureMode NONE) that the load generator connects to, as an app would.

import { join } from 'node:path';
import { WeftSandbox, repoRoot } from '../../test/support/weft-cli.js';

export interface WeftPair {
  sandbox: WeftSandbox;
  /** The backend app itself (the pod's loopback address): the direct baseline. */
  backendUrl: string;
  /** The client sidecar's egress listener. */
  clientUrl: string;
  host: string;
  clientProxyPid: number;
  serverProxyPid: number;
  istiodPid: number;
}

interface PodJson {
  metadata: { name: string; deletionTimestamp?: string };
  status: { podLoopbackIP: string; containerStatuses: Array<{ name: string; containerID?: string }> };
}

function pidOf(pod: PodJson, container: string): number {
  const id = pod.status.containerStatuses.find((c) => c.name === container)?.containerID ?? '';
  const pid = Number(id.replace('weft://', ''));
  if (!pid) throw new Error(`no process for ${pod.metadata.name}/${container}`);
  return pid;
}

export function benchManifests(): string {
  const backendCmd = `${process.execPath} ${join(repoRoot, 'dist', 'bench', 'backend.js')}`;
  const docs = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench', labels: { 'istio-injection': 'enabled' } } },
    {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'backend', namespace: 'bench' },
      spec: {
        selector: { matchLabels: { app: 'backend' } },
        template: {
          metadata: { labels: { app: 'backend', version: 'v1' }, annotations: { 'local-command.weft.dev/backend': backendCmd } },
          spec: { containers: [{ name: 'backend', image: 'weft.dev/bench-backend', env: [{ name: 'LISTEN_ADDR', value: '0.0.0.0:8080' }], ports: [{ containerPort: 8080, name: 'http' }], readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 } }] },
        },
      },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'backend', namespace: 'bench' }, spec: { selector: { app: 'backend' }, ports: [{ name: 'http', port: 8080, targetPort: 8080 }] } },
    {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'client', namespace: 'bench' },
      spec: {
        selector: { matchLabels: { app: 'client' } },
        template: { metadata: { labels: { app: 'client', version: 'v1' } }, spec: { containers: [{ name: 'client', image: 'curlimages/curl' }] } },
      },
    },
    {
      apiVersion: 'networking.istio.io/v1beta1', kind: 'Sidecar', metadata: { name: 'client', namespace: 'bench' },
      spec: { workloadSelector: { labels: { app: 'client' } }, egress: [{ port: { number: 8080, protocol: 'HTTP', name: 'http' }, bind: '127.0.0.1', captureMode: 'NONE', hosts: ['./*'] }] },
    },
  ];
  return docs.map((d) => JSON.stringify(d)).join('\n---\n');
}

export async function setUpWeft(log: (m: string) => void): Promise<WeftPair> {
  const sandbox = new WeftSandbox('weft-bench-');
  try {
    return await setUp(sandbox, log);
  } catch (err) {
    await sandbox.cleanup();
    throw err;
  }
}

async function setUp(sandbox: WeftSandbox, log: (m: string) => void): Promise<WeftPair> {
  await sandbox.ok(['up']);
  log('weft: runtime up; installing the mesh');
  await sandbox.ok(['install', '-y', '--set', 'profile=minimal'], { timeoutMs: 120_000 });
  await sandbox.ok(['apply', '-f', '-'], { input: benchManifests() });
  await sandbox.ok(['-n', 'bench', 'wait', 'pods', '--for', 'condition=Ready', '--all', '--timeout=90s'], { timeoutMs: 120_000 });
  const pods = (JSON.parse(await sandbox.ok(['-n', 'bench', 'get', 'pods', '-o', 'json'])) as { items: PodJson[] }).items.filter((p) => !p.metadata.deletionTimestamp);
  const backend = pods.find((p) => p.metadata.name.startsWith('backend-'))!;
  const client = pods.find((p) => p.metadata.name.startsWith('client-'))!;
  const istiod = (JSON.parse(await sandbox.ok(['-n', 'istio-system', 'get', 'pods', '-o', 'json'])) as { items: PodJson[] }).items.find((p) => p.metadata.name.startsWith('istiod-'))!;
  return {
    sandbox,
    backendUrl: `http://${backend.status.podLoopbackIP}:8080/`,
    clientUrl: `http://${client.status.podLoopbackIP}:8080/`,
    host: 'backend.bench.svc.cluster.local:8080',
    clientProxyPid: pidOf(client, 'istio-proxy'),
    serverProxyPid: pidOf(backend, 'istio-proxy'),
    istiodPid: pidOf(istiod, 'discovery'),
  };
}
