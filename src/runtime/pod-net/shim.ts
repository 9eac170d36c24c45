// Preloaded (node --import) into every Node process a pod runs. It gives the process the pod's network
// without root: wildcard and localhost listens bind the pod's own loopback address, cluster names resolve,
// and connections to a service address go to one of its ready endpoints (what kube-proxy does with iptables).
// It also exits the process when the runtime that started it is gone, so no container outlives its runtime.

import dns from 'node:dns';
import net from 'node:net';
import tls from 'node:tls';
import { syncBuiltinESMExports } from 'node:module';
import { PodNetwork } from './pod-network.js';
import { readPodNetEnv } from './pod-env.js';

const env = readPodNetEnv(process.env);
if (env) install(new PodNetwork(env));

if (process.send) {
  // The runtime closed the channel before this ran: it is gone already.
  if (!process.connected) process.exit(0);
  process.channel?.unref();
  process.on('disconnect', () => process.exit(0));
}

type ConnectOptions = { host?: string; port?: number | string; path?: string };
type AnyFn = (...args: unknown[]) => unknown;

const realRemoteAddress = Object.getOwnPropertyDescriptor(net.Socket.prototype, 'remoteAddress')?.get;

/**
 * The peer a redirected socket reports: the address the app dialed, as getpeername() answers after
 * iptables' REDIRECT or kube-proxy's DNAT, not the sidecar or endpoint it really reached (fortio's
 * "IP addresses distribution" prints it). Undefined while the socket is not connected, as Node's own.
 */
function showPeer(socket: net.Socket, peer: { host: string; port: number }): void {
  const connected = (): boolean => realRemoteAddress?.call(socket) !== undefined;
  Object.defineProperties(socket, {
    remoteAddress: { configurable: true, get: () => (connected() ? peer.host : undefined) },
    remotePort: { configurable: true, get: () => (connected() ? peer.port : undefined) },
    remoteFamily: { configurable: true, get: () => (connected() ? (net.isIPv6(peer.host) ? 'IPv6' : 'IPv4') : undefined) },
  });
}

function install(pod: PodNetwork): void {
  pod.watch();

  const origConnect = net.Socket.prototype.connect as unknown as AnyFn;
  net.Socket.prototype.connect = function patchedConnect(this: net.Socket, ...args: unknown[]) {
    // The caller's options are never changed, only a copy: http.Agent keys its sockets by the host and port
    // of the very object it passed, and would never find a rewritten socket again to free or reuse it.
    const first = args[0];
    let opts: ConnectOptions | undefined;
    if (Array.isArray(first)) {
      // Already normalized by net.connect(): [options, callback]. Unpacked, as a new array would not carry
      // Node's private "normalized" mark and would be taken for the options themselves.
      opts = first[0] as ConnectOptions;
      args = first.slice(0, 2);
    } else if (typeof first === 'object' && first !== null) {
      opts = first as ConnectOptions;
    } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
      const host = typeof args[1] === 'string' ? args[1] : undefined;
      const cb = args.find((a) => typeof a === 'function');
      opts = { port: Number(first), ...(host !== undefined ? { host } : {}) };
      args = cb ? [opts, cb] : [opts];
    }
    if (opts && opts.path == null && opts.port !== undefined) {
      const host = opts.host ?? 'localhost';
      const captured = this instanceof tls.TLSSocket ? undefined : pod.capture(host, Number(opts.port));
      if (captured) {
        // Like iptables' REDIRECT to the sidecar, with the original destination said up front.
        args[0] = { ...opts, host: captured.via.host, port: captured.via.port };
        const r = origConnect.apply(this, args);
        this.write(`PROXY TCP4 ${pod.env.bindIP} ${captured.original.host} 0 ${captured.original.port}\r\n`);
        showPeer(this, captured.original);
        return r;
      }
      const dest = pod.route(host, Number(opts.port));
      const asked = pod.lookup(host)?.[0];
      if (asked !== undefined && (asked !== dest.host || Number(opts.port) !== dest.port)) showPeer(this, { host: asked, port: Number(opts.port) });
      args[0] = { ...opts, host: dest.host, port: dest.port };
    }
    return origConnect.apply(this, args);
  } as typeof net.Socket.prototype.connect;

  // TLS clients: capture the plain socket underneath, so the header is not encrypted.
  const origTlsConnect = tls.connect as unknown as AnyFn;
  (tls as { connect: unknown }).connect = function patchedTlsConnect(...args: unknown[]) {
    const first = args[0];
    const o = (typeof first === 'object' && first !== null ? first : typeof args[1] === 'object' && args[1] !== null ? args[1] : {}) as tls.ConnectionOptions;
    const port = typeof first === 'number' ? first : Number(o.port ?? 443);
    const host = typeof args[1] === 'string' ? args[1] : o.host ?? 'localhost';
    if (!o.socket && pod.capture(host, port)) {
      const socket = net.connect({ host, port });
      const cb = args.find((a) => typeof a === 'function');
      return origTlsConnect.call(tls, { ...o, host, port, socket, servername: o.servername ?? (net.isIP(host) ? undefined : host) }, cb);
    }
    return origTlsConnect.apply(tls, args);
  };

  const origListen = net.Server.prototype.listen as unknown as AnyFn;
  net.Server.prototype.listen = function patchedListen(this: net.Server, ...args: unknown[]) {
    const first = args[0];
    // Only an options object is rewritten: a server, socket or raw handle (a socket-activated listen) passes through.
    const proto = typeof first === 'object' && first !== null ? Object.getPrototypeOf(first) : undefined;
    if ((proto === Object.prototype || proto === null) && !('_handle' in (first as object)) && !('fd' in (first as object))) {
      const o = first as { host?: string; port?: number; path?: string };
      if (o.path == null) args[0] = { ...o, host: pod.bindAddress(o.host) };
    } else if (first === undefined || typeof first === 'function') {
      args = [{ port: 0, host: pod.bindAddress(undefined) }, ...args.filter((a) => typeof a === 'function')];
    } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
      const host = typeof args[1] === 'string' ? args[1] : undefined;
      const backlog = args.find((a, i) => i > 0 && typeof a === 'number');
      const cb = args.find((a) => typeof a === 'function');
      const o: Record<string, unknown> = { port: Number(first), host: pod.bindAddress(host) };
      if (backlog !== undefined) o.backlog = backlog;
      args = cb ? [o, cb] : [o];
    }
    return origListen.apply(this, args);
  } as typeof net.Server.prototype.listen;

  const origLookup = dns.lookup as unknown as AnyFn;
  const patchedLookup = function (hostname: string, options: unknown, callback?: unknown): void {
    const cb = (typeof options === 'function' ? options : callback) as (err: Error | null, a?: unknown, f?: number) => void;
    const o = typeof options === 'object' && options !== null ? (options as dns.LookupOptions) : typeof options === 'number' ? { family: options } : {};
    const hit = typeof hostname === 'string' ? pod.lookup(hostname) : undefined;
    if (!hit || (o.family === 6)) {
      origLookup.call(dns, hostname, options, callback);
      return;
    }
    process.nextTick(() => {
      if (o.all) cb(null, hit.map((address) => ({ address, family: 4 })));
      else cb(null, hit[0], 4);
    });
  };
  (dns as { lookup: unknown }).lookup = patchedLookup;
  const origPromiseLookup = dns.promises.lookup.bind(dns.promises);
  (dns.promises as { lookup: unknown }).lookup = async (hostname: string, options?: dns.LookupOptions | number) => {
    const o = typeof options === 'number' ? { family: options } : options ?? {};
    const hit = pod.lookup(hostname);
    if (!hit || o.family === 6) return origPromiseLookup(hostname, o as dns.LookupAllOptions);
    return o.all ? hit.map((address) => ({ address, family: 4 })) : { address: hit[0]!, family: 4 };
  };
  syncBuiltinESMExports();
}
