// One HTTP/2 session per upstream endpoint, opened through connect() and dropped when the peer
// closes or sends GOAWAY, so the next request dials anew.

import { connect as h2connect, type ClientHttp2Session } from 'node:http2';
import { connect, type ConnectTarget } from './connect.js';

export class H2Sessions {
  private readonly sessions = new Map<string, ClientHttp2Session>();

  constructor(private readonly podIP: string) {}

  sessionFor(target: ConnectTarget, connectTimeoutMs?: number): ClientHttp2Session {
    const key = `${target.host}:${target.port}`;
    let s = this.sessions.get(key);
    if (s && !s.closed && !s.destroyed) return s;
    const host = target.host.includes(':') ? `[${target.host}]` : target.host;
    const session = h2connect(`http://${host}:${target.port}`, {
      createConnection: () => connect(target, { podIP: this.podIP, ...(connectTimeoutMs ? { timeoutMs: connectTimeoutMs } : {}) }),
    });
    const forget = () => {
      if (this.sessions.get(key) === session) this.sessions.delete(key);
    };
    session.on('error', () => undefined);
    session.on('close', forget);
    session.on('goaway', forget);
    this.sessions.set(key, session);
    s = session;
    return s;
  }

  /** Closes sessions to endpoints no longer in use. */
  retain(live: Set<string>): void {
    for (const [key, s] of this.sessions) {
      if (live.has(key)) continue;
      s.close();
      this.sessions.delete(key);
    }
  }

  close(): void {
    for (const s of this.sessions.values()) s.destroy();
    this.sessions.clear();
  }
}
