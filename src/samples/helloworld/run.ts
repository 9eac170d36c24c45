// Starts helloworld on port 5000 (Flask's default, as the image runs it) and stops cleanly on a signal.

import { createHelloworldServer } from './server.js';

export function runHelloworld(imageVersion: string): void {
  // The image bakes SERVICE_VERSION in; a manifest may still override it.
  const version = process.env.SERVICE_VERSION ?? imageVersion;
  const server = createHelloworldServer({ version, instance: process.env.HOSTNAME ?? '' });
  server.on('error', (err) => {
    process.stderr.write(`helloworld: ${err.message}\n`);
    process.exit(1);
  });
  server.listen(5000, '0.0.0.0', () => process.stdout.write(' * Running on http://0.0.0.0:5000/\n'));
  const stop = (): void => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
