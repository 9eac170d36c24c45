// Configuration propagation: N services, M simulated proxies connected to the real control plane;
// the time from a change until every proxy has received it (and acknowledged it), and istiod's memory.
// The proxies are simulated (one connection each from this process) but each is a real pod, so the
// control plane computes its configuration as for any sidecar.

import { connect, type ClientHttp2Session } from 'node:http2';
import { request } from 'node:http';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { ApiClient } from '../src/cli/client.js';
import { statePaths } from '../src/runtime/paths.js';
import { DISCOVERY_PATH, encode } from '../src/xds/discovery.js';
import { WeftSandbox } from '../test/support/weft-cli.js';
import { peakRssBytes } from './lib/proc-stats.js';
import { median, percentile, round } from './lib/stats.js';

export interface PropagationResult {
  services: number;
  proxies: number;
  changes: Record<string, { p50Ms: number; p99Ms: number; samples: number; medianAllAckedMs: number }>;
  istiodPeakRssMB: number;
  note: string;
}

const SERVICES = Number(process.env.BENCH_SERVICES ?? 1000);
const PROXIES = Number(process.env.BENCH_PROXIES ?? 200);
const REPEATS = Number(process.env.BENCH_PROPAGATION_REPEATS ?? 5);

interface SimProxy {
  session: ClientHttp2Session;
  /** Called with each pushed line (the raw JSON) on arrival. */
  onPush?: (line: string, at: number) => void;
}

function simulate(host: string, port: number, podName: string, namespace: string): Promise<SimProxy> {
  return new Promise((resolve, reject) => {
    const session = connect(`http://${host}:${port}`);
    session.on('error', reject);
    const sim: SimProxy = { session };
    const stream = session.request({ ':method': 'POST', ':path': DISCOVERY_PATH }, { endStream: false });
    stream.write(encode({ node: { id: `sidecar~0.0.0.0~${podName}.${namespace}~${namespace}.svc.cluster.local`, role: 'sidecar', podName, namespace, ip: '0.0.0.0', proxyVersion: 'bench' }, versionInfo: '', responseNonce: '' }));
    let buf = '';
    let first = true;
    stream.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        const at = performance.now();
        const m = /^\{"versionInfo":"([^"]*)","nonce":"([^"]*)"/.exec(line);
        if (m) stream.write(encode({ versionInfo: m[1]!, responseNonce: m[2]! }));
        sim.onPush?.(line, at);
        if (first) {
          first = false;
          resolve(sim);
        }
      }
    });
    stream.on('error', reject);
  });
}

function until(check: () => boolean, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const t = setInterval(() => {
      if (check()) {
        clearInterval(t);
        resolve();
      } else if (Date.now() > deadline) {
        clearInterval(t);
        reject(new Error('timed out waiting for the proxies'));
      }
    }, 2);
  });
}

export async function runPropagation(log: (m: string) => void): Promise<PropagationResult> {
  const sandbox = new WeftSandbox('weft-bench-prop-');
  const sims: SimProxy[] = [];
  try {
    await sandbox.ok(['up']);
    await sandbox.ok(['install', '-y', '--set', 'profile=minimal'], { timeoutMs: 120_000 });
    const api = ApiClient.connect(statePaths(sandbox.home));
    const apply = (docs: unknown[]) => api.call('POST', '/v1/apply', { sources: [{ name: 'bench', text: docs.map((d) => JSON.stringify(d)).join('\n---\n') }], namespace: 'prop', enforceNamespace: false, mode: 'apply', dryRun: false });
    await apply([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prop' } }]);
    const services = Array.from({ length: SERVICES }, (_, i) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: `svc-${i}`, namespace: 'prop' }, spec: { selector: { app: `svc-${i}` }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } }));
    await apply(services);
    log(`propagation: ${SERVICES} services applied; starting ${PROXIES} pods for the simulated proxies`);
    await apply([{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'sim', namespace: 'prop' }, spec: { replicas: PROXIES, selector: { matchLabels: { app: 'sim' } }, template: { metadata: { labels: { app: 'sim' } }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'sim', image: 'busybox' }] } } } }]);
    await sandbox.ok(['-n', 'prop', 'wait', 'pods', '--for', 'condition=Ready', '--all', '--timeout=180s'], { timeoutMs: 200_000 });
    const pods = (await api.call<{ items: Array<{ metadata: { name: string } }> }>('GET', '/v1/list?kind=Pod&namespace=prop')).items;
    const istiod = (await api.call<{ items: Array<{ metadata: { name: string }; status: { podIP: string; containerStatuses: Array<{ containerID?: string }> } }> }>('GET', '/v1/list?kind=Pod&namespace=istio-system')).items[0]!;
    const istiodPid = Number(istiod.status.containerStatuses[0]!.containerID!.replace('weft://', ''));
    log(`propagation: connecting ${pods.length} simulated proxies to istiod`);
    for (const p of pods) sims.push(await simulate(istiod.status.podIP, 15010, p.metadata.name, 'prop'));

    const changes: PropagationResult['changes'] = {};
    const measureChange = async (name: string, makeChange: (k: number, setMarker: (m: string) => void) => Promise<{ t0: () => number }>) => {
      const samples: number[] = [];
      const allAcked: number[] = [];
      for (let k = 0; k < REPEATS; k++) {
        const seen = new Map<SimProxy, number>();
        let marker = '\u0000';
        for (const s of sims) s.onPush = (line, at) => {
          if (!seen.has(s) && line.includes(marker)) seen.set(s, at);
        };
        const change = await makeChange(k, (m) => (marker = m));
        await until(() => seen.size === sims.length, 60_000);
        const t0 = change.t0();
        const times = [...seen.values()].map((t) => t - t0);
        samples.push(...times);
        allAcked.push(Math.max(...times));
        await new Promise((r) => setTimeout(r, 200));
      }
      samples.sort((a, b) => a - b);
      changes[name] = { p50Ms: round(percentile(samples, 50), 1), p99Ms: round(percentile(samples, 99), 1), samples: samples.length, medianAllAckedMs: round(median(allAcked), 1) };
      log(`propagation: ${name}: p50 ${changes[name]!.p50Ms} ms, p99 ${changes[name]!.p99Ms} ms`);
    };

    await measureChange('new service', async (k, setMarker) => {
      setMarker(`probe-${k}.prop.svc.cluster.local`);
      const t0 = performance.now();
      await apply([{ apiVersion: 'v1', kind: 'Service', metadata: { name: `probe-${k}`, namespace: 'prop' }, spec: { selector: { app: `probe-${k}` }, ports: [{ name: 'http', port: 80 }] } }]);
      if (process.env.BENCH_VERBOSE) log(`apply took ${Math.round(performance.now() - t0)} ms`);
      return { t0: () => t0 };
    });

    await measureChange('endpoint added', async (k, setMarker) => {
      // The clock starts when the runtime publishes the new endpoint (the pod turned ready).
      let t0 = NaN;
      await new Promise<string>((resolve, reject) => {
        const info = api.info;
        const req = request({ host: info.host, port: info.port, path: '/v1/watch?kinds=Endpoints', headers: { authorization: `Bearer ${readToken(sandbox.home)}` } }, (res) => {
          let buf = '';
          let synced = false;
          res.on('data', (d: Buffer) => {
            buf += d.toString();
            let i: number;
            while ((i = buf.indexOf('\n')) >= 0) {
              const line = buf.slice(0, i);
              buf = buf.slice(i + 1);
              const e = JSON.parse(line) as { type: string; object?: { metadata: { name: string }; subsets?: Array<{ addresses?: Array<{ ip: string }> }> } };
              if (e.type === 'SYNCED') {
                synced = true;
                void apply([{ apiVersion: 'v1', kind: 'Pod', metadata: { name: `ep-${k}`, namespace: 'prop', labels: { app: `svc-${k}` } }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'busybox' }] } }]).catch(reject);
              }
              const a = e.object?.subsets?.[0]?.addresses?.[0]?.ip;
              if (synced && e.object?.metadata.name === `svc-${k}` && a) {
                t0 = performance.now();
                setMarker(`"address":"${a}"`);
                req.destroy();
                resolve(a);
                return;
              }
            }
          });
        });
        req.on('error', () => undefined);
        req.end();
      });
      return { t0: () => t0 };
    });

    return {
      services: SERVICES,
      proxies: sims.length,
      changes,
      istiodPeakRssMB: round(peakRssBytes(istiodPid) / 2 ** 20, 1),
      note: 'time from the change (the API call returning for a new service; the runtime publishing the endpoint for a new endpoint) until each simulated proxy received a push containing it; each acknowledges on receipt',
    };
  } finally {
    for (const s of sims) s.session.destroy();
    if (process.env.BENCH_VERBOSE) {
      const r = await sandbox.run(['-n', 'istio-system', 'logs', 'deploy/istiod', '--tail', '2000']);
      log(r.stdout);
    }
    await sandbox.cleanup();
  }
}

function readToken(home: string): string {
  return readFileSync(`${home}/token`, 'utf8').trim();
}

if (process.argv[1]?.endsWith('propagation.js')) {
  runPropagation((m) => process.stderr.write(`${m}\n`)).then(
    (r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`),
    (err: Error) => {
      process.stderr.write(`propagation failed: ${err.message}\n`);
      process.exit(1);
    },
  );
}
