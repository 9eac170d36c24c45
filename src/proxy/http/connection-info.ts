// What a listener knows about a downstream connection, attached to its socket so that whatever
// handles the connection later (either codec, or node's servers behind one) can find it.

import type { Socket } from 'node:net';
import type { ServiceRef } from '../../xds/proxy-config.js';

export interface ConnectionInfo {
  direction: 'inbound' | 'outbound' | 'gateway';
  /** Outbound: the address the app asked for (a service address, or anything else). */
  originalDestination?: { host: string; port: number };
  /** Route configuration for outbound (by port) and gateway listeners. */
  routeName?: string;
  /** Inbound: the cluster that reaches the app, and the service the port serves. */
  inboundCluster?: string;
  inboundService?: ServiceRef;
  /** Address the connection arrived at, for the access log. */
  localAddress: string;
  remoteAddress: string;
}

const CONNECTION_INFO = Symbol('weft.connectionInfo');

export function attachConnectionInfo(socket: Socket, info: ConnectionInfo): void {
  (socket as unknown as Record<symbol, ConnectionInfo>)[CONNECTION_INFO] = info;
}

export function connectionInfoOf(socket: unknown): ConnectionInfo | undefined {
  return (socket as Record<symbol, ConnectionInfo | undefined> | undefined)?.[CONNECTION_INFO];
}
