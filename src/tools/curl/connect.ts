// Opening connections: name lookup and TCP through Node's normal paths (the
// runtime hooks those), TLS on top when the URL asks for it, and a small pool
// so redirects and later URLs reuse a kept-alive HTTP/1.1 connection as curl
// does.

import dns from 'node:dns';
import net from 'node:net';
import { CurlCode, CurlError } from './curl-error.js';
import { strerror, errorCode, type SystemError } from './socket-errors.js';
import type { SocketReader } from './socket-reader.js';
import { startTls, type TlsSettings } from './tls-layer.js';
import type { Trace } from './trace.js';
import type { CurlUrl } from './curl-url.js';

export interface Connection {
  /** curl's connection number, shown as #N. */
  id: number;
  key: string;
  /** The host name from the URL, for "Connection #0 to host X left intact". */
  hostName: string;
  socket: net.Socket;
  /** Created by the HTTP/1 exchange; HTTP/2 hands the socket to node:http2 instead. */
  reader?: SocketReader;
  remoteIp: string;
  remotePort: number;
  localIp: string;
  localPort: number;
  alpn: string | false;
  verifyResult: number;
  /** Seconds from the start of the request that opened it. */
  timeNameLookup: number;
  timeConnect: number;
  timeAppConnect: number;
}

export interface ConnectParams {
  url: CurlUrl;
  /** Where to connect: the URL's host and port unless --connect-to says otherwise. */
  host: string;
  port: number;
  /** Address from --resolve, when one matched. */
  resolvedAddress?: string;
  family?: 4 | 6;
  tls?: TlsSettings;
  /** Milliseconds allowed for lookup, TCP and TLS together. */
  timeoutMs: number;
  /** When the request started, for curl's "after N ms". */
  startedAt: bigint;
}

export class ConnectionPool {
  private nextId = 0;
  private readonly idle = new Map<string, Connection>();
  private readonly all = new Set<net.Socket>();

  static key(url: CurlUrl, host: string, port: number, resolvedAddress: string | undefined, alpn: string[]): string {
    const target = `${host.toLowerCase()}:${port}/${resolvedAddress ?? ''}`;
    return `${url.scheme}://${url.host.toLowerCase()}:${url.port}/${target}/${alpn.join(',')}`;
  }

  allocateId(): number {
    return this.nextId++;
  }

  /** An idle connection for `key` that still looks alive. */
  take(key: string): Connection | undefined {
    const conn = this.idle.get(key);
    if (!conn) return undefined;
    this.idle.delete(key);
    if (conn.socket.destroyed || !conn.reader || conn.reader.exhausted) {
      conn.socket.destroy();
      return undefined;
    }
    return conn;
  }

  keep(conn: Connection): void {
    const previous = this.idle.get(conn.key);
    if (previous && previous !== conn) previous.socket.destroy();
    this.idle.set(conn.key, conn);
  }

  track(socket: net.Socket): void {
    this.all.add(socket);
    socket.once('close', () => this.all.delete(socket));
  }

  closeAll(): void {
    for (const socket of this.all) socket.destroy();
    this.all.clear();
    this.idle.clear();
  }
}

const elapsedMs = (since: bigint): number => Number((process.hrtime.bigint() - since) / 1_000_000n);
const elapsedSeconds = (since: bigint): number => Number(process.hrtime.bigint() - since) / 1e9;
const bracketed = (ip: string): string => (net.isIPv6(ip) ? `[${ip}]` : ip);

function lookupAll(host: string, family: 4 | 6 | undefined): Promise<string[]> {
  if (net.isIP(host)) return Promise.resolve([host]);
  return new Promise((resolve, reject) => {
    dns.lookup(host, { all: true, family: family ?? 0 }, (err, found) => {
      if (err) reject(err);
      else if (!Array.isArray(found) || found.length === 0) reject(new Error('no addresses'));
      else resolve(found.map((a) => a.address));
    });
  });
}

function connectSocket(socket: net.Socket, address: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.off('error', onError);
      resolve();
    });
    socket.connect({ host: address, port });
  });
}

/**
 * Connects for `params.url`. Every failure is a CurlError: 6 lookup, 7 TCP,
 * 28 timeout, 35/58/60/77 TLS. The connection number is taken before the
 * first attempt, as curl numbers failed connections too.
 */
export async function openConnection(
  params: ConnectParams,
  id: number,
  pool: ConnectionPool,
  trace: Trace,
): Promise<Connection> {
  const { url, host, port } = params;
  const target = params.resolvedAddress ?? host;
  if (params.resolvedAddress) trace.info(`Hostname ${host} was found in DNS cache`);

  let phase: 'resolve' | 'connect' | 'tls' = 'resolve';
  let socket: net.Socket | undefined;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const ms = elapsedMs(params.startedAt);
      const err =
        phase === 'resolve'
          ? new CurlError(CurlCode.OPERATION_TIMEDOUT, `Resolving timed out after ${ms} milliseconds`)
          : phase === 'tls'
            ? new CurlError(CurlCode.OPERATION_TIMEDOUT, 'SSL connection timeout')
            : new CurlError(
                CurlCode.OPERATION_TIMEDOUT,
                `Failed to connect to ${host} port ${port} after ${ms} ms: Timeout was reached`,
              );
      socket?.destroy();
      reject(err);
    }, Math.max(0, params.timeoutMs));
  });

  try {
    // Resolve first, through dns.lookup (which the pod runtime answers), so
    // -v and %{remote_ip} show the address the name has inside the mesh even
    // when the runtime then steers the socket to an endpoint.
    const addresses = await Promise.race([lookupAll(target, params.family), timeout]).catch((err: unknown) => {
      if (err instanceof CurlError) throw err;
      throw new CurlError(CurlCode.COULDNT_RESOLVE_HOST, `Could not resolve host: ${host}`);
    });
    const timeNameLookup = elapsedSeconds(params.startedAt);
    phase = 'connect';

    let remoteIp: string | undefined;
    for (const address of addresses) {
      trace.info(`  Trying ${bracketed(address)}:${port}...`);
      const attempt = new net.Socket();
      socket = attempt;
      pool.track(attempt);
      try {
        await Promise.race([connectSocket(attempt, address, port), timeout]);
        remoteIp = address;
        break;
      } catch (err) {
        if (err instanceof CurlError) throw err;
        attempt.destroy();
        trace.info(`connect to ${address} port ${port} failed: ${strerror(errorCode(err as SystemError))}`);
      }
    }
    if (remoteIp === undefined || !socket) {
      throw new CurlError(
        CurlCode.COULDNT_CONNECT,
        `Failed to connect to ${host} port ${port} after ${elapsedMs(params.startedAt)} ms: Couldn't connect to server`,
      );
    }
    // Later errors surface through whoever reads the socket next.
    socket.on('error', () => undefined);
    trace.info(`Connected to ${host} (${remoteIp}) port ${port} (#${id})`);
    const timeConnect = elapsedSeconds(params.startedAt);
    socket.setNoDelay(true);

    const tcp = socket;
    let top: net.Socket = tcp;
    let alpn: string | false = false;
    let verifyResult = 0;
    let timeAppConnect = 0;
    if (params.tls) {
      phase = 'tls';
      const secured = await Promise.race([startTls(tcp, url.host, port, params.tls, trace), timeout]);
      top = secured.socket;
      pool.track(top);
      alpn = secured.alpn;
      verifyResult = secured.verifyResult;
      timeAppConnect = elapsedSeconds(params.startedAt);
    }
    return {
      id,
      key: ConnectionPool.key(url, host, port, params.resolvedAddress, params.tls?.alpn ?? []),
      hostName: url.host,
      socket: top,
      remoteIp,
      remotePort: port,
      localIp: tcp.localAddress ?? '',
      localPort: tcp.localPort ?? 0,
      alpn,
      verifyResult,
      timeNameLookup,
      timeConnect,
      timeAppConnect,
    };
  } catch (err) {
    socket?.destroy();
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
