// Helpers for the Bookinfo stand-ins' tests: servers on port 0, plain HTTP calls, and a recording upstream.

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exchange } from './http-exchange.js';

/** Listens on an ephemeral loopback port; returns the port. */
export function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

export function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** One request over a fresh connection: the shared test client. */
export const call = exchange;

export async function callJson(port: number, path: string, headers?: Record<string, string>): Promise<{ status: number; body: unknown }> {
  const r = await call(port, path, headers === undefined ? {} : { headers });
  return { status: r.status, body: JSON.parse(r.text) as unknown };
}

/** Counts `needle`'s occurrences in `text`. */
export function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

export interface Recorder {
  server: Server;
  /** The headers of each request received, in order. */
  requests: IncomingHttpHeaders[];
}

/**
 * An upstream that records each request's headers and answers with `reply`, after `delayMs` when given
 * (to outlast a client's timeout); replies still pending are dropped when it closes.
 */
export function recorder(reply: { status: number; body: unknown; delayMs?: number }): Recorder {
  const requests: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    requests.push(req.headers);
    const answer = (): void => {
      if (res.destroyed) return;
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply.body));
    };
    if (reply.delayMs) {
      const t = setTimeout(answer, reply.delayMs);
      res.on('close', () => clearTimeout(t));
    } else answer();
  });
  return { server, requests };
}
