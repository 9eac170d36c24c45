// `fortio server`'s HTTP side: /debug describes the request back, every other path echoes the body,
// shaped by the query: status=503 or 503:25,429:10 (percent chances), delay=250ms or 1s:10,
// size=N (a body of N bytes instead of the echo), header=Name:Value (repeatable), close=true.

import http from 'node:http';
import { parseGoDuration } from './go-format.js';
import { FORTIO_VERSION } from './http-target.js';

export interface FortioServerOptions {
  hostname: string;
  random?: () => number;
  log?: (line: string) => void;
}

/** Picks from "v1:p1,v2:p2,..." (percent chances, the rest for the default) or a single value. */
export function pickWeighted(spec: string, random: () => number): string | undefined {
  const entries = spec.split(',').map((e) => {
    const colon = e.lastIndexOf(':');
    return colon < 0 ? { value: e, percent: 100 } : { value: e.slice(0, colon), percent: Number(e.slice(colon + 1)) };
  });
  if (entries.length === 1 && entries[0]!.percent === 100) return entries[0]!.value;
  let roll = random() * 100;
  for (const e of entries) {
    if (roll < e.percent) return e.value;
    roll -= e.percent;
  }
  return undefined;
}

export function createFortioServer(opts: FortioServerOptions): http.Server {
  const random = opts.random ?? Math.random;
  const startedAt = Date.now();
  return http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/debug' || url.pathname === '/debug/') return debug(req, res, body, opts.hostname, startedAt);
      void echo(req, res, body, url, random, opts.log);
    });
  });
}

async function echo(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, url: URL, random: () => number, log?: (line: string) => void): Promise<void> {
  const q = url.searchParams;
  const delay = q.get('delay') ? pickWeighted(q.get('delay')!, random) : undefined;
  if (delay) {
    try {
      // Fortio caps delays at 1.5s by default to keep its echo server from being tied up.
      await new Promise((r) => setTimeout(r, Math.min(parseGoDuration(delay), 1500)));
    } catch {
      // An unparsable delay is ignored, as fortio does.
    }
  }
  const statusText = q.get('status') ? pickWeighted(q.get('status')!, random) : undefined;
  const status = statusText !== undefined && /^\d{3}$/.test(statusText) ? Number(statusText) : 200;
  for (const h of q.getAll('header')) {
    const colon = h.indexOf(':');
    if (colon > 0) res.setHeader(h.slice(0, colon), h.slice(colon + 1));
  }
  const size = q.get('size');
  const out = size !== null && /^\d+$/.test(size) ? Buffer.alloc(Number(size), 'a') : body;
  if (req.headers['content-type'] && size === null) res.setHeader('Content-Type', req.headers['content-type']);
  if (q.get('close') === 'true' || q.get('close') === '1') res.setHeader('Connection', 'close');
  res.setHeader('Content-Length', out.length);
  res.writeHead(status);
  res.end(out);
  log?.(`${req.method} ${req.url} ${req.socket.remoteAddress}:${req.socket.remotePort} ${status}\n`);
}

function debug(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, hostname: string, startedAt: number): void {
  const up = Math.round((Date.now() - startedAt) / 1000);
  let text = `Φορτίο version ${FORTIO_VERSION} echo debug server up for ${up}s on ${hostname} - request from ${req.socket.remoteAddress}:${req.socket.remotePort}\n\n`;
  text += `${req.method} ${req.url} HTTP/${req.httpVersion}\n\nheaders:\n\n`;
  text += `Host: ${req.headers.host ?? ''}\n`;
  const names = new Map<string, string[]>();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    if (name.toLowerCase() === 'host') continue;
    names.set(name, [...(names.get(name) ?? []), req.rawHeaders[i + 1]!]);
  }
  for (const name of [...names.keys()].sort()) text += `${name}: ${names.get(name)!.join(',')}\n`;
  text += `\nbody:\n\n${body.toString()}\n`;
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=UTF-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
