// Load from hey (Debian package "hey"): a fixed rate per worker, per-request times as CSV.
// Known limits, printed with the results: -q paces each worker on its own ticker, so 16 workers at
// 63 rps fire in lock-step bursts about every 16 ms (the "bursty" shape); a worker waits for its
// response before sending again (closed loop: a slow response delays later requests rather than
// being measured against the schedule); times are printed with 0.1 ms resolution.

import { spawn, spawnSync } from 'node:child_process';

export interface HeyTarget {
  url: string;
  /** Host header (hey's -host). */
  host?: string;
}

export function heyVersion(): string | undefined {
  const r = spawnSync('hey', ['-h'], { encoding: 'utf8' });
  if (r.error) return undefined;
  return 'hey (Debian package ' + (spawnSync('dpkg-query', ['-W', '-f=${Version}', 'hey'], { encoding: 'utf8' }).stdout || 'unknown') + ')';
}

function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('hey', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`hey exited ${code}: ${err.slice(0, 300)}`))));
  });
}

/** Response times in ms of every request, and the non-2xx count. */
function parseCsv(csv: string): { latencies: number[]; errors: number } {
  const latencies: number[] = [];
  let errors = 0;
  for (const line of csv.split('\n').slice(1)) {
    if (!line) continue;
    const cols = line.split(',');
    const t = Number(cols[0]);
    const code = Number(cols[6]);
    if (!Number.isFinite(t)) continue;
    latencies.push(t * 1000);
    if (!(code >= 200 && code < 300)) errors++;
  }
  return { latencies, errors };
}

function base(t: HeyTarget): string[] {
  return [...(t.host ? ['-host', t.host] : []), '-disable-compression'];
}

/** 16 connections at 63 rps each from one hey: the bursty shape. */
export async function bursty(t: HeyTarget, seconds: number): Promise<{ latencies: number[]; errors: number }> {
  return parseCsv(await run(['-c', '16', '-q', '63', '-z', `${seconds}s`, '-o', 'csv', ...base(t), t.url]));
}

/** 16 single-connection hey processes at 63 rps each, started about 1 ms apart: spread arrivals. */
export async function spread(t: HeyTarget, seconds: number): Promise<{ latencies: number[]; errors: number }> {
  const runs: Array<Promise<string>> = [];
  for (let i = 0; i < 16; i++) {
    runs.push(run(['-c', '1', '-q', '63', '-z', `${seconds}s`, '-o', 'csv', ...base(t), t.url]));
    await new Promise((r) => setTimeout(r, 1));
  }
  const all = await Promise.all(runs);
  const merged = { latencies: [] as number[], errors: 0 };
  for (const csv of all) {
    const p = parseCsv(csv);
    merged.latencies.push(...p.latencies);
    merged.errors += p.errors;
  }
  return merged;
}

/** As many requests as 16 connections carry: requests per second. */
export async function maxThroughput(t: HeyTarget, seconds: number): Promise<number> {
  const out = await run(['-c', '16', '-z', `${seconds}s`, ...base(t), t.url]);
  const m = /Requests\/sec:\s+([\d.]+)/.exec(out);
  if (!m) throw new Error(`hey printed no Requests/sec: ${out.slice(0, 300)}`);
  return Number(m[1]);
}
