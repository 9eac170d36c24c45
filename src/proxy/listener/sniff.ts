// Protocol detection for ports of unknown protocol: HTTP/1.x request line or the HTTP/2 preface.

import type { Socket } from 'node:net';

export type Sniffed = 'http1' | 'http2' | 'tcp';

const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n');
const METHOD = /^(GET|HEAD|POST|PUT|DELETE|OPTIONS|PATCH|TRACE|CONNECT|PROPFIND|PROPPATCH|MKCOL|COPY|MOVE|LOCK|UNLOCK|PRI) /;

export function classify(first: Buffer): Sniffed {
  if (first.length >= 3 && H2_PREFACE.subarray(0, Math.min(first.length, H2_PREFACE.length)).equals(first.subarray(0, Math.min(first.length, H2_PREFACE.length)))) return 'http2';
  return METHOD.test(first.subarray(0, 16).toString('latin1')) ? 'http1' : 'tcp';
}

/** Waits for the first bytes (a server-first protocol sends none: TCP after the timeout), then puts them back. */
export function sniff(socket: Socket, timeoutMs: number): Promise<Sniffed> {
  return new Promise((resolve) => {
    const done = (v: Sniffed) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      resolve(v);
    };
    const onData = (d: Buffer) => {
      socket.pause();
      socket.unshift(d);
      done(classify(d));
    };
    const onEnd = () => done('tcp');
    const timer = setTimeout(() => {
      socket.pause();
      done('tcp');
    }, timeoutMs);
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.resume();
  });
}
