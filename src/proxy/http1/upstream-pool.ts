// Idle keep-alive connections per upstream endpoint, reused last-in first-out.

import { connect, type Socket } from 'node:net';

const MAX_IDLE_PER_KEY = 128;
const IDLE_TIMEOUT_MS = 60_000;

interface Idle {
  socket: Socket;
  onGone: () => void;
}

export class UpstreamPool {
  private readonly idle = new Map<string, Idle[]>();

  /** A pooled connection (reused: true) or a new one. */
  acquire(host: string, port: number, localAddress: string | undefined): { socket: Socket; reused: boolean } {
    const key = `${host}:${port}`;
    const list = this.idle.get(key);
    while (list && list.length) {
      const it = list.pop()!;
      it.socket.off('close', it.onGone);
      it.socket.off('error', it.onGone);
      it.socket.off('data', it.onGone);
      it.socket.setTimeout(0);
      if (!it.socket.destroyed) return { socket: it.socket, reused: true };
    }
    const socket = connect({ host, port, noDelay: true, ...(localAddress ? { localAddress } : {}) });
    return { socket, reused: false };
  }

  release(host: string, port: number, socket: Socket): void {
    if (socket.destroyed || socket.readyState !== 'open') {
      socket.destroy();
      return;
    }
    const key = `${host}:${port}`;
    let list = this.idle.get(key);
    if (!list) this.idle.set(key, (list = []));
    if (list.length >= MAX_IDLE_PER_KEY) {
      socket.destroy();
      return;
    }
    socket.removeAllListeners('data');
    socket.removeAllListeners('end');
    socket.removeAllListeners('close');
    socket.removeAllListeners('error');
    const it: Idle = {
      socket,
      onGone: () => {
        socket.destroy();
        const i = list!.indexOf(it);
        if (i >= 0) list!.splice(i, 1);
      },
    };
    // An idle connection that speaks or closes is useless: drop it.
    socket.once('close', it.onGone);
    socket.once('error', it.onGone);
    socket.once('data', it.onGone);
    socket.setTimeout(IDLE_TIMEOUT_MS, it.onGone);
    socket.resume();
    list.push(it);
  }

  /** Closes idle connections to endpoints no longer in use. */
  retain(live: Set<string>): void {
    for (const [key, list] of this.idle) {
      if (live.has(key)) continue;
      for (const it of list) it.socket.destroy();
      this.idle.delete(key);
    }
  }

  close(): void {
    for (const list of this.idle.values()) for (const it of list) it.socket.destroy();
    this.idle.clear();
  }
}
