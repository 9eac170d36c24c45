// The benchmark's backend: answers every request with a 1 KB body over keep-alive connections.

import { createServer } from 'node:http';

const body = Buffer.alloc(1024, 'x');
const listen = process.env.LISTEN_ADDR ?? '0.0.0.0:8080';
const colon = listen.lastIndexOf(':');
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
    res.end(body);
  });
});
server.keepAliveTimeout = 300_000;
server.listen(Number(listen.slice(colon + 1)), listen.slice(0, colon) || undefined);
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
