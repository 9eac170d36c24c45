// `fortio load`: c keep-alive connections, each a worker making its share of the calls at its share of
// the rate, then fortio's summary: latency histogram, sockets, codes, sizes and "All done".

import http from 'node:http';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Counter, Histogram } from './histogram.js';
import { goG } from './go-format.js';
import { formatGoDuration as goDuration } from '../../samples/go-duration.js';
import { FORTIO_VERSION, headSize, requestOptions, type Target } from './http-target.js';

export interface LoadOptions {
  target: Target;
  connections: number;
  /** Calls per second over all connections; 0 is as fast as possible. */
  qps: number;
  /** Total calls (-n); 0 when the run is bounded by duration instead. */
  exactly: number;
  /** -t in ms; 0 runs until interrupted. Ignored when `exactly` is set. */
  durationMs: number;
  percentiles: readonly number[];
  /** Fortio prints the response size counters only when -loglevel lets warnings through. */
  sizeLines?: boolean;
  out: (text: string) => void;
  /** Ends a run early, as SIGINT does. */
  signal?: AbortSignal;
}

export interface LoadResult {
  calls: number;
  codes: Map<number, number>;
  sockets: number;
  actualQps: number;
}

interface CallOutcome {
  code: number;
  head: number;
  total: number;
}

/** One connection of the run: its own agent holding at most one socket, reopened after errors as fortio does. */
class Worker {
  readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  sockets = 0;
  readonly peers = new Map<string, number>();

  constructor(private readonly target: Target) {}

  call(): Promise<CallOutcome> {
    return new Promise((resolve) => {
      const req = http.request(requestOptions(this.target, this.agent), (res) => {
        let body = 0;
        const socket = res.socket;
        res.on('data', (d: Buffer) => (body += d.length));
        res.on('end', () => {
          const code = res.statusCode ?? -1;
          // Fortio drops the connection after a non-2xx answer, so each error costs a new socket.
          if (code < 200 || code > 299) socket.destroy();
          const head = headSize(res);
          resolve({ code, head, total: head + body });
        });
        res.on('error', () => resolve({ code: -1, head: 0, total: 0 }));
      });
      req.on('socket', (s) => {
        if (req.reusedSocket) return;
        this.sockets++;
        s.once('connect', () => {
          const peer = `${s.remoteAddress}:${s.remotePort}`;
          this.peers.set(peer, (this.peers.get(peer) ?? 0) + 1);
        });
      });
      req.on('error', () => resolve({ code: -1, head: 0, total: 0 }));
      req.end(this.target.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const c = Math.max(1, o.connections);
  const procs = os.availableParallelism();
  const qpsText = o.qps > 0 ? goG(o.qps) : 'max';
  const byDuration = o.exactly === 0 && o.durationMs > 0;
  const durationText = goDuration(BigInt(Math.round(o.durationMs * 1e6)));
  // With a rate and a duration the run is a fixed number of calls per connection.
  let perThread = 0;
  let remainder = 0;
  if (o.exactly > 0) {
    perThread = Math.floor(o.exactly / c);
    remainder = o.exactly % c;
  } else if (byDuration && o.qps > 0) {
    perThread = Math.floor((o.qps * o.durationMs) / 1000 / c);
  }
  const forText = o.exactly > 0 ? `${o.exactly} calls` : byDuration ? durationText : 'until interrupted';
  o.out(`Fortio ${FORTIO_VERSION} running at ${goG(o.qps)} queries per second, ${procs}->${procs} procs, for ${forText}: ${o.target.url.href}\n`);
  let starting = `Starting at ${qpsText} qps with ${c} thread(s) [gomax ${procs}] `;
  if (o.exactly > 0) starting += `for exactly ${o.exactly} calls (${perThread} per thread + ${remainder})`;
  else if (byDuration && o.qps > 0) starting += `for ${durationText} : ${perThread} calls each (total ${perThread * c})`;
  else if (byDuration) starting += `for ${durationText}`;
  else starting += 'until interrupted';
  o.out(`${starting}\n`);

  const workers = Array.from({ length: c }, () => new Worker(o.target));
  const latency = new Histogram();
  const headSizes = new Counter();
  const totalSizes = new Counter();
  const codes = new Map<number, number>();
  const warmup = o.exactly > 0 ? 0 : c;
  try {
    // A warm-up call per connection, not counted, unless an exact number of calls was asked for.
    if (warmup > 0) await Promise.all(workers.map((w) => w.call()));
    const start = performance.now();
    const deadline = byDuration && o.qps <= 0 ? start + o.durationMs : Infinity;
    const interval = o.qps > 0 ? (1000 * c) / o.qps : 0;
    const stopped = (): boolean => o.signal?.aborted === true || performance.now() >= deadline;
    await Promise.all(
      workers.map(async (w, i) => {
        const calls = o.exactly > 0 || (byDuration && o.qps > 0) ? perThread + (i < remainder ? 1 : 0) : Infinity;
        for (let n = 0; n < calls && !stopped(); n++) {
          if (interval > 0) {
            const wait = start + n * interval - performance.now();
            if (wait > 0) await sleep(wait, undefined, { signal: o.signal }).catch(() => undefined);
            if (stopped()) break;
          }
          const t0 = performance.now();
          const r = await w.call();
          // Whole nanoseconds, as Go measures, so no float noise shows in min/max.
          latency.record(Math.round((performance.now() - t0) * 1e6) / 1e9);
          codes.set(r.code, (codes.get(r.code) ?? 0) + 1);
          headSizes.record(r.head);
          totalSizes.record(r.total);
        }
      }),
    );
    const elapsedNs = BigInt(Math.round((performance.now() - start) * 1e6));
    const elapsed = Number(elapsedNs) / 1e9;
    const actualQps = elapsed > 0 ? latency.count / elapsed : 0;
    const sockets = workers.reduce((s, w) => s + w.sockets, 0);
    let text = `Ended after ${goDuration(elapsedNs)} : ${latency.count} calls. qps=${goG(actualQps, 5)}\n`;
    text += latency.print('Aggregated Function Time', o.percentiles);
    text += `Sockets used: ${sockets} (for perfect keepalive, would be ${c})\n`;
    text += 'Uniform: false, Jitter: false, Catchup allowed: true\n';
    const peers = new Map<string, number>();
    for (const w of workers) for (const [p, n] of w.peers) peers.set(p, (peers.get(p) ?? 0) + n);
    text += 'IP addresses distribution:\n';
    for (const [p, n] of peers) text += `${p}: ${n}\n`;
    for (const code of [...codes.keys()].sort((a, b) => a - b)) {
      const n = codes.get(code)!;
      // Go's %3d: the -1 of a transport error reads "Code  -1".
      text += `Code ${String(code).padStart(3)} : ${n} (${((100 * n) / latency.count).toFixed(1)} %)\n`;
    }
    if (o.sizeLines !== false) {
      text += headSizes.line('Response Header Sizes');
      text += totalSizes.line('Response Body/Total Sizes');
    }
    text += `All done ${latency.count} calls (plus ${warmup} warmup) ${(1000 * latency.avg).toFixed(3)} ms avg, ${actualQps.toFixed(1)} qps\n`;
    o.out(text);
    return { calls: latency.count, codes, sockets, actualQps };
  } finally {
    for (const w of workers) w.close();
  }
}
