// npm run soak: the first workshop's mesh (services a, b, c-v1 and c-v2 behind the ingress gateway) under a
// steady load for a long run. Every minute it samples the resident memory of every process the runtime
// runs (and of the runtime itself), the container logs' size on disk and the state's size, and at the end
// prints them as a table with each process's growth after the first minutes. Nothing may grow without bound.
//
// SOAK_MINUTES (30) and SOAK_RPS (200) set the length and the rate.

import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WeftSandbox, manifestDir, repoRoot } from '../test/support/weft-cli.js';
import { Load } from '../test/support/load.js';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 30);
const RPS = Number(process.env.SOAK_RPS ?? 200);
const CONCURRENCY = 8;
/** Growth is measured from this sample on, after caches and pools have warmed up. */
const WARM_MINUTES = Math.min(5, Math.max(1, Math.floor(MINUTES / 6)));

interface PodJson {
  metadata: { name: string; namespace: string };
  status: { containerStatuses?: Array<{ name: string; containerID?: string; restartCount: number }> };
}

function log(msg: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);
}

function rssMb(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

function dirBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    n += e.isDirectory() ? dirBytes(p) : statSync(p).size;
  }
  return n;
}

async function processes(w: WeftSandbox): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  out.set('runtime', (JSON.parse(readFileSync(join(w.home, 'runtime.json'), 'utf8')) as { pid: number }).pid);
  for (const ns of ['istio-system', 'istioinaction']) {
    const pods = (JSON.parse(await w.ok(['get', 'pods', '-n', ns, '-o', 'json'])) as { items: PodJson[] }).items;
    for (const p of pods) {
      const short = p.metadata.name.replace(/-[a-z0-9]{8,10}-[a-z0-9]{5}$/, '');
      for (const c of p.status.containerStatuses ?? []) {
        const pid = Number((c.containerID ?? '').replace('weft://', ''));
        if (pid) out.set(`${short}/${c.name}`, pid);
      }
    }
  }
  return out;
}

async function main(): Promise<void> {
  const w = new WeftSandbox('weft-soak-');
  const dir = manifestDir();
  try {
    log('setting up: runtime, mesh, the workshop services and the ingress route');
    await w.ok(['up']);
    await w.ok(['install', '-y', '--set', 'profile=demo'], { timeoutMs: 90_000 });
    await w.ok(['create', 'ns', 'istioinaction']);
    await w.ok(['label', 'namespace', 'istioinaction', 'istio-injection=enabled']);
    for (const f of ['services-a.yaml', 'services-b.yaml', 'services-c-v1.yaml', 'services-c-v2.yaml', 'service-a-gateway.yaml', 'service-a-route.yaml']) {
      await w.ok(['apply', '-n', 'istioinaction', '-f', join(dir, f)]);
    }
    await w.ok(['-n', 'istioinaction', 'wait', 'po', '--for', 'condition=Ready', '--all', '--timeout=90s'], { timeoutMs: 100_000 });
    const ip = (await w.ok(['get', 'svc', '-n', 'istio-system', 'istio-ingressgateway', '-ojsonpath={.status.loadBalancer.ingress[*].ip}'])).trim();
    const [host, port] = ip.includes(':') ? [ip.split(':')[0]!, Number(ip.split(':')[1])] : [ip, 80];

    const procs = await processes(w);
    const names = [...procs.keys()];
    const samples = new Map<string, Array<number | undefined>>(names.map((n) => [n, []]));
    const logsMb: number[] = [];
    const stateMb: number[] = [];
    const sample = (): void => {
      for (const [n, pid] of procs) samples.get(n)!.push(rssMb(pid));
      logsMb.push(Math.round(dirBytes(join(w.home, 'logs')) / 1048576));
      stateMb.push(Math.round((dirBytes(w.home) - dirBytes(join(w.home, 'logs'))) / 1048576 * 10) / 10);
    };

    log(`load: ${RPS} rps through the ingress for ${MINUTES} minutes`);
    const load = new Load({ host, port, concurrency: CONCURRENCY, rps: RPS, maxRequests: RPS * 60 * MINUTES * 1.1, maxMs: MINUTES * 60_000 });
    sample();
    for (let m = 1; m <= MINUTES; m++) {
      await new Promise((r) => setTimeout(r, 60_000));
      sample();
      log(`minute ${m}: sent ${load.report.sent}, failed ${load.report.failed}, runtime ${samples.get('runtime')!.at(-1)} MB, logs ${logsMb.at(-1)} MB`);
    }
    const report = await load.stop();
    const after = await processes(w);
    const restarted = names.filter((n) => after.get(n) !== procs.get(n));

    const cols = samples.get('runtime')!.length;
    const width = Math.max(...names.map((n) => n.length), 'state dir (MB)'.length);
    const head = `${'process (RSS MB)'.padEnd(width)} ${Array.from({ length: cols }, (_, i) => String(i).padStart(5)).join('')}  growth`;
    const rows = names.map((n) => {
      const s = samples.get(n)!;
      const from = s[WARM_MINUTES];
      const to = s.at(-1);
      const growth = from !== undefined && to !== undefined ? `${to - from >= 0 ? '+' : ''}${to - from}` : 'n/a';
      return `${n.padEnd(width)} ${s.map((v) => String(v ?? '-').padStart(5)).join('')}  ${growth}`;
    });
    const table = [head, ...rows, `${'logs (MB)'.padEnd(width)} ${logsMb.map((v) => String(v).padStart(5)).join('')}`, `${'state dir (MB)'.padEnd(width)} ${stateMb.map((v) => String(v).padStart(5)).join('')}`].join('\n');
    process.stdout.write(`\nsoak: ${MINUTES} min at ${RPS} rps: sent ${report.sent}, failed ${report.failed} ${JSON.stringify(report.reasons)}; growth from minute ${WARM_MINUTES}\n${table}\n`);
    if (restarted.length) process.stdout.write(`processes replaced during the run: ${restarted.join(', ')}\n`);
    mkdirSync(join(repoRoot, 'bench', 'results'), { recursive: true });
    writeFileSync(join(repoRoot, 'bench', 'results', 'soak-latest.json'), `${JSON.stringify({
      when: new Date().toISOString(), minutes: MINUTES, rps: RPS, warmMinutes: WARM_MINUTES, load: report,
      rssMb: Object.fromEntries(samples), logsMb, stateMb, restarted,
    }, null, 2)}\n`);
  } finally {
    await w.cleanup();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`soak: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
