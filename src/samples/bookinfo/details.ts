// Stand-in for istio/examples-bookinfo-details-v1 (details.rb): the book's publication details.

import type { Server } from 'node:http';
import { createLoggedServer, sendJson } from './serve.js';

function bookDetails(id: number): Record<string, unknown> {
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

export function createDetailsServer(log?: (line: string) => void): Server {
  return createLoggedServer(
    'details',
    (req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/health') return sendJson(res, 200, { status: 'Details is healthy' });
      // The original mounts a handler on the /details prefix and reads the id from the last path segment.
      if (path === '/details' || path.startsWith('/details/')) {
        const last = path.split('/').filter((s) => s !== '').pop() ?? '';
        if (!/^[+-]?\d+$/.test(last)) return sendJson(res, 400, { error: 'please provide numeric product id' });
        return sendJson(res, 200, bookDetails(Number(last)));
      }
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Not Found\n');
    },
    log,
  );
}
