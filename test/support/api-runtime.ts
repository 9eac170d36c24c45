// A Runtime and its HTTP API in this process, in a temporary state directory: for tests of the API
// that need no `weft up` (no child process, no CLI), only a real socket.

import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claimBlock, listenOn } from '../../src/runtime/addresses.js';
import { apiHandler } from '../../src/runtime/api/server.js';
import { statePaths } from '../../src/runtime/paths.js';
import { Runtime } from '../../src/runtime/runtime.js';

export interface Answer {
  status: number;
  contentType: string;
  body: string;
}

export interface ApiRuntime {
  runtime: Runtime;
  /** How many times a client asked for shutdown (the runtime keeps running). */
  shutdowns: () => number;
  /** Sends one request with the token; a streamed answer (logs, watch) is cut after its head. */
  call(method: string, path: string, body?: string): Promise<Answer>;
  stop(): Promise<void>;
}

export async function startApiRuntime(): Promise<ApiRuntime> {
  const home = mkdtempSync(join(tmpdir(), 'weft-api-'));
  const token = 'test-token';
  const http: Server = createServer();
  // Port 0: the block is this runtime's own, the port whatever is free.
  const block = await claimBlock(undefined, (host) => listenOn(http, host, 0));
  const { address: host, port } = http.address() as AddressInfo;
  const runtime = new Runtime({ paths: statePaths(home), block, hostPath: process.env.PATH ?? '/usr/bin:/bin', api: { host, port, token } });
  let shutdowns = 0;
  http.on('request', apiHandler({ runtime, token, version: 'test', info: () => ({ home }), onShutdown: () => void shutdowns++ }));

  const call = (method: string, path: string, body?: string): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const req = request({ host, port, method, path, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) } }, (res) => {
        const contentType = String(res.headers['content-type'] ?? '');
        if (!contentType.startsWith('application/json')) {
          // logs and watch stream until the client goes: the status is all a caller needs.
          res.destroy();
          req.destroy();
          resolve({ status: res.statusCode ?? 0, contentType, body: '' });
          return;
        }
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType, body: text }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });

  return {
    runtime,
    shutdowns: () => shutdowns,
    call,
    async stop() {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await runtime.shutdown();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
