// The proxy's side of the push stream: names itself, applies each push (ACK) or rejects it (NACK)
// keeping the last good configuration, and reconnects with back-off when the control plane is away.

import { connect, type ClientHttp2Session, type ClientHttp2Stream } from 'node:http2';
import { DISCOVERY_PATH, LineDecoder, encode, type DiscoveryResponse, type NodeInfo } from '../../xds/discovery.js';
import type { ProxyConfig } from '../../xds/proxy-config.js';
import { assembleConfig } from '../../xds/resources.js';

export interface XdsClientOptions {
  host: string;
  port: number;
  node: NodeInfo;
  /** Applies a configuration; throwing rejects it. */
  apply(config: ProxyConfig): Promise<void>;
  log(msg: string): void;
  maxBackoffMs?: number;
}

export class XdsClient {
  private session: ClientHttp2Session | undefined;
  private stream: ClientHttp2Stream | undefined;
  private stopped = false;
  private backoffMs = 100;
  private ackedVersion = '';
  private queue: Promise<void> = Promise.resolve();
  /** The resources of the last configuration applied. */
  private held = new Map<string, unknown>();

  constructor(private readonly o: XdsClientOptions) {}

  start(): void {
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.stream?.close();
    this.session?.destroy();
  }

  private connect(): void {
    if (this.stopped) return;
    const session = connect(`http://${this.o.host}:${this.o.port}`);
    this.session = session;
    let failed = false;
    const fail = (why: string) => {
      if (failed) return;
      failed = true;
      session.destroy();
      this.retry(why);
    };
    session.on('error', (err) => fail(err.message));
    session.on('close', () => fail('connection closed'));
    session.on('goaway', () => fail('control plane went away'));
    session.once('connect', () => {
      const stream = session.request({ ':method': 'POST', ':path': DISCOVERY_PATH, 'content-type': 'application/x-ndjson' }, { endStream: false });
      this.stream = stream;
      stream.write(encode({ node: this.o.node, versionInfo: this.ackedVersion, responseNonce: '' }));
      const dec = new LineDecoder((m) => this.onResponse(m as DiscoveryResponse, stream));
      stream.on('response', (h) => {
        if (h[':status'] !== 200) fail(`control plane answered ${h[':status']}`);
        else this.backoffMs = 100;
      });
      stream.on('data', (d: Buffer) => {
        try {
          dec.push(d);
        } catch (err) {
          fail(`bad message: ${(err as Error).message}`);
        }
      });
      stream.on('close', () => fail('stream closed'));
      stream.on('error', (err) => fail(err.message));
    });
  }

  private onResponse(r: DiscoveryResponse, stream: ClientHttp2Stream): void {
    this.queue = this.queue.then(async () => {
      try {
        const next = r.full ? new Map<string, unknown>() : new Map(this.held);
        for (const key of r.removed ?? []) next.delete(key);
        for (const key in r.resources) next.set(key, r.resources[key]);
        await this.o.apply(assembleConfig(next, r.versionInfo));
        this.held = next;
        this.ackedVersion = r.versionInfo;
        stream.write(encode({ versionInfo: r.versionInfo, responseNonce: r.nonce }));
      } catch (err) {
        this.o.log(`rejected configuration ${r.versionInfo}: ${(err as Error).message}`);
        stream.write(encode({ versionInfo: this.ackedVersion, responseNonce: r.nonce, errorDetail: (err as Error).message }));
      }
    });
  }

  private retry(why: string): void {
    if (this.stopped) return;
    this.o.log(`control plane connection lost (${why}); keeping the last configuration, retrying in ${this.backoffMs}ms`);
    const t = setTimeout(() => this.connect(), this.backoffMs);
    t.unref();
    this.backoffMs = Math.min(this.backoffMs * 2, this.o.maxBackoffMs ?? 2000);
  }
}
