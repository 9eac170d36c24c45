// An HTTP server that answers 503 to every nth request it receives and 200 to the others, counting both.

import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EveryNthServer {
  port: number;
  served: () => number;
  close: () => Promise<void>;
}

export async function startEveryNthServer(n: number, body = 'ok\n'): Promise<EveryNthServer> {
  let served = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    served++;
    const status = served % n === 0 ? 503 : 200;
    res.writeHead(status, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    served: () => served,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
