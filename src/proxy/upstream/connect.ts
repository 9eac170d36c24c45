// The one place the proxy opens a connection to an upstream: the HTTP/1.1 pool, HTTP/2 sessions and
// the TCP proxy all dial through here, so transport security (mTLS) has one place to go in.

import { connect as netConnect, type Socket } from 'node:net';

export interface ConnectTarget {
  host: string;
  port: number;
}

export interface ConnectOptions {
  /** This pod's address: connections to pods leave from it, as they would from its network namespace. */
  podIP: string;
  /** Give up connecting after this long (the cluster's connect timeout); 0 or absent waits forever. */
  timeoutMs?: number;
  /** Keep the write side open after the upstream ends (the TCP proxy relays half-closes). */
  allowHalfOpen?: boolean;
}

export function connect(target: ConnectTarget, o: ConnectOptions): Socket {
  const localAddress = sourceAddress(target.host, o.podIP);
  const socket = netConnect({ host: target.host, port: target.port, noDelay: true, allowHalfOpen: o.allowHalfOpen ?? false, ...(localAddress ? { localAddress } : {}) });
  if (o.timeoutMs) {
    socket.setTimeout(o.timeoutMs);
    socket.once('timeout', () => {
      if (socket.connecting) socket.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' }));
    });
    socket.once('connect', () => socket.setTimeout(0));
  }
  return socket;
}

/** Loopback pod addresses stand for separate hosts: leave from the pod's own address when both are loopback. */
function sourceAddress(host: string, podIP: string): string | undefined {
  return host.startsWith('127.') && podIP.startsWith('127.') ? podIP : undefined;
}
