// Entry point of a fake-service container: configuration from the environment, listen on LISTEN_ADDR,
// and a quick clean exit on SIGTERM or SIGINT.

import { parseConfig, type FakeServiceConfig } from './config.js';
import { createFakeService } from './server.js';

let config: FakeServiceConfig;
try {
  config = parseConfig({ ...process.env });
} catch (err) {
  process.stderr.write(`fake-service: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}

const service = createFakeService(config);
const { server, logger } = service;

server.on('error', (err: NodeJS.ErrnoException) => {
  logger.error('Error starting service', { address: config.listen.raw, error: err.message });
  process.exit(1);
});

const started = (): void => {
  const fields: Record<string, string | number> = {
    name: config.name,
    upstreamURIs: config.upstreamUris.join(','),
    upstreamWorkers: config.upstreamWorkers,
    listenAddress: config.listen.raw,
  };
  if (config.tracingZipkin) fields.tracing_zipkin = config.tracingZipkin;
  logger.info('Started service', fields);
};

// The host goes to listen() exactly as written in LISTEN_ADDR: the runtime maps it to the pod's address.
if (config.listen.host === '') server.listen(config.listen.port, started);
else server.listen(config.listen.port, config.listen.host, started);

let stopping = false;
const stop = (signal: NodeJS.Signals): void => {
  if (stopping) return;
  stopping = true;
  logger.info('Graceful shutdown', { signal });
  // Requests still running get a moment to answer, then their connections are cut.
  setTimeout(() => server.closeAllConnections(), 1000).unref();
  setTimeout(() => process.exit(0), 3000).unref();
  void service.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
