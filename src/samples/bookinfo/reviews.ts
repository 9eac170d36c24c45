// Stand-in for istio/examples-bookinfo-reviews-v{1,2,3} (LibertyRestEndpoint.java): two reviews of the
// book, with the stars from the ratings service when ENABLE_RATINGS is true.

import type { Server } from 'node:http';
import { createLoggedServer, sendJson } from './serve.js';
import { forwardedHeaders, getJson } from './upstream.js';

export interface ReviewsConfig {
  ratingsEnabled: boolean;
  starColor: string;
  /** Base URL of the ratings service, e.g. http://ratings:9080 */
  ratingsUrl: string;
  /** The original waits 10 s for black stars (v2) and 2.5 s otherwise (v3). */
  ratingsTimeoutMs: number;
  podName: string | undefined;
  clusterName: string | undefined;
}

export type ReviewsVersion = 'v1' | 'v2' | 'v3';

/** What each image sets in its Dockerfile: v1 no ratings, v2 black stars, v3 red stars. */
export const IMAGE_ENV: Record<ReviewsVersion, Record<string, string>> = {
  v1: { SERVICE_VERSION: 'v1', ENABLE_RATINGS: 'false' },
  v2: { SERVICE_VERSION: 'v2', ENABLE_RATINGS: 'true' },
  v3: { SERVICE_VERSION: 'v3', ENABLE_RATINGS: 'true', STAR_COLOR: 'red' },
};

/** The configuration from the environment, read as the original reads it (the image's env under the container's). */
export function reviewsConfig(env: Record<string, string | undefined>): ReviewsConfig {
  const starColor = env.STAR_COLOR ?? 'black';
  const domain = env.SERVICES_DOMAIN === undefined ? '' : `.${env.SERVICES_DOMAIN}`;
  return {
    // Java's Boolean.valueOf: true only for "true", any case.
    ratingsEnabled: (env.ENABLE_RATINGS ?? '').toLowerCase() === 'true',
    starColor,
    ratingsUrl: `http://${env.RATINGS_HOSTNAME ?? 'ratings'}${domain}:${env.RATINGS_SERVICE_PORT ?? '9080'}`,
    ratingsTimeoutMs: starColor === 'black' ? 10_000 : 2_500,
    podName: env.HOSTNAME,
    clusterName: env.CLUSTER_NAME,
  };
}

const REVIEWS = [
  { reviewer: 'Reviewer1', text: 'An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!' },
  { reviewer: 'Reviewer2', text: 'Absolutely fun and entertaining. The play lacks thematic depth when compared to other plays by Shakespeare.' },
];

export function createReviewsServer(config: ReviewsConfig, log?: (line: string) => void): Server {
  return createLoggedServer(
    'reviews',
    async (req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (req.method === 'GET' && path === '/health') return sendJson(res, 200, { status: 'Reviews is healthy' });
      const m = /^\/reviews\/([+-]?\d+)$/.exec(path);
      if (req.method !== 'GET' || !m) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('Not Found\n');
        return;
      }
      const productId = String(Number(m[1]));
      const stars = new Map<string, number>();
      if (config.ratingsEnabled) {
        const r = await getJson(`${config.ratingsUrl}/ratings/${productId}`, forwardedHeaders(req), config.ratingsTimeoutMs);
        if (r.ok && r.status === 200 && typeof r.body === 'object' && r.body !== null) {
          const ratings = (r.body as { ratings?: unknown }).ratings;
          if (typeof ratings === 'object' && ratings !== null) {
            for (const [k, v] of Object.entries(ratings)) if (typeof v === 'number') stars.set(k, Math.trunc(v));
          }
        } else {
          process.stderr.write(`Error: unable to contact ${config.ratingsUrl}/ratings got ${r.ok ? `status of ${r.status}` : r.reason}\n`);
        }
      }
      sendJson(res, 200, {
        id: productId,
        // The original concatenates strings, so unset values read "null".
        podname: config.podName ?? 'null',
        clustername: config.clusterName ?? 'null',
        reviews: REVIEWS.map((r) => {
          if (!config.ratingsEnabled) return r;
          const n = stars.get(r.reviewer);
          return { ...r, rating: n === undefined ? { error: 'Ratings service is currently unavailable' } : { stars: n, color: config.starColor } };
        }),
      });
    },
    log,
  );
}
