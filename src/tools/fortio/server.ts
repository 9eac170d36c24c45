// `fortio server`'s HTTP side: /debug describes the request back, every other path echoes the body,
// shaped by the query: status=503 or 503:25,429:10 (percent chances), delay=250ms or 1s:10,
// size=N (a body of N bytes instead of the echo), header=Name:Value (repeatable), close=true.

import http from 'node:http';
import { formatGoDuration, parseGoDuration } from '../../samples/go-duration.js';
import { FORTIO_VERSION } from './http-target.js';

export interface FortioServerOptions {
  hostname: string;
  random?: () => number;
  log?: (line: string) => void;
  /** -max-echo-delay: longer delay= values are cut to it (1.5s by default, past Envoy's 1s timeout tests). */
  maxDelayMs?: number;
}

/** fortio's -maxpayloadsizekb default: size= asks for at most this many bytes. */
const MAX_PAYLOAD_BYTES = 256 * 1024;

interface Weighted<T> {
  value: T;
  /** Cumulative percent up to and including this entry. */
  upTo: number;
}

/**
 * Parses "v1:p1,v2:p2,..." (percent chances, 0 to 100, adding up to at most 100, the rest for the default)
 * or a lone value without a colon (100%); undefined when fortio would refuse it.
 */
export function parseWeighted<T>(spec: string, parse: (text: string) => T | undefined): Weighted<T>[] | undefined {
  const items = spec.split(',');
  if (items.length === 1 && !spec.includes(':')) {
    const value = parse(spec);
    return value === undefined ? undefined : [{ value, upTo: 100 }];
  }
  const out: Weighted<T>[] = [];
  let sum = 0;
  for (const item of items) {
    const parts = item.split(':');
    if (parts.length !== 2) return undefined;
    const value = parse(parts[0]!);
    const percentText = parts[1]!.replace(/%$/, '');
    const percent = Number(percentText);
    if (value === undefined || percentText.trim() === '' || !Number.isFinite(percent) || percent < 0 || percent > 100) return undefined;
    sum += percent;
    // Rounded as fortio does, so entries meant to add up to exactly 100 are not refused for float noise.
    const upTo = Math.round(sum * 1e6) / 1e6;
    if (upTo > 100) return undefined;
    out.push({ value, upTo });
  }
  return out;
}

/** The entry a roll in [0, 100) lands on, or undefined for the remainder (the default). */
export function pickWeighted<T>(entries: readonly Weighted<T>[], random: () => number): T | undefined {
  const roll = random() * 100;
  return entries.find((e) => roll <= e.upTo)?.value;
}

function parseStatus(text: string): number | undefined {
  // Go's strconv.Atoi: an optional sign and decimal digits.
  return /^[+-]?\d+$/.test(text) ? Number(text) : undefined;
}

function parseDelayMs(text: string): number | undefined {
  // Go's time.ParseDuration: a unit is required ("1" is refused, unlike -t's bare seconds).
  try {
    return parseGoDuration(text) / 1e6;
  } catch {
    return undefined;
  }
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
      void echo(req, res, body, url, random, opts.maxDelayMs ?? 1500, opts.log);
    });
  });
}

async function echo(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, url: URL, random: () => number, maxDelayMs: number, log?: (line: string) => void): Promise<void> {
  const q = url.searchParams;
  const delaySpec = q.get('delay');
  // A malformed delay is only logged by fortio: the answer comes at once.
  const delays = delaySpec ? parseWeighted(delaySpec, parseDelayMs) : undefined;
  const delayMs = delays ? Math.min(pickWeighted(delays, random) ?? 0, maxDelayMs) : 0;
  if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
  const statusSpec = q.get('status');
  let status = 200;
  if (statusSpec) {
    // A malformed status list is the client's error: fortio answers 400 Bad Request.
    const codes = parseWeighted(statusSpec, parseStatus);
    status = codes ? (pickWeighted(codes, random) ?? 200) : 400;
  }
  // Go's server refuses to write a code outside 100-999; answer 400 rather than fail the exchange.
  if (status < 100 || status > 999) status = 400;
  for (const h of q.getAll('header')) {
    const colon = h.indexOf(':');
    if (colon > 0) res.setHeader(h.slice(0, colon), h.slice(colon + 1));
  }
  const size = q.get('size');
  const out = size !== null && /^\d+$/.test(size) ? Buffer.alloc(Math.min(Number(size), MAX_PAYLOAD_BYTES), 'a') : body;
  if (req.headers['content-type'] && size === null) res.setHeader('Content-Type', req.headers['content-type']);
  if (q.get('close') === 'true' || q.get('close') === '1') res.setHeader('Connection', 'close');
  res.setHeader('Content-Length', out.length);
  res.writeHead(status);
  res.end(out);
  log?.(`${req.method} ${req.url} ${req.socket.remoteAddress}:${req.socket.remotePort} ${status}\n`);
}

function debug(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, hostname: string, startedAt: number): void {
  // Uptime rounded to a tenth of a second and written as a Go duration ("0s", "2.3s", "1m4.1s"), as fortio does.
  const up = formatGoDuration(Math.floor((Date.now() - startedAt + 50) / 100) * 100 * 1e6);
  let text = `Φορτίο version ${FORTIO_VERSION} echo debug server up for ${up} on ${hostname} - request from ${req.socket.remoteAddress}:${req.socket.remotePort}\n\n`;
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
