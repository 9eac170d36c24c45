// Stand-in for istio/examples-bookinfo-productpage-v1 (productpage.py): the book's page, composed from
// details and reviews, plus the JSON API and a sign-in that sends the user upstream as `end-user`.

import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { renderIndex, renderProductPage, type Fetched, type Product } from './productpage-html.js';
import { createLoggedServer, readBody, sendJson } from './serve.js';
import { decodeSession, encodeSession, parseCookies, SESSION_COOKIE } from './session-cookie.js';
import { forwardedHeaders, getJson, PROPAGATED_HEADERS } from './upstream.js';

export interface ProductPageConfig {
  detailsUrl: string;
  reviewsUrl: string;
  ratingsUrl: string;
  /** The original's client timeout for each upstream call: 3 s. */
  timeoutMs: number;
  /** The original tries reviews twice (kept on purpose for the fault-injection task). */
  reviewsTries: number;
}

export function productPageConfig(env: Record<string, string | undefined>): ProductPageConfig {
  const domain = env.SERVICES_DOMAIN === undefined || env.SERVICES_DOMAIN === '' ? '' : `.${env.SERVICES_DOMAIN}`;
  const url = (svc: 'DETAILS' | 'REVIEWS' | 'RATINGS', host: string): string =>
    `http://${env[`${svc}_HOSTNAME`] ?? host}${domain}:${env[`${svc}_SERVICE_PORT`] ?? '9080'}`;
  return {
    detailsUrl: url('DETAILS', 'details'),
    reviewsUrl: url('REVIEWS', 'reviews'),
    ratingsUrl: url('RATINGS', 'ratings'),
    timeoutMs: 3000,
    reviewsTries: 2,
  };
}

const PRODUCTS: readonly Product[] = [
  {
    id: 0,
    title: 'The Comedy of Errors',
    descriptionHtml:
      '<a href="https://en.wikipedia.org/wiki/The_Comedy_of_Errors">Wikipedia Summary</a>: The Comedy of Errors is one of <b>William Shakespeare\'s</b> early plays. It is his shortest and one of his most farcical comedies, with a major part of the humour coming from slapstick and mistaken identity, in addition to puns and word play.',
  },
];

// end-user comes from the session only, never from the caller.
const FORWARDED = PROPAGATED_HEADERS.filter((h) => h !== 'end-user');

function upstreamHeaders(req: IncomingMessage, user: string | undefined): Record<string, string> {
  const headers = forwardedHeaders(req, FORWARDED);
  if (user) headers['end-user'] = user;
  return headers;
}

function sessionUser(req: IncomingMessage): string | undefined {
  return decodeSession(parseCookies(req.headers.cookie).get(SESSION_COOKIE));
}

function redirectBack(req: IncomingMessage, res: ServerResponse, cookie: string): void {
  // The original redirects to the Referer; without one, to the product page.
  const location = req.headers.referer ?? 'productpage';
  res.writeHead(302, { location, 'set-cookie': cookie, 'content-type': 'text/html; charset=utf-8' });
  res.end(`<a href="${location.replace(/"/g, '%22')}">redirect</a>\n`);
}

export function createProductPageServer(config: ProductPageConfig, log?: (line: string) => void): Server {
  const call = async (url: string, headers: Record<string, string>, tries: number, error: string): Promise<Fetched> => {
    let status: number | undefined;
    for (let i = 0; i < tries; i++) {
      const r = await getJson(url, headers, config.timeoutMs);
      status = r.status;
      // requests' Response is truthy below 400; only a 200 is used.
      if (r.ok && r.status === 200 && typeof r.body === 'object' && r.body !== null) return { status: 200, body: r.body as Record<string, unknown> };
    }
    return { status: status || 500, body: { error } };
  };
  const details = (id: string, h: Record<string, string>): Promise<Fetched> =>
    call(`${config.detailsUrl}/details/${id}`, h, 1, 'Sorry, product details are currently unavailable for this book.');
  const reviews = (id: string, h: Record<string, string>): Promise<Fetched> =>
    call(`${config.reviewsUrl}/reviews/${id}`, h, config.reviewsTries, 'Sorry, product reviews are currently unavailable for this book.');
  const ratings = (id: string, h: Record<string, string>): Promise<Fetched> =>
    call(`${config.ratingsUrl}/ratings/${id}`, h, 1, 'Sorry, product ratings are currently unavailable for this book.');

  return createLoggedServer(
    'productpage',
    async (req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const method = req.method ?? 'GET';
      const get = method === 'GET' || method === 'HEAD';
      if (get && path === '/health') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return void res.end('Product page is healthy');
      }
      if (get && (path === '/' || path === '/index.html')) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return void res.end(
          renderIndex([
            { name: config.detailsUrl, endpoint: 'details' },
            { name: config.reviewsUrl, endpoint: 'reviews' },
            { name: config.ratingsUrl, endpoint: 'ratings' },
          ]),
        );
      }
      if (method === 'POST' && path === '/login') {
        const user = new URLSearchParams(await readBody(req)).get('username') ?? '';
        return redirectBack(req, res, `${SESSION_COOKIE}=${encodeSession(user)}; HttpOnly; Path=/`);
      }
      if (get && path === '/logout') {
        return redirectBack(req, res, `${SESSION_COOKIE}=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Path=/`);
      }
      if (get && path === '/productpage') {
        const user = sessionUser(req);
        const headers = upstreamHeaders(req, user);
        const product = PRODUCTS[0]!;
        // Like the original: details first, then reviews, one after the other.
        const d = await details(String(product.id), headers);
        const r = await reviews(String(product.id), headers);
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return void res.end(renderProductPage({ product, details: d, reviews: r, user: user ?? '' }));
      }
      if (get && path === '/api/v1/products') return sendJson(res, 200, PRODUCTS);
      const api = /^\/api\/v1\/products\/([^/]+)(?:\/(reviews|ratings))?$/.exec(path);
      if (get && api) {
        let id: string;
        try {
          id = encodeURIComponent(decodeURIComponent(api[1]!));
        } catch {
          return sendJson(res, 400, { error: 'invalid product id' });
        }
        const headers = upstreamHeaders(req, sessionUser(req));
        const fetchIt = api[2] === 'reviews' ? reviews : api[2] === 'ratings' ? ratings : details;
        const f = await fetchIt(id, headers);
        return sendJson(res, f.status, f.body);
      }
      // The original's static assets came from a CDN and the image; none are served here.
      res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<h1>Not Found</h1>\n');
    },
    log,
  );
}
