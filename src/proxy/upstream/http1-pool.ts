// Idle keep-alive HTTP/1.1 connections per upstream endpoint, reused last-in first-out. Each
// connection has its listeners installed once; they forward to whichever request holds it, so taking
// and giving back a connection costs no listener churn.

import type { Socket } from 'node:net';
import { connect, type ConnectTarget } from './connect.js';

const MAX_IDLE_PER_KEY = 128;
const IDLE_TIMEOUT_MS = 60_000;

/** The request currently using a connection. */
export interface UpstreamUser {
  data(d: Buffer): void;
  gone(err: NodeJS.ErrnoException | undefined): void;
  drain(): void;
}

interface Conn {
  socket: Socket;
  key: string;
  user: UpstreamUser | undefined;
}

const CONN = Symbol('weft.upstreamConn');

export class Http1Pool {
  private readonly idle = new Map<string, Conn[]>();

  constructor(private readonly podIP: string) {}

  /**
   * A pooled connection (reused: true) or a new one, bound to user until released or gone. `fresh`
   * dials anew and closes the endpoint's idle connections: after one of them turned out closed by the
   * server (a restarted endpoint), the others were most likely closed with it.
   */
  acquire(target: ConnectTarget, user: UpstreamUser, connectTimeoutMs = 10_000, fresh = false): { socket: Socket; reused: boolean } {
    const key = `${target.host}:${target.port}`;
    const list = this.idle.get(key);
    if (fresh && list) {
      this.idle.delete(key);
      for (const c of list) c.socket.destroy();
    }
    while (!fresh && list && list.length) {
      const c = list.pop()!;
      if (c.socket.destroyed) continue;
      c.socket.setTimeout(0);
      c.user = user;
      return { socket: c.socket, reused: true };
    }
    // The cluster's connect timeout (Istio's default 10 s) while connecting; idle timeouts come later.
    const socket = connect(target, { podIP: this.podIP, timeoutMs: connectTimeoutMs });
    const c: Conn = { socket, key, user };
    (socket as unknown as Record<symbol, Conn>)[CONN] = c;
    socket.on('data', (d: Buffer) => {
      if (c.user) c.user.data(d);
      else socket.destroy(); // an idle connection that speaks is useless
    });
    socket.on('error', (err: NodeJS.ErrnoException) => this.gone(c, err));
    socket.on('close', () => this.gone(c, undefined));
    socket.on('drain', () => c.user?.drain());
    socket.on('timeout', () => {
      if (!socket.connecting) socket.destroy(); // idle too long; connect timeouts are connect()'s
    });
    return { socket, reused: false };
  }

  private gone(c: Conn, err: NodeJS.ErrnoException | undefined): void {
    const user = c.user;
    c.user = undefined;
    if (user) user.gone(err);
    else {
      const list = this.idle.get(c.key);
      const i = list ? list.indexOf(c) : -1;
      if (i >= 0) list!.splice(i, 1);
    }
    c.socket.destroy();
  }

  /** Gives a connection back for reuse (or closes it when it cannot be reused). */
  release(socket: Socket): void {
    const c = (socket as unknown as Record<symbol, Conn | undefined>)[CONN];
    if (!c) {
      socket.destroy();
      return;
    }
    c.user = undefined;
    if (socket.destroyed || socket.readyState !== 'open') {
      socket.destroy();
      return;
    }
    let list = this.idle.get(c.key);
    if (!list) this.idle.set(c.key, (list = []));
    if (list.length >= MAX_IDLE_PER_KEY) {
      socket.destroy();
      return;
    }
    socket.resume();
    socket.setTimeout(IDLE_TIMEOUT_MS);
    list.push(c);
  }

  /** Closes idle connections to endpoints no longer in use. */
  retain(live: Set<string>): void {
    for (const [key, list] of this.idle) {
      if (live.has(key)) continue;
      for (const c of list) c.socket.destroy();
      this.idle.delete(key);
    }
  }

  close(): void {
    for (const list of this.idle.values()) for (const c of list) c.socket.destroy();
    this.idle.clear();
  }
}
