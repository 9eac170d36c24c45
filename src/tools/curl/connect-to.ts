// --connect-to HOST1:PORT1:HOST2:PORT2 sends requests for one host and port
// to another while the URL (Host header, TLS name) stays as it is. Empty
// fields match anything or keep the original.

import type { CurlUrl } from './curl-url.js';
import type { Trace } from './trace.js';

export interface ConnectTarget {
  host: string;
  port: number;
}

/** Splits on ':' outside [IPv6] brackets. */
function fields(entry: string): string[] {
  const out: string[] = [];
  let current = '';
  let bracket = false;
  for (const ch of entry) {
    if (ch === '[') bracket = true;
    if (ch === ']') bracket = false;
    if (ch === ':' && !bracket) {
      out.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  out.push(current);
  return out.map((f) => f.replace(/^\[(.*)\]$/, '$1'));
}

/** Where to connect for `url`, noting an override in -v as curl does. */
export function connectTarget(entries: string[], url: CurlUrl, trace: Trace): ConnectTarget {
  for (const entry of entries) {
    const [fromHost = '', fromPort = '', toHost = '', toPort = ''] = fields(entry);
    if (fromHost && fromHost.toLowerCase() !== url.host.toLowerCase()) continue;
    if (fromPort && Number(fromPort) !== url.port) continue;
    if (toHost) trace.info(`Connecting to hostname: ${toHost}`);
    if (toPort) trace.info(`Connecting to port: ${toPort}`);
    return { host: toHost || url.host, port: toPort && /^\d+$/.test(toPort) ? Number(toPort) : url.port };
  }
  return { host: url.host, port: url.port };
}
