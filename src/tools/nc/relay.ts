// The data phase of a connection: stdin to the socket and the socket to stdout. On EOF from stdin the
// write side is shut down (busybox nc does so always, OpenBSD nc with -N) and the reply is read until
// the server closes, -q seconds pass after that EOF, or -w seconds pass with nothing sent or received.

import type net from 'node:net';
import type { Readable, Writable } from 'node:stream';

export interface RelayOptions {
  timeoutMs: number | undefined;
  quitAfterEofMs: number | undefined;
  shutdownOnEof: boolean;
  noStdin: boolean;
  crlf: boolean;
}

/** stdin as the relay sees it across connections: once it has ended it stays ended. */
export interface StdinState {
  stream: Readable;
  ended: boolean;
}

function toCrlf(chunk: Buffer): Buffer {
  return Buffer.from(chunk.toString('latin1').replace(/(?<!\r)\n/g, '\r\n'), 'latin1');
}

export function relay(socket: net.Socket, stdin: StdinState, stdout: Writable, o: RelayOptions): Promise<void> {
  return new Promise((resolve) => {
    let done = false;
    let quitTimer: NodeJS.Timeout | undefined;

    const onStdinData = (chunk: Buffer): void => {
      const data = o.crlf ? toCrlf(chunk) : chunk;
      if (!socket.write(data)) {
        stdin.stream.pause();
        socket.once('drain', () => {
          if (!done) stdin.stream.resume();
        });
      }
    };
    const onStdinEnd = (): void => {
      stdin.ended = true;
      eof();
    };
    const onStdoutError = (): void => finish();

    function finish(): void {
      if (done) return;
      done = true;
      clearTimeout(quitTimer);
      socket.setTimeout(0);
      stdin.stream.off('data', onStdinData);
      stdin.stream.off('end', onStdinEnd);
      stdin.stream.pause();
      stdout.off('error', onStdoutError);
      socket.destroy();
      resolve();
    }

    function eof(): void {
      if (done) return;
      socket.end();
      if (o.quitAfterEofMs === undefined) return;
      // Counted from when what was read has gone out, so -q 0 still sends everything.
      const start = (): void => {
        quitTimer = setTimeout(finish, o.quitAfterEofMs);
      };
      if (socket.writableFinished) start();
      else socket.once('finish', start);
    }

    socket.on('data', (chunk: Buffer) => {
      if (stdout.write(chunk)) return;
      socket.pause();
      stdout.once('drain', () => socket.resume());
    });
    // The server closed: what it sent is written out, and nc is done (even with stdin still open).
    socket.on('end', finish);
    socket.on('close', finish);
    // A reset ends the exchange quietly, as it does in OpenBSD nc.
    socket.on('error', finish);
    stdout.on('error', onStdoutError);
    if (o.timeoutMs !== undefined) socket.setTimeout(o.timeoutMs, finish);

    if (o.noStdin) {
      if (o.shutdownOnEof) eof();
    } else if (stdin.ended) {
      eof();
    } else {
      stdin.stream.on('data', onStdinData);
      stdin.stream.on('end', onStdinEnd);
      stdin.stream.resume();
    }
  });
}
