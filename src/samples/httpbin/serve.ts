// Runs one httpbin flavour as a container's main process: listen where its image would, log a line,
// and exit at once on SIGTERM or SIGINT (httpbin has nothing to drain).

import type { Flavor } from './flavor.js';
import { listenOptions, type ListenOptions } from './listen-options.js';
import { createHttpbinServer } from './server.js';

export function serve(flavor: Flavor, name: string, pythonPort?: number): void {
  let opts: ListenOptions;
  try {
    opts = listenOptions(flavor, process.argv.slice(2), process.env, pythonPort);
  } catch (err) {
    // go-httpbin reports a configuration error as "error: ..." and exits 2.
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(flavor === 'go' ? `error: ${message}\n` : `${name}: ${message}\n`);
    process.exit(flavor === 'go' ? 2 : 1);
  }
  const server = createHttpbinServer(flavor);
  server.on('error', (err) => {
    process.stderr.write(`${name}: ${err.message}\n`);
    process.exit(1);
  });
  server.listen(opts.port, opts.host, () => {
    // The bound port, not the asked one: port 0 picks a free one.
    const bound = server.address();
    const actual = typeof bound === 'object' && bound !== null ? bound.port : opts.port;
    process.stdout.write(`${name}: listening on http://${opts.host}:${actual}\n`);
  });
  const stop = (): void => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
