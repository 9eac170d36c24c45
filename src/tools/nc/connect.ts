// Name lookup and connect as OpenBSD nc does them: every address of the name in turn, each failure
// reported with -v, the first that answers wins. -w bounds each attempt.

import dns from 'node:dns';
import net from 'node:net';
import { connectErrorText, lookupErrorText } from './socket-errors.js';

/** A failed lookup: nc's one-line message, exit status 1. */
export class NcLookupError extends Error {}

/** The addresses to try for the destination; the pod's network shim answers for cluster names. */
export async function resolveHost(host: string, port: number, numeric: boolean, family: 4 | 6 | undefined): Promise<string[]> {
  const ipFamily = net.isIP(host);
  if (ipFamily !== 0) {
    if (family !== undefined && family !== ipFamily) throw new NcLookupError(`nc: getaddrinfo for host "${host}" port ${port}: Address family for hostname not supported`);
    return [host];
  }
  if (numeric) throw new NcLookupError(`nc: getaddrinfo for host "${host}" port ${port}: Name or service not known`);
  try {
    // Looked up through dns.promises at call time, so the shim's patched lookup is the one used.
    const found = await dns.promises.lookup(host, { all: true, family: family ?? 0 });
    if (found.length === 0) throw Object.assign(new Error('no address'), { code: 'ENOTFOUND' });
    return found.map((a) => a.address);
  } catch (err) {
    throw new NcLookupError(`nc: getaddrinfo for host "${host}" port ${port}: ${lookupErrorText(err)}`);
  }
}

/** One connect attempt: the open socket, or the error text nc prints. */
export function connectOnce(address: string, port: number, timeoutMs: number | undefined): Promise<net.Socket | { error: string }> {
  return new Promise((resolve) => {
    // Half-open: stdin's EOF closes only the write side, and the reply is still read to the end.
    const socket = net.connect({ host: address, port, allowHalfOpen: true });
    const timer = timeoutMs !== undefined ? setTimeout(() => fail('Connection timed out'), timeoutMs) : undefined;
    const onError = (err: Error): void => fail(connectErrorText(err));
    function fail(text: string): void {
      clearTimeout(timer);
      socket.off('error', onError);
      socket.on('error', () => {});
      socket.destroy();
      resolve({ error: text });
    }
    socket.once('error', onError);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      resolve(socket);
    });
  });
}
