// --resolve host:port:address[,address...] pins a name to addresses for one
// port, bypassing the resolver, as in Istio's ingress examples.

import type { Trace } from './trace.js';

export interface ResolveEntry {
  host: string;
  port: number;
  addresses: string[];
}

function parseEntry(raw: string): ResolveEntry | undefined {
  const text = raw.startsWith('+') ? raw.slice(1) : raw;
  let host: string;
  let rest: string;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1) return undefined;
    host = text.slice(1, close);
    rest = text.slice(close + 1);
    if (!rest.startsWith(':')) return undefined;
    rest = rest.slice(1);
  } else {
    const colon = text.indexOf(':');
    if (colon <= 0) return undefined;
    host = text.slice(0, colon);
    rest = text.slice(colon + 1);
  }
  const colon = rest.indexOf(':');
  if (colon <= 0) return undefined;
  const portText = rest.slice(0, colon);
  if (!/^\d+$/.test(portText) || Number(portText) > 65535) return undefined;
  const addresses = rest
    .slice(colon + 1)
    .split(',')
    .map((a) => a.trim().replace(/^\[(.*)\]$/, '$1'))
    .filter(Boolean);
  if (addresses.length === 0) return undefined;
  return { host, port: Number(portText), addresses };
}

/** Parses the entries, noting each in -v output the way curl loads its DNS cache. */
export function parseResolveEntries(raw: string[], trace: Trace): ResolveEntry[] {
  const entries: ResolveEntry[] = [];
  for (const item of raw) {
    if (item.startsWith('-')) continue;
    const entry = parseEntry(item);
    if (!entry) {
      trace.info(`Couldn't parse CURLOPT_RESOLVE entry '${item}'`);
      continue;
    }
    trace.info(`Added ${entry.host}:${entry.port}:${entry.addresses.join(',')} to DNS cache`);
    entries.push(entry);
  }
  return entries;
}

export function lookupResolve(entries: ResolveEntry[], host: string, port: number): string | undefined {
  const name = host.toLowerCase();
  const match = entries.find((e) => (e.host === '*' || e.host.toLowerCase() === name) && e.port === port);
  return match?.addresses[0];
}
