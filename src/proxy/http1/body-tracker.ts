// Where a message body ends, as its bytes stream past: by length, by chunked framing, or at close.

import { ChunkedScanner } from './chunked-scanner.js';
import type { Framing } from './head.js';

export class BodyTracker {
  private remaining: number;
  private readonly chunked: ChunkedScanner | undefined;
  done: boolean;
  private raw = 0;

  constructor(readonly framing: Framing) {
    this.remaining = framing.kind === 'length' ? framing.remaining : 0;
    this.chunked = framing.kind === 'chunked' ? new ChunkedScanner() : undefined;
    this.done = framing.kind === 'none';
  }

  /** How many bytes of buf (from offset) belong to this body. */
  take(buf: Buffer, offset = 0): number {
    const n = this.takeRaw(buf, offset);
    this.raw += n;
    return n;
  }

  /** Payload bytes so far, without chunked framing (what Envoy logs as bytes received/sent). */
  get bodyBytes(): number {
    return this.chunked ? this.chunked.dataBytes : this.raw;
  }

  private takeRaw(buf: Buffer, offset: number): number {
    if (this.done) return 0;
    const avail = buf.length - offset;
    switch (this.framing.kind) {
      case 'length': {
        const n = Math.min(avail, this.remaining);
        this.remaining -= n;
        if (this.remaining === 0) this.done = true;
        return n;
      }
      case 'chunked': {
        const n = this.chunked!.scan(buf, offset);
        if (this.chunked!.done) this.done = true;
        return n;
      }
      case 'close':
        return avail;
      default:
        return 0;
    }
  }

  /** The peer closed: a read-to-close body is complete; any other is cut short. */
  closed(): boolean {
    if (this.framing.kind === 'close') this.done = true;
    return this.done;
  }
}
