// Istio's tcp-echo sample: every line a client sends comes back as "<prefix> <line>".

import net from 'node:net';

export function createTcpEchoServer(prefix: string, log: (line: string) => void = () => {}): net.Server {
  return net.createServer((socket) => {
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (let nl = pending.indexOf(10); nl >= 0; nl = pending.indexOf(10)) {
        const line = pending.subarray(0, nl + 1);
        pending = pending.subarray(nl + 1);
        const response = Buffer.concat([Buffer.from(`${prefix} `), line]);
        log(`request: ${line.toString()}`);
        log(`response: ${response.toString()}`);
        socket.write(response);
      }
    });
    // Like the original, a last line without its newline is dropped and the connection closed.
    socket.on('end', () => socket.end());
    socket.on('error', () => socket.destroy());
  });
}
