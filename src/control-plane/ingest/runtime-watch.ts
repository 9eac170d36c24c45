// Follows the local runtime's watch stream; reconnects with back-off and replays from scratch.

import { request } from 'node:http';
import { LineDecoder } from '../../xds/discovery.js';
import type { IndexEvent, ResourceIndex } from './resource-index.js';

export const WATCHED_KINDS = [
  'Namespace', 'Service', 'Endpoints', 'Pod', 'ServiceAccount',
  'VirtualService', 'DestinationRule', 'Gateway', 'ServiceEntry', 'Sidecar', 'WorkloadEntry',
  'PeerAuthentication', 'AuthorizationPolicy', 'RequestAuthentication', 'Telemetry', 'Policy', 'MeshPolicy',
];

export interface RuntimeEndpoint {
  host: string;
  port: number;
  token: string;
}

export class RuntimeWatch {
  private stopped = false;
  private backoffMs = 100;
  private current: ReturnType<typeof request> | undefined;

  constructor(private readonly api: RuntimeEndpoint, private readonly index: ResourceIndex, private readonly log: (msg: string) => void) {}

  start(): void {
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.current?.destroy();
  }

  private connect(): void {
    if (this.stopped) return;
    const req = request(
      { host: this.api.host, port: this.api.port, path: `/v1/watch?kinds=${WATCHED_KINDS.join(',')}`, headers: { authorization: `Bearer ${this.api.token}` } },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          this.retry(`watch answered ${res.statusCode}`);
          return;
        }
        this.index.reset();
        this.backoffMs = 100;
        const dec = new LineDecoder((m) => this.index.apply(m as IndexEvent));
        res.on('data', (d: Buffer) => dec.push(d));
        res.on('end', () => this.retry('watch ended'));
        res.on('error', () => this.retry('watch broke'));
      },
    );
    req.on('error', (err) => this.retry(err.message));
    req.end();
    this.current = req;
  }

  private retry(why: string): void {
    if (this.stopped) return;
    this.log(`runtime watch: ${why}; retrying in ${this.backoffMs}ms`);
    setTimeout(() => this.connect(), this.backoffMs).unref();
    this.backoffMs = Math.min(this.backoffMs * 2, 5000);
  }
}
