// The chaos suite: the first workshop's services behind the ingress gateway under a bounded load, while
// the control plane, the configuration, a sidecar, an app and the runtime itself fail in turn. Each step
// prints what it sent and what failed, and holds to the bounds users need: nothing fails for control-plane
// loss or configuration churn, and a proxy restart fails at most what it had in flight.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { WeftSandbox, manifestDir } from '../support/weft-cli.js';
import { getJson } from '../support/http.js';
import { Load, describeReport, type LoadReport } from '../support/load.js';
import { ApiClient } from '../../src/cli/client.js';
import { statePaths } from '../../src/runtime/paths.js';
import { isAlive } from '../support/processes.js';

interface PodJson {
  metadata: { name: string; namespace: string };
  status: { podIP?: string; containerStatuses?: Array<{ name: string; containerID?: string; restartCount: number; ready: boolean; state: { running?: unknown } }> };
}

const CONCURRENCY = 4;
const RPS = 80;

describe('chaos: the workshop mesh under load', () => {
  const w = new WeftSandbox('weft-chaos-');
  const dir = manifestDir();
  let ingress = { host: '', port: 80 };
  const reports: string[] = [];

  before(async () => {
    await w.ok(['up']);
    await w.ok(['install', '-y', '--set', 'profile=demo'], { timeoutMs: 90_000 });
    await w.ok(['create', 'ns', 'istioinaction']);
    await w.ok(['label', 'namespace', 'istioinaction', 'istio-injection=enabled']);
    for (const f of ['services-a.yaml', 'services-b.yaml', 'services-c-v1.yaml', 'service-a-gateway.yaml', 'service-a-route.yaml']) {
      await w.ok(['apply', '-n', 'istioinaction', '-f', join(dir, f)]);
    }
    await w.ok(['-n', 'istioinaction', 'wait', 'po', '--for', 'condition=Ready', '--all', '--timeout=90s'], { timeoutMs: 100_000 });
    await w.ok(['-n', 'istio-system', 'wait', 'po', '--for', 'condition=Ready', '--all', '--timeout=90s'], { timeoutMs: 100_000 });
    const ip = (await w.ok(['get', 'svc', '-n', 'istio-system', 'istio-ingressgateway', '-ojsonpath={.status.loadBalancer.ingress[*].ip}'])).trim();
    const [host, p] = ip.includes(':') ? [ip.split(':')[0]!, Number(ip.split(':')[1])] : [ip, 80];
    ingress = { host, port: p };
    await serving();
  });

  after(async () => {
    process.stdout.write(`# chaos\n${reports.map((r) => `#   ${r}`).join('\n')}\n`);
    await w.cleanup();
  });

  /** Until a request through the ingress answers 200. */
  async function serving(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const r = await getJson(ingress.port, ingress.host).catch(() => undefined);
      if (r?.status === 200) return;
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new Error('the ingress never answered 200');
  }

  function load(maxMs = 60_000): Load {
    return new Load({ ...ingress, concurrency: CONCURRENCY, rps: RPS, maxRequests: RPS * 70, maxMs });
  }

  async function finish(name: string, l: Load, extra = ''): Promise<LoadReport> {
    const r = await l.stop();
    reports.push(describeReport(name, r) + extra);
    assert.ok(r.sent > 50, `${name}: only ${r.sent} requests sent`);
    return r;
  }

  async function pods(ns: string): Promise<PodJson[]> {
    return (JSON.parse(await w.ok(['get', 'pods', '-n', ns, '-o', 'json'])) as { items: PodJson[] }).items;
  }

  async function containerPid(ns: string, podPrefix: string, container: string): Promise<{ pid: number; restarts: number; pod: string }> {
    const pod = (await pods(ns)).find((p) => p.metadata.name.startsWith(podPrefix));
    assert.ok(pod, `no pod ${podPrefix} in ${ns}`);
    const c = pod.status.containerStatuses?.find((s) => s.name === container);
    const m = /^weft:\/\/(\d+)$/.exec(c?.containerID ?? '');
    assert.ok(m && c, `no process for ${ns}/${pod.metadata.name}/${container}`);
    return { pid: Number(m[1]), restarts: c.restartCount, pod: pod.metadata.name };
  }

  /** Until the container runs a new process and is ready (a sidecar stays ready throughout its restart). */
  async function restarted(ns: string, podPrefix: string, container: string, old: { pid: number; restarts: number }): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const pod = (await pods(ns)).find((p) => p.metadata.name.startsWith(podPrefix));
      const c = pod?.status.containerStatuses?.find((s) => s.name === container);
      const pid = Number(/^weft:\/\/(\d+)$/.exec(c?.containerID ?? '')?.[1] ?? 0);
      if (c && c.restartCount > old.restarts && c.ready && pid !== 0 && pid !== old.pid && c.state.running) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${ns}/${podPrefix}/${container} did not come back`);
  }

  /** Until `n` requests in a row answer 200 through the ingress. */
  async function servingSteadily(n: number): Promise<void> {
    let inARow = 0;
    const deadline = Date.now() + 60_000;
    while (inARow < n) {
      if (Date.now() > deadline) throw new Error(`never ${n} answers of 200 in a row`);
      const r = await getJson(ingress.port, ingress.host).catch(() => undefined);
      inARow = r?.status === 200 ? inARow + 1 : 0;
      if (inARow === 0) await new Promise((res) => setTimeout(res, 100));
    }
  }

  const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

  /** Kills a container's process under load and waits for it to be back and ready; returns the counts. */
  async function killUnderLoad(name: string, ns: string, podPrefix: string, container: string): Promise<{ report: LoadReport; inFlight: number }> {
    const l = load();
    await settle(1000);
    const victim = await containerPid(ns, podPrefix, container);
    // In flight at the moment of the kill: those outstanding when the signal goes, and those sent
    // before the process is really gone (until then it may still accept and take a request down with it).
    const inFlightAtSignal = l.inFlight;
    const sentAtSignal = l.report.sent;
    process.kill(victim.pid, 'SIGKILL');
    while (!dead(victim.pid)) await new Promise((r) => setImmediate(r));
    const inFlight = inFlightAtSignal + (l.report.sent - sentAtSignal);
    await restarted(ns, podPrefix, container, victim);
    // The new process serves: what is sent from here on goes through it.
    await serving();
    await settle(1000);
    return { report: await finish(name, l, `; in flight at the kill: ${inFlight}`), inFlight };
  }

  it('loses no request when istiod is killed', async () => {
    const { report: r } = await killUnderLoad('istiod killed', 'istio-system', 'istiod-', 'discovery');
    assert.equal(r.failed, 0, JSON.stringify(r.reasons));
  });

  it('loses no request when istiod is scaled to 0 and back', async () => {
    const l = load();
    await settle(500);
    await w.ok(['-n', 'istio-system', 'scale', 'deploy', 'istiod', '--replicas=0']);
    await w.ok(['-n', 'istio-system', 'wait', 'po', '-l', 'app=istiod', '--for=delete', '--timeout=60s'], { timeoutMs: 70_000 });
    await settle(1000);
    await w.ok(['-n', 'istio-system', 'scale', 'deploy', 'istiod', '--replicas=1']);
    await w.ok(['-n', 'istio-system', 'wait', 'po', '-l', 'app=istiod', '--for', 'condition=Ready', '--timeout=60s'], { timeoutMs: 70_000 });
    await settle(1000);
    const r = await finish('istiod scaled to 0 and back', l);
    assert.equal(r.failed, 0, JSON.stringify(r.reasons));
  });

  it('loses no request over 100 route and DestinationRule changes', async () => {
    const l = load();
    // Through the API the CLI uses, so the changes come as fast as a controller's would.
    const api = ApiClient.connect(statePaths(w.home));
    for (let i = 0; i < 100; i++) {
      await api.call('POST', '/v1/apply', { sources: [{ name: `churn-${i}.yaml`, text: churn(i % 2) }], namespace: 'istioinaction' });
      await settle(20);
    }
    await settle(1000);
    const r = await finish('100 route and DestinationRule changes', l);
    assert.equal(r.failed, 0, JSON.stringify(r.reasons));
  });

  it('fails at most the requests in flight when a sidecar is killed', async () => {
    const { report: r, inFlight } = await killUnderLoad('service-b sidecar killed', 'istioinaction', 'service-b-', 'istio-proxy');
    assert.ok(r.failed <= inFlight, `${r.failed} failed, but only ${inFlight} were in flight: ${JSON.stringify(r.reasons)}`);
  });

  it('recovers when an app is killed', async () => {
    const { report: r } = await killUnderLoad('service-c app killed', 'istioinaction', 'service-c-v1-', 'service-c');
    // Until the new process listens, calls to service-c fail; service-a reports them as 500s.
    assert.ok(r.failed < r.sent / 2, JSON.stringify(r));
    await serving();
  });

  it('resumes every pod when the runtime is killed and restarted, leaking no process, file or address', async () => {
    const before = await pods('istioinaction');
    const oldPids = await allContainerPids();
    const info = JSON.parse(readFileSync(join(w.home, 'runtime.json'), 'utf8')) as { pid: number };
    process.kill(info.pid, 'SIGKILL');
    // Every container notices its runtime is gone and exits.
    const deadline = Date.now() + 20_000;
    while (oldPids.some(isAlive) && Date.now() < deadline) await settle(100);
    assert.deepEqual(oldPids.filter(isAlive), [], 'containers outlived their runtime');
    // Nor does any pod address still take connections: no socket outlived them either.
    for (const p of before) {
      for (const port of [8080, 15021]) assert.equal(await connectResult(p.status.podIP!, port), 'ECONNREFUSED', `${p.status.podIP}:${port} still listening`);
    }

    assert.match(await w.ok(['up']), /Weft is running/);
    await w.ok(['-n', 'istioinaction', 'wait', 'po', '--for', 'condition=Ready', '--all', '--timeout=90s'], { timeoutMs: 100_000 });
    await servingSteadily(20);
    const afterPods = await pods('istioinaction');
    const shape = (ps: PodJson[]) => ps.map((p) => `${p.metadata.name} ${p.status.podIP}`).sort();
    assert.deepEqual(shape(afterPods), shape(before), 'pods came back with other names or addresses');
    const ips = afterPods.map((p) => p.status.podIP);
    assert.equal(new Set(ips).size, ips.length, 'two pods share an address');
    assert.deepEqual(filesUnder(w.home).filter((f) => f.endsWith('.tmp') || f.endsWith('.old')), [], 'temporary files left behind');
    const l = load();
    await settle(3000);
    const r = await finish('after a runtime restart', l);
    assert.equal(r.failed, 0, JSON.stringify(r.reasons));
  });

  it('stops every process it started when it goes down', async () => {
    assert.match(await w.ok(['down'], { timeoutMs: 90_000 }), /Weft stopped/);
    assert.deepEqual(w.processesOfThisRuntime(), []);
  });

  async function allContainerPids(): Promise<number[]> {
    const out: number[] = [];
    for (const ns of ['istioinaction', 'istio-system']) {
      for (const p of await pods(ns)) {
        for (const c of p.status.containerStatuses ?? []) {
          const m = /^weft:\/\/(\d+)$/.exec(c.containerID ?? '');
          if (m) out.push(Number(m[1]));
        }
      }
    }
    return out;
  }
});


/** Two equivalent routings of the workshop's ingress route and a DestinationRule, alternated. */
function churn(variant: number): string {
  return `apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata:
  name: service-a-routing
spec:
  hosts:
  - "*"
  gateways:
  - service-a-gateway
  http:
${variant === 0 ? '' : `  - match:
    - uri:
        prefix: /churn-${variant}
    route:
    - destination:
        host: service-a
`}  - route:
    - destination:
        host: service-a
    timeout: ${10 + variant}s
---
apiVersion: networking.istio.io/v1alpha3
kind: DestinationRule
metadata:
  name: service-b
spec:
  host: service-b
  trafficPolicy:
    loadBalancer:
      simple: ${variant === 0 ? 'ROUND_ROBIN' : 'LEAST_REQUEST'}
`;
}

function connectResult(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host, port }, () => {
      s.destroy();
      resolve('connected');
    });
    s.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

/** Gone, or a zombie its parent has not reaped yet: either way it no longer runs. */
function dead(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}
