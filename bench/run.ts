// npm run bench: the sidecar pair against a direct call and against an nginx pair, measured in one run.
// Scenarios alternate and repeat so the machine's noise spreads over all of them.

import { cpus, totalmem, release } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../test/support/weft-cli.js';
import { bursty, heyVersion, maxThroughput, spread, type HeyTarget } from './lib/hey.js';
import { nginxBinary, nginxVersion, startNginxPair, type NginxPair } from './lib/nginx.js';
import { cpuSeconds, peakRssBytes } from './lib/proc-stats.js';
import { median, percentile, round } from './lib/stats.js';
import { setUpWeft, type WeftPair } from './lib/weft-setup.js';
import { runPropagation, type PropagationResult } from './propagation.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const THROUGHPUT_SECONDS = Number(process.env.BENCH_THROUGHPUT_SECONDS ?? 5);

type Shape = 'bursty' | 'spread';

interface Scenario {
  name: 'direct' | 'weft' | 'nginx';
  target: HeyTarget;
  /** Proxy processes whose CPU and memory count: client side first. */
  proxies: number[];
}

interface RunResult {
  p50: number;
  p90: number;
  p99: number;
  rps: number;
  errors: number;
  /** vCPU per 1,000 rps, per proxy process. */
  cpuPer1k: number[];
}

function log(msg: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);
}

async function measure(s: Scenario, shape: Shape): Promise<RunResult> {
  const cpu0 = s.proxies.map(cpuSeconds);
  const t0 = Date.now();
  const r = shape === 'bursty' ? await bursty(s.target, SECONDS) : await spread(s.target, SECONDS);
  const elapsed = (Date.now() - t0) / 1000;
  const cpu = s.proxies.map((pid, i) => cpuSeconds(pid) - cpu0[i]!);
  const sorted = r.latencies.sort((a, b) => a - b);
  const rps = sorted.length / elapsed;
  return {
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    rps,
    errors: r.errors,
    cpuPer1k: cpu.map((c) => c / elapsed / (rps / 1000)),
  };
}

async function main(): Promise<void> {
  const hey = heyVersion();
  if (!hey) {
    process.stderr.write('npm run bench needs hey (the load generator): sudo apt-get install hey\nFor the nginx anchor also: sudo apt-get install nginx-light\n');
    process.exit(2);
  }
  const nginx = nginxBinary();
  if (!nginx) log('nginx is not installed: the nginx anchor is skipped (sudo apt-get install nginx-light)');
  const started = Date.now();
  log('setting up weft (runtime, mesh, backend and client pods)');
  const weft: WeftPair = await setUpWeft(log);
  // Profiles (WEFT_PROXY_NODE_ARGS=--cpu-prof) are written when the proxies exit at the end.
  let pair: NginxPair | undefined;
  try {
    const backendHostPort = weft.backendUrl.replace(/^http:\/\//, '').replace(/\/$/, '');
    if (nginx) pair = await startNginxPair(nginx, backendHostPort);
    const only = (process.env.BENCH_ONLY ?? 'direct,weft,nginx').split(',');
    const scenarios: Scenario[] = [
      { name: 'direct' as const, target: { url: weft.backendUrl }, proxies: [] },
      { name: 'weft' as const, target: { url: weft.clientUrl, host: weft.host }, proxies: [weft.clientProxyPid, weft.serverProxyPid] },
      ...(pair ? [{ name: 'nginx' as const, target: { url: pair.url }, proxies: [pair.clientWorkerPid, pair.serverWorkerPid] }] : []),
    ].filter((s) => only.includes(s.name));
    for (const s of scenarios) {
      log(`warm-up: ${s.name}`);
      await maxThroughput(s.target, 2);
    }
    const results = new Map<string, RunResult[]>();
    for (let rep = 0; rep < REPEATS; rep++) {
      const order = scenarios.map((_, i) => scenarios[(i + rep) % scenarios.length]!);
      for (const shape of ['bursty', 'spread'] as Shape[]) {
        for (const s of order) {
          log(`round ${rep + 1}/${REPEATS}: ${s.name}, ${shape}, ${SECONDS}s at 1,000 rps over 16 connections`);
          const r = await measure(s, shape);
          const key = `${s.name}/${shape}`;
          results.set(key, [...(results.get(key) ?? []), r]);
        }
      }
    }
    const throughput = new Map<string, number[]>();
    for (let rep = 0; rep < REPEATS; rep++) {
      for (const s of scenarios) {
        log(`round ${rep + 1}/${REPEATS}: ${s.name}, maximum throughput over 16 connections`);
        throughput.set(s.name, [...(throughput.get(s.name) ?? []), await maxThroughput(s.target, THROUGHPUT_SECONDS)]);
      }
    }
    const memory = new Map(scenarios.map((s) => [s.name, s.proxies.map(peakRssBytes)]));
    log('propagation: many services, many simulated proxies');
    const propagation = process.env.BENCH_SKIP_PROPAGATION ? undefined : await runPropagation(log).catch((err: Error) => {
      log(`propagation benchmark failed: ${err.message}`);
      return undefined;
    });
    report(scenarios, results, throughput, memory, propagation, { hey, nginx: nginx ? nginxVersion(nginx) : 'not installed', seconds: (Date.now() - started) / 1000 });
  } finally {
    await pair?.stop();
    await weft.sandbox.cleanup();
  }
}

function report(
  scenarios: Scenario[],
  results: Map<string, RunResult[]>,
  throughput: Map<string, number[]>,
  memory: Map<string, number[]>,
  propagation: PropagationResult | undefined,
  meta: { hey: string; nginx: string; seconds: number },
): void {
  const summary: Record<string, unknown> = {};
  const lines: string[] = [];
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  lines.push(`${'scenario'.padEnd(16)}${pad('p50 ms', 9)}${pad('p90 ms', 9)}${pad('p99 ms', 9)}${pad('+p90', 8)}${pad('+p99', 8)}${pad('vCPU/1k rps/proxy', 19)}${pad('peak MB/proxy', 15)}${pad('max rps', 10)}`);
  for (const shape of ['bursty', 'spread'] as Shape[]) {
    const direct = results.get(`direct/${shape}`) ?? [];
    const d90 = median(direct.map((r) => r.p90));
    const d99 = median(direct.map((r) => r.p99));
    for (const s of scenarios) {
      const rs = results.get(`${s.name}/${shape}`) ?? [];
      const p50 = median(rs.map((r) => r.p50));
      const p90 = median(rs.map((r) => r.p90));
      const p99 = median(rs.map((r) => r.p99));
      const cpu = s.proxies.map((_, i) => median(rs.map((r) => r.cpuPer1k[i]!)));
      const mem = (memory.get(s.name) ?? []).map((b) => b / 1024 / 1024);
      const tp = median(throughput.get(s.name) ?? []);
      const entry = {
        p50: round(p50), p90: round(p90), p99: round(p99),
        addedP90: round(p90 - d90), addedP99: round(p99 - d99),
        achievedRps: round(median(rs.map((r) => r.rps)), 0),
        errors: rs.reduce((a, r) => a + r.errors, 0),
        vcpuPer1kRps: cpu.map((c) => round(c, 3)),
        peakRssMB: mem.map((m) => round(m, 1)),
        maxThroughputRps: round(tp, 0),
        runs: rs.map((r) => ({ p50: round(r.p50), p90: round(r.p90), p99: round(r.p99), rps: round(r.rps, 0) })),
      };
      summary[`${s.name}/${shape}`] = entry;
      lines.push(
        `${`${s.name} ${shape}`.padEnd(16)}${pad(entry.p50.toFixed(2), 9)}${pad(entry.p90.toFixed(2), 9)}${pad(entry.p99.toFixed(2), 9)}` +
          `${pad(s.name === 'direct' ? '-' : `+${entry.addedP90.toFixed(2)}`, 8)}${pad(s.name === 'direct' ? '-' : `+${entry.addedP99.toFixed(2)}`, 8)}` +
          `${pad(cpu.length ? cpu.map((c) => c.toFixed(3)).join(' / ') : '-', 19)}${pad(mem.length ? mem.map((m) => m.toFixed(0)).join(' / ') : '-', 15)}${pad(Math.round(tp), 10)}`,
      );
    }
  }
  const ratios: Record<string, number> = {};
  if (summary['nginx/bursty']) {
    for (const shape of ['bursty', 'spread'] as Shape[]) {
      const w = summary[`weft/${shape}`] as { addedP90: number; addedP99: number; vcpuPer1kRps: number[]; peakRssMB: number[] };
      const n = summary[`nginx/${shape}`] as typeof w;
      const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      ratios[`${shape}.addedP90`] = round(w.addedP90 / n.addedP90, 2);
      ratios[`${shape}.addedP99`] = round(w.addedP99 / n.addedP99, 2);
      ratios[`${shape}.vcpuPer1kRps`] = round(avg(w.vcpuPer1kRps) / avg(n.vcpuPer1kRps), 2);
      ratios[`${shape}.memory`] = round(avg(w.peakRssMB) / avg(n.peakRssMB), 2);
    }
  }
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', memoryGB: round(totalmem() / 2 ** 30, 1), kernel: release(), node: process.version };
  const out = {
    date: new Date().toISOString(),
    machine,
    tools: { loadGenerator: meta.hey, nginx: meta.nginx },
    method: {
      rate: '1,000 requests/s over 16 connections (hey -c 16 -q 63), 1 KB responses, keep-alive',
      seconds: SECONDS, repeats: REPEATS, throughputSeconds: THROUGHPUT_SECONDS,
      shapes: { bursty: 'one hey, 16 workers pacing on their own tickers (lock-step bursts every ~16 ms)', spread: '16 hey processes, one connection at 63 rps each, started ~1 ms apart' },
      figures: 'medians over the repeats; added = scenario minus direct in the same run; vCPU from /proc/PID/stat (utime+stime) per proxy process; memory is VmHWM (peak resident)',
      limits: 'hey: closed loop per worker (a slow response delays the next request instead of counting against the schedule); 0.1 ms resolution; the load generator shares the 2 cores with the proxies',
    },
    results: summary,
    ratiosWeftOverNginx: ratios,
    propagation,
    durationSeconds: round(meta.seconds, 0),
  };
  mkdirSync(join(repoRoot, 'bench', 'results'), { recursive: true });
  writeFileSync(join(repoRoot, 'bench', 'results', 'latest.json'), `${JSON.stringify(out, null, 2)}\n`);
  let text = `\nWeft sidecar pair vs direct vs nginx pair (${machine.cpus} vCPU ${machine.cpuModel}, ${machine.node}; ${meta.hey}; ${meta.nginx})\n`;
  text += `${lines.join('\n')}\n`;
  if (Object.keys(ratios).length) text += `\nweft/nginx: ${Object.entries(ratios).map(([k, v]) => `${k} ${v}`).join(', ')}\n`;
  if (propagation) {
    text += `\npropagation (${propagation.services} services, ${propagation.proxies} proxies): `;
    text += Object.entries(propagation.changes).map(([k, v]) => `${k} p50 ${v.p50Ms} ms, p99 ${v.p99Ms} ms`).join('; ');
    text += `; istiod peak ${propagation.istiodPeakRssMB} MB\n`;
  }
  text += `\nLimits: ${out.method.limits}.\nWritten to bench/results/latest.json (${Math.round(meta.seconds)} s).\n`;
  process.stdout.write(text);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).message}\n`);
  process.exit(1);
});
