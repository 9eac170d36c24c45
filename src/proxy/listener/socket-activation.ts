// Listening through the runtime (socket activation): when the runtime offers it, the proxy's listening
// sockets are bound by the runtime and passed over the IPC channel, so they outlive this process and a
// restarted proxy picks up the connections that arrived while it was down. Without the offer (tests,
// a proxy run by hand) the proxy listens itself.

import type { Server } from 'node:net';
import {
  isActivationReply, SOCKET_ACTIVATION_ENV, type ActivationReply, type ActivationRequest,
} from '../../runtime/kubelet/socket-activation-protocol.js';

const REPLY_TIMEOUT_MS = 5000;

interface Pending {
  resolve(handle: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

const pending = new Map<number, Pending>();
const activated = new WeakMap<Server, { host: string; port: number }>();
let nextId = 1;

function offered(): boolean {
  return process.env[SOCKET_ACTIVATION_ENV] === '1' && typeof process.send === 'function' && process.connected;
}

function onMessage(m: unknown, handle: unknown): void {
  if (!isActivationReply(m)) return;
  const p = pending.get(m.id);
  if (!p) {
    // An answer after its request timed out: the socket is not wanted (and was released).
    (handle as { close?: () => void } | undefined)?.close?.();
    return;
  }
  settle(m.id);
  if (m.error || !handle) p.reject(errorFor(m));
  else p.resolve(handle);
}

function settle(id: number): void {
  const p = pending.get(id);
  if (!p) return;
  clearTimeout(p.timer);
  pending.delete(id);
  if (pending.size === 0) process.off('message', onMessage);
}

function errorFor(m: ActivationReply): Error {
  const code = m.error ?? 'EINVAL';
  return Object.assign(new Error(`listen ${code}: the runtime could not bind the address`), { code });
}

function request(host: string, port: number): Promise<unknown> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    if (pending.size === 0) process.on('message', onMessage);
    const timer = setTimeout(() => {
      settle(id);
      send({ type: 'weft:release', host, port });
      reject(Object.assign(new Error(`listen ${host}:${port}: the runtime did not answer`), { code: 'ETIMEDOUT' }));
    }, REPLY_TIMEOUT_MS);
    pending.set(id, { resolve, reject, timer });
    send({ type: 'weft:listen', id, host, port });
  });
}

/** Listens on host:port, through the runtime when it offers socket activation. */
export async function listenOn(server: Server, port: number, host: string): Promise<void> {
  const handle = offered() ? await request(host, port) : undefined;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    const listening = (): void => {
      server.off('error', reject);
      resolve();
    };
    if (handle) server.listen(handle as object, listening);
    else server.listen(port, host, listening);
  });
  if (handle) activated.set(server, { host, port });
}

/** Stops listening for good: the runtime's copy of an activated socket is closed too. */
export function closeListener(server: Server): void {
  server.close();
  const a = activated.get(server);
  if (!a) return;
  activated.delete(server);
  if (!offered()) return;
  send({ type: 'weft:release', host: a.host, port: a.port });
}

function send(msg: ActivationRequest): void {
  // Without a callback a failed send (the runtime gone) would be an 'error' event on process.
  if (process.connected) process.send!(msg, undefined, {}, () => undefined);
}
