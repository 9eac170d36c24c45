// Entry point of the control plane (the istiod role): watch the runtime, translate, push to proxies.

import { createServer as createHttp2Server } from 'node:http2';
import { createServer as createHttpServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { ResourceIndex } from './ingest/resource-index.js';
import { RuntimeWatch } from './ingest/runtime-watch.js';
import { buildSnapshot } from './model/snapshot.js';
import { DiscoveryServer } from './serve/discovery-server.js';
import { VERSION } from '../version.js';

interface Settings {
  api: { host: string; port: number; token: string };
  xdsPort: number;
  monitoringPort: number;
  debounceMs: number;
  debugTimings: boolean;
}

function settingsFrom(env: NodeJS.ProcessEnv): Settings {
  const api = env.WEFT_RUNTIME_API ?? '';
  const token = env.WEFT_RUNTIME_TOKEN ?? '';
  const colon = api.lastIndexOf(':');
  if (colon < 0 || !token) throw new Error('WEFT_RUNTIME_API (host:port) and WEFT_RUNTIME_TOKEN must be set');
  return {
    api: { host: api.slice(0, colon), port: Number(api.slice(colon + 1)), token },
    xdsPort: Number(env.WEFT_XDS_PORT ?? 15010),
    monitoringPort: Number(env.WEFT_MONITORING_PORT ?? 15014),
    debounceMs: Number(env.PILOT_DEBOUNCE_AFTER_MS ?? 10),
    debugTimings: env.WEFT_DEBUG_PUSH_TIMINGS === '1',
  };
}

function log(msg: string): void {
  process.stdout.write(`${new Date().toISOString()}\tinfo\t${msg}\n`);
}

function main(): void {
  const s = settingsFrom(process.env);
  const index = new ResourceIndex();
  const discovery = new DiscoveryServer(log);
  let version = 0;
  let timer: NodeJS.Timeout | undefined;
  index.on('changed', () => {
    // Debounce: a burst of changes (a rollout) becomes one push.
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      version++;
      const t0 = performance.now();
      const snapshot = buildSnapshot(index, version);
      const t1 = performance.now();
      discovery.update(snapshot);
      if (s.debugTimings) log(`push ${version}: snapshot ${Math.round(t1 - t0)} ms, translate and send ${Math.round(performance.now() - t1)} ms`);
    }, s.debounceMs);
  });
  const watch = new RuntimeWatch(s.api, index, log);
  watch.start();

  const xds = createHttp2Server();
  discovery.attach(xds);
  xds.listen(s.xdsPort, '0.0.0.0', () => log(`xDS server listening on :${s.xdsPort}`));

  const monitoring = createHttpServer((req, res) => {
    const send = (code: number, body: unknown) => {
      const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
      res.writeHead(code, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' });
      res.end(text);
    };
    if (req.url === '/ready') send(index.synced ? 200 : 503, index.synced ? 'ok\n' : 'not synced\n');
    else if (req.url === '/debug/syncz') send(200, discovery.statuses());
    else if (req.url === '/version') send(200, { version: VERSION });
    else send(404, 'not found\n');
  });
  monitoring.listen(s.monitoringPort, '0.0.0.0');
  // Istio serves readiness and debug on 8080 too.
  const debug = createHttpServer((req, res) => monitoring.emit('request', req, res));
  debug.listen(8080, '0.0.0.0');

  const stop = () => {
    watch.stop();
    xds.close();
    monitoring.close();
    debug.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  log(`istiod ${VERSION} started`);
}

try {
  main();
} catch (err) {
  process.stderr.write(`istiod: ${(err as Error).message}\n`);
  process.exit(1);
}
