// A container program for socket-activation tests: an HTTP server on HOST:PORT, listening through the
// runtime as the proxy does. It answers with its pid; GET /release stops listening for good.

import { createServer } from 'node:http';
import { closeListener, listenOn } from '../../src/proxy/listener/socket-activation.js';

const server = createServer((req, res) => {
  res.end(String(process.pid));
  if (req.url === '/release') closeListener(server);
});
await listenOn(server, Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
process.on('disconnect', () => process.exit(0));
