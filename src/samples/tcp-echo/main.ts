// Entry point for istio/tcp-echo-server: args are the comma-separated ports and the prefix.

import type { AddressInfo } from 'node:net';
import { createTcpEchoServer } from './server.js';

const [portList, prefix] = process.argv.slice(2);
if (portList === undefined || prefix === undefined) {
  process.stderr.write('usage: tcp-echo-server PORT[,PORT...] PREFIX\n');
  process.exit(1);
}
const log = (line: string): void => void process.stdout.write(line);
const servers = portList.split(',').map((port) => {
  const server = createTcpEchoServer(prefix, log);
  server.on('error', (err) => {
    process.stdout.write(`failed to create listener, err: ${err.message}\n`);
    process.exit(1);
  });
  server.listen(Number(port), '0.0.0.0', () => {
    const a = server.address() as AddressInfo;
    process.stdout.write(`listening on [::]:${a.port}, prefix: ${prefix}\n`);
  });
  return server;
});
const stop = (): void => {
  for (const s of servers) s.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
