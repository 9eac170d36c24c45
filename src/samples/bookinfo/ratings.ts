// Stand-in for istio/examples-bookinfo-ratings-v1 (ratings.js): two reviewers' stars per product, held in
// memory; POST replaces a product's ratings. The database-backed v2 images are not stood in for.

import type { Server } from 'node:http';
import { createLoggedServer, readBody, sendJson } from './serve.js';

export function createRatingsServer(log?: (line: string) => void): Server {
  const added = new Map<number, unknown>();
  const ratingsOf = (id: number): unknown => ({ id, ratings: added.get(id) ?? { Reviewer1: 5, Reviewer2: 4 } });
  return createLoggedServer(
    'ratings',
    async (req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (req.method === 'GET' && path === '/health') return sendJson(res, 200, { status: 'Ratings is healthy' });
      if (/^\/ratings\/[0-9]*/.test(path) && (req.method === 'GET' || req.method === 'POST')) {
        // Like the original: the id is the integer prefix of the last segment.
        const id = Number.parseInt(path.split('/').pop() ?? '', 10);
        if (Number.isNaN(id)) return sendJson(res, 400, { error: 'please provide numeric product ID' });
        if (req.method === 'GET') return sendJson(res, 200, ratingsOf(id));
        let ratings: unknown;
        try {
          ratings = JSON.parse(await readBody(req)) as unknown;
        } catch {
          return sendJson(res, 400, { error: 'please provide valid ratings JSON' });
        }
        added.set(id, ratings);
        return sendJson(res, 200, ratingsOf(id));
      }
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Page not found\n');
    },
    log,
  );
}
