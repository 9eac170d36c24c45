// Stand-in for istio/examples-bookinfo-details-v1 and -v2 (details.rb): the book's publication
// details, built in (v1) or fetched from the Google Books API (v2, whose image sets
// ENABLE_EXTERNAL_BOOK_SERVICE), which Istio's egress tasks use as the external service.

import type { Server } from 'node:http';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createLoggedServer, sendJson } from './serve.js';

/** The headers details.rb copies to the external call (its own, shorter list). */
const EXTERNAL_FORWARDED = ['x-request-id', 'x-b3-traceid', 'x-b3-spanid', 'x-b3-parentspanid', 'x-b3-sampled', 'x-b3-flags', 'x-ot-span-context', 'x-datadog-trace-id', 'x-datadog-parent-id', 'x-datadog-sampled'];

/** The ISBN of the Comedy of Errors edition details.rb looks up. */
const ISBN = '0486424618';
const READ_TIMEOUT_MS = 5_000;

export interface ExternalBookService {
  host: string;
  /** 80 with DO_NOT_ENCRYPT=true (plain HTTP, for Istio's TLS origination task), else 443 over TLS. */
  port: number;
  tls: boolean;
  /** Trust for the TLS call; the system's when absent. */
  ca?: string | Buffer;
}

export interface DetailsConfig {
  external: ExternalBookService | undefined;
}

/** The environment each image bakes in, under the container's own. */
export const IMAGE_ENV: Record<'v1' | 'v2', Record<string, string>> = {
  v1: {},
  v2: { ENABLE_EXTERNAL_BOOK_SERVICE: 'true' },
};

export function detailsConfig(env: Record<string, string | undefined>): DetailsConfig {
  if (env.ENABLE_EXTERNAL_BOOK_SERVICE !== 'true') return { external: undefined };
  const plain = env.DO_NOT_ENCRYPT === 'true';
  return { external: { host: 'www.googleapis.com', port: plain ? 80 : 443, tls: !plain } };
}

function builtInDetails(id: number): Record<string, unknown> {
  return {
    id,
    author: 'William Shakespeare',
    year: 1595,
    type: 'paperback',
    pages: 200,
    publisher: 'PublisherA',
    language: 'English',
    'ISBN-10': '1234567890',
    'ISBN-13': '123-1234567890',
  };
}

interface Volume {
  authors?: string[];
  publishedDate?: string;
  printType?: string;
  pageCount?: number;
  publisher?: string;
  language?: string;
  industryIdentifiers?: Array<{ type?: string; identifier?: string }>;
}

/** GETs the volume from the Books API and maps it as details.rb does; throws with the message the original reports. */
async function externalDetails(ext: ExternalBookService, id: number, req: IncomingMessage): Promise<Record<string, unknown>> {
  const headers: Record<string, string> = {};
  for (const h of EXTERNAL_FORWARDED) {
    const v = req.headers[h];
    if (typeof v === 'string') headers[h] = v;
  }
  const path = `/books/v1/volumes?q=isbn:${ISBN}`;
  const body = await new Promise<string>((resolve, reject) => {
    const opts = { host: ext.host, port: ext.port, path, headers: { ...headers, host: ext.host }, ...(ext.ca ? { ca: ext.ca } : {}) };
    const r = (ext.tls ? httpsRequest : httpRequest)(opts, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve(text));
      res.on('error', reject);
    });
    r.setTimeout(READ_TIMEOUT_MS, () => r.destroy(new Error('Net::ReadTimeout')));
    r.on('error', (err: NodeJS.ErrnoException) => reject(new Error(`Failed to open TCP connection to ${ext.host}:${ext.port} (${err.code ?? err.message})`)));
    r.end();
  });
  let book: Volume;
  try {
    book = (JSON.parse(body) as { items: Array<{ volumeInfo: Volume }> }).items[0]!.volumeInfo;
    if (!book) throw new Error('no volume');
  } catch {
    throw new Error(`undefined method '[]' for nil:NilClass`);
  }
  const isbn = (type: string) => book.industryIdentifiers?.find((i) => i.type === type)?.identifier;
  return {
    id,
    author: book.authors?.[0],
    year: book.publishedDate,
    type: book.printType === 'BOOK' ? 'paperback' : 'unknown',
    pages: book.pageCount,
    publisher: book.publisher,
    language: book.language === 'en' ? 'English' : 'unknown',
    'ISBN-10': isbn('ISBN_10'),
    'ISBN-13': isbn('ISBN_13'),
  };
}

export function createDetailsServer(config: DetailsConfig = { external: undefined }, log?: (line: string) => void): Server {
  return createLoggedServer(
    'details',
    async (req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/health') return sendJson(res, 200, { status: 'Details is healthy' });
      // The original mounts a handler on the /details prefix and reads the id from the last path segment.
      if (path === '/details' || path.startsWith('/details/')) {
        const last = path.split('/').filter((s) => s !== '').pop() ?? '';
        if (!/^[+-]?\d+$/.test(last)) return sendJson(res, 400, { error: 'please provide numeric product id' });
        const id = Number(last);
        if (!config.external) return sendJson(res, 200, builtInDetails(id));
        // Any failure of the external call is the original's 400 with the error's message.
        try {
          return sendJson(res, 200, await externalDetails(config.external, id, req));
        } catch (err) {
          return sendJson(res, 400, { error: (err as Error).message });
        }
      }
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Not Found\n');
    },
    log,
  );
}
