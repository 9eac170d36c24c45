// Bounded HTTP load for end-to-end tests: a few keep-alive workers at a capped rate, counting every
// request sent and every failure (a status other than 200, or a transport error) by reason.

import { Agent, request } from 'node:http';

export interface LoadOptions {
  host: string;
  port: number;
  path?: string;
  concurrency: number;
  /** Aggregate requests per second, at most. */
  rps: number;
  /** Hard bounds, whatever the caller does: the load stops at either. */
  maxRequests: number;
  maxMs: number;
}

export interface LoadReport {
  sent: number;
  failed: number;
  /** Failures by reason: `503`, `ECONNRESET`, `timeout`... */
  reasons: Record<string, number>;
}

export class Load {
  private readonly agent: Agent;
  private stopped = false;
  private readonly done: Promise<void>;
  readonly report: LoadReport = { sent: 0, failed: 0, reasons: {} };
  /** Requests sent and not yet answered. */
  inFlight = 0;

  constructor(private readonly o: LoadOptions) {
    this.agent = new Agent({ keepAlive: true, maxSockets: o.concurrency });
    const deadline = Date.now() + o.maxMs;
    const spacingMs = (o.concurrency * 1000) / o.rps;
    this.done = Promise.all(
      Array.from({ length: o.concurrency }, async () => {
        while (!this.stopped && Date.now() < deadline && this.report.sent < o.maxRequests) {
          const t0 = Date.now();
          await this.one();
          const wait = spacingMs - (Date.now() - t0);
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        }
      }),
    ).then(() => undefined);
  }

  private one(): Promise<void> {
    this.report.sent++;
    this.inFlight++;
    return new Promise<void>((resolve) => {
      const finish = (reason?: string): void => {
        this.inFlight--;
        if (reason) {
          this.report.failed++;
          this.report.reasons[reason] = (this.report.reasons[reason] ?? 0) + 1;
        }
        resolve();
      };
      const req = request({ host: this.o.host, port: this.o.port, path: this.o.path ?? '/', agent: this.agent, timeout: 15_000 }, (res) => {
        res.resume();
        res.on('end', () => finish(res.statusCode === 200 ? undefined : String(res.statusCode)));
        res.on('error', (err: NodeJS.ErrnoException) => finish(err.code ?? 'error'));
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'timeout' })));
      req.on('error', (err: NodeJS.ErrnoException) => finish(err.code ?? 'error'));
      req.end();
    });
  }

  /** Stops sending, waits for what is in flight, and returns the counts. */
  async stop(): Promise<LoadReport> {
    this.stopped = true;
    await this.done;
    this.agent.destroy();
    return this.report;
  }
}

export function describeReport(name: string, r: LoadReport): string {
  const reasons = Object.entries(r.reasons).map(([k, v]) => `${k}=${v}`).join(' ');
  return `${name}: sent ${r.sent}, failed ${r.failed}${reasons ? ` (${reasons})` : ''}`;
}
