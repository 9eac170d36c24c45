// Entry point of the runtime process that `weft up` starts in the background.

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, chmodSync } from 'node:fs';
import { createServer } from 'node:http';
import { apiHandler } from './api/server.js';
import { API_PORT, claimBlock, listenOn } from './addresses.js';
import { defaultHome, statePaths } from './paths.js';
import { Runtime } from './runtime.js';
import type { RuntimeInfo } from './runtime-info.js';
import { loadState, writeFileAtomic } from './store/persistence.js';
import { reapLeftovers } from './supervisor.js';
import { logRotationFromEnv } from './logs/log-rotation.js';
import { VERSION } from '../version.js';

async function main(): Promise<void> {
  const paths = statePaths(defaultHome(process.env));
  const logRotation = logRotationFromEnv(process.env);
  mkdirSync(paths.home, { recursive: true, mode: 0o700 });
  chmodSync(paths.home, 0o700);
  const reaped = reapLeftovers(paths.pids);
  if (reaped > 0) log(`stopped ${reaped} process group(s) left by a runtime that did not stop cleanly`);

  const saved = loadState(paths);
  if (!existsSync(paths.token)) writeFileAtomic(paths.token, randomBytes(32).toString('hex'), 0o600);
  const token = readFileSync(paths.token, 'utf8').trim();

  // Bind first: the API address claims this runtime's loopback block.
  const http = createServer();
  const block = await claimBlock(typeof saved?.meta.block === 'number' ? saved.meta.block : undefined, (host) => listenOn(http, host, API_PORT));
  const runtime = new Runtime({
    paths,
    block,
    ...(saved ? { saved } : {}),
    hostPath: process.env.PATH ?? '/usr/bin:/bin',
    api: { host: `127.${block}.0.1`, port: API_PORT, token },
    log,
    ...(process.env.WEFT_PROXY_NODE_ARGS ? { proxyNodeArgs: process.env.WEFT_PROXY_NODE_ARGS } : {}),
    logRotation,
  });
  const info: RuntimeInfo = { pid: process.pid, host: `127.${block}.0.1`, port: API_PORT, block, startedAt: new Date().toISOString(), version: VERSION };

  let stopping = false;
  const stop = async (why: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log(`stopping (${why})`);
    http.close();
    http.closeAllConnections();
    await runtime.shutdown();
    rmSync(paths.runtimeInfo, { force: true });
    log('stopped');
    process.exit(0);
  };
  http.on('request', apiHandler({ runtime, token, version: VERSION, info: () => ({ ...info, home: paths.home }), onShutdown: () => void stop('shutdown requested') }));
  writeFileAtomic(paths.runtimeInfo, JSON.stringify(info), 0o600);
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGHUP', () => void stop('SIGHUP'));
  log(`runtime ${VERSION} listening on ${info.host}:${info.port}, state in ${paths.home}; container logs rotated at ${logRotation.maxBytes} bytes, ${logRotation.maxFiles} files kept`);
}

function log(msg: string): void {
  process.stdout.write(`${new Date().toISOString()} ${msg}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`weft runtime: ${(err as Error).message}\n`);
  process.exit(1);
});
