// The messages a container and the runtime exchange over the container's IPC channel for socket
// activation (see socket-keeper.ts). The proxy is the one container that uses it.

/** Set in a container's environment when the runtime offers to hold its listening sockets. */
export const SOCKET_ACTIVATION_ENV = 'WEFT_SOCKET_ACTIVATION';

export type ActivationRequest =
  | { type: 'weft:listen'; id: number; host: string; port: number }
  | { type: 'weft:release'; host: string; port: number };

/** Sent with the bound socket as the message's handle, or with an error code (EADDRINUSE...) and none. */
export interface ActivationReply {
  type: 'weft:listen-result';
  id: number;
  error?: string;
}

export function isActivationRequest(m: unknown): m is ActivationRequest {
  if (typeof m !== 'object' || m === null) return false;
  const r = m as Record<string, unknown>;
  if (typeof r.host !== 'string' || typeof r.port !== 'number') return false;
  return r.type === 'weft:release' || (r.type === 'weft:listen' && typeof r.id === 'number');
}

export function isActivationReply(m: unknown): m is ActivationReply {
  if (typeof m !== 'object' || m === null) return false;
  const r = m as Record<string, unknown>;
  return r.type === 'weft:listen-result' && typeof r.id === 'number' && (r.error === undefined || typeof r.error === 'string');
}
