// Socket activation for a container: the runtime binds the container's listening sockets and hands
// them over its IPC channel, keeping its own copy. When the process dies, the socket stays open in
// the runtime, so the kernel keeps completing connections into the listen backlog; the restarted
// process asks for the same address, gets the same socket and accepts what waited. systemd's socket
// units and Envoy's hot restart keep listeners alive across a process in the same way.

import net from 'node:net';
import { getSystemErrorName } from 'node:util';
import type { ChildProcess } from 'node:child_process';
import type { ActivationReply, ActivationRequest } from './socket-activation-protocol.js';
import { isActivationRequest } from './socket-activation-protocol.js';

/** A libuv TCP handle, bound but not listening: the listen() call is the container's. */
interface TcpHandle {
  close(cb?: () => void): void;
}

type CreateServerHandle = (address: string, port: number, addressType: 4 | 6, fd: undefined, flags: number) => TcpHandle | number;

// Node's own (the cluster module's shared-handle mode binds this way); not in the typings.
const createServerHandle = (net as unknown as { _createServerHandle: CreateServerHandle })._createServerHandle;

interface Held {
  handle: TcpHandle;
  /** The process that has taken it, if it is the container's current one. */
  claimedBy: ChildProcess | undefined;
}

export class SocketKeeper {
  private readonly held = new Map<string, Held>();
  /** The container's current process: what an earlier one says late (after its exit) is not heeded. */
  private current: ChildProcess | undefined;

  /** `hosts` are the addresses the container may listen on: its pod's own. */
  constructor(private readonly hosts: () => readonly string[]) {}

  get size(): number {
    return this.held.size;
  }

  /** Serves the process's listen and release requests. */
  attach(child: ChildProcess): void {
    this.current = child;
    child.on('message', (m: unknown) => {
      if (!isActivationRequest(m) || child !== this.current) return;
      if (m.type === 'weft:release') {
        this.release(key(m.host, m.port));
        return;
      }
      const reply = (r: ActivationReply, handle?: TcpHandle): void => {
        if (!child.connected) return;
        // A failed send (the process died meanwhile) leaves the socket held for its successor.
        child.send(r, handle as unknown as net.Server | undefined, () => undefined);
      };
      const got = this.acquire(m, child);
      if (typeof got === 'string') reply({ type: 'weft:listen-result', id: m.id, error: got });
      else reply({ type: 'weft:listen-result', id: m.id }, got);
    });
  }

  /** The process is gone: what it held waits for the next one. */
  unclaimAll(): void {
    this.current = undefined;
    for (const h of this.held.values()) h.claimedBy = undefined;
  }

  /** Closes what the current process did not take again (its configuration no longer has it). */
  releaseUnclaimed(): void {
    for (const [k, h] of this.held) if (!h.claimedBy) this.release(k);
  }

  releaseAll(): void {
    for (const k of [...this.held.keys()]) this.release(k);
  }

  private acquire(m: Extract<ActivationRequest, { type: 'weft:listen' }>, child: ChildProcess): TcpHandle | string {
    if (!this.hosts().includes(m.host)) return 'EADDRNOTAVAIL';
    if (!Number.isInteger(m.port) || m.port < 1 || m.port > 65535) return 'EINVAL';
    const k = key(m.host, m.port);
    const prev = this.held.get(k);
    if (prev) {
      // The same process asking again (its first answer came too late for it) gets the same socket.
      if (prev.claimedBy && prev.claimedBy !== child) return 'EADDRINUSE';
      prev.claimedBy = child;
      return prev.handle;
    }
    const h = createServerHandle(m.host, m.port, net.isIPv6(m.host) ? 6 : 4, undefined, 0);
    if (typeof h === 'number') return getSystemErrorName(h);
    this.held.set(k, { handle: h, claimedBy: child });
    return h;
  }

  private release(k: string): void {
    const h = this.held.get(k);
    if (!h) return;
    this.held.delete(k);
    h.handle.close();
  }
}

function key(host: string, port: number): string {
  return `${host}:${port}`;
}
