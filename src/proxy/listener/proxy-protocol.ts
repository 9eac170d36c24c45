// The line the pod network shim writes before an app's captured connection, PROXY-protocol v1 style:
// "PROXY TCP4 SRC DST SRCPORT DSTPORT\r\n". DST may be a host name the app asked for (not yet resolved).

import type { Socket } from 'node:net';

export interface OriginalDestination {
  host: string;
  port: number;
}

const MAX_HEADER = 256;

/** Reads the header, puts any bytes after it back, and resolves with the original destination. */
export function readProxyHeader(socket: Socket, timeoutMs = 5000): Promise<OriginalDestination> {
  return new Promise((resolve, reject) => {
    let buf: Buffer = Buffer.alloc(0);
    const timer = setTimeout(() => fail(new Error('no PROXY header')), timeoutMs);
    const fail = (err: Error) => {
      clearTimeout(timer);
      socket.off('data', onData);
      reject(err);
    };
    const onData = (d: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, d]) : d;
      const nl = buf.indexOf(0x0a);
      if (nl < 0) {
        if (buf.length > MAX_HEADER) fail(new Error('PROXY header too long'));
        return;
      }
      clearTimeout(timer);
      socket.off('data', onData);
      socket.pause();
      const line = buf.subarray(0, nl).toString('latin1').trim();
      const rest = buf.subarray(nl + 1);
      if (rest.length) socket.unshift(rest);
      const parts = line.split(' ');
      if (parts[0] !== 'PROXY' || parts.length !== 6) {
        reject(new Error(`bad PROXY header: ${line.slice(0, 60)}`));
        return;
      }
      resolve({ host: parts[3]!, port: Number(parts[5]) });
    };
    socket.on('data', onData);
  });
}

export function proxyHeader(srcIP: string, dst: OriginalDestination): string {
  return `PROXY TCP4 ${srcIP} ${dst.host} 0 ${dst.port}\r\n`;
}
