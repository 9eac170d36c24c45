// Pull-style reads over a socket that may serve several requests in turn.
// Stream async iterators destroy the socket when a loop exits early, which
// would break connection reuse, so this keeps its own small queue.

import type { Duplex } from 'node:stream';

export class SocketReader {
  private readonly queue: Buffer[] = [];
  private ended = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly socket: Duplex) {
    socket.on('data', (chunk: Buffer) => {
      this.queue.push(chunk);
      socket.pause();
      this.notify();
    });
    socket.on('end', () => {
      this.ended = true;
      this.notify();
    });
    socket.on('error', (err: Error) => {
      this.failure ??= err;
      this.notify();
    });
    socket.on('close', () => {
      this.ended = true;
      this.notify();
    });
  }

  /** Next chunk, null at end of stream; rejects with the socket's error. */
  async read(): Promise<Buffer | null> {
    for (;;) {
      const chunk = this.queue.shift();
      if (chunk) return chunk;
      if (this.failure) throw this.failure;
      if (this.ended) return null;
      this.socket.resume();
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  /** Resolves true once something can be read (or the peer is gone), false after `ms`. */
  async waitForData(ms: number): Promise<boolean> {
    if (this.queue.length > 0 || this.ended || this.failure) return true;
    this.socket.resume();
    let timer: NodeJS.Timeout | undefined;
    const arrived = await new Promise<boolean>((resolve) => {
      this.wake = () => resolve(true);
      timer = setTimeout(() => resolve(false), ms);
    });
    clearTimeout(timer);
    if (!arrived) this.wake = undefined;
    return arrived;
  }

  /** Puts back bytes read past the end of a response. */
  unshift(chunk: Buffer): void {
    if (chunk.length > 0) this.queue.unshift(chunk);
  }

  /** True when the peer has closed or failed and nothing is left to read. */
  get exhausted(): boolean {
    return this.queue.length === 0 && (this.ended || this.failure !== undefined);
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
