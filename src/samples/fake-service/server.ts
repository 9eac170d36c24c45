// fake-service's HTTP server on node:http. Every path other than /health, /ready and /ui runs the
// handler: fault injection, the upstream calls, the simulated service time, then the JSON document.
// HEAD does all of that too and only leaves the body out, so `curl -I` sees the same status codes.

import http from 'node:http';
import { setTimeout as sleepFor } from 'node:timers/promises';
import type { FakeServiceConfig } from './config.js';
import { formatGoDuration } from '../go-duration.js';
import { createErrorInjector } from './error-injector.js';
import { localIPv4Addresses } from './ip-addresses.js';
import { createLogger, type Logger } from './logger.js';
import { decodeResponse, encodeResponse, messageBody, type FakeResponse } from './response.js';
import { requestDuration, type Random } from './timing.js';
import { serveUi } from './ui.js';
import { createUpstreamClient, type PlannedRequest } from './upstream-client.js';

export interface FakeServiceOptions {
  /** Wall clock for start_time, end_time and log timestamps. */
  now?: () => Date;
  /** Source of randomness for error injection and timing, in [0, 1). */
  random?: () => number;
  /** What ip_addresses reports; the machine's IPv4 addresses by default. */
  ipAddresses?: string[];
  /** Receives each finished log line; stdout by default. */
  log?: (line: string) => void;
}

export interface FakeService {
  server: http.Server;
  config: FakeServiceConfig;
  logger: Logger;
  /** Stops listening, cancels upstream calls and sleeps, drops idle connections; resolves once closed. */
  close(): Promise<void>;
}

const CONTENT_TYPE = 'text/plain; charset=utf-8'; // what Go's content sniffing picks for the JSON text

export function createFakeService(config: FakeServiceConfig, opts: FakeServiceOptions = {}): FakeService {
  const random: Random = opts.random ?? Math.random;
  const logger = createLogger({
    format: config.logFormat,
    level: config.logLevel,
    ...(opts.log ? { write: opts.log } : {}),
    ...(opts.now ? { now: opts.now } : {}),
  });
  // A service bound to one address (as every pod's is) reports that address; a wildcard bind reports the interfaces.
  let ipAddresses = opts.ipAddresses;
  const addresses = (): string[] => {
    if (ipAddresses) return ipAddresses;
    const a = server.address();
    if (typeof a === 'object' && a && a.address !== '0.0.0.0' && a.address !== '::') ipAddresses = [a.address];
    else ipAddresses = localIPv4Addresses();
    return ipAddresses;
  };
  const injector = createErrorInjector(config, random, logger.named('error_injector'));
  const client = createUpstreamClient(config.httpClient);
  const body = messageBody(config.message);
  const wallClock = createWallClock(opts.now);
  const startedAt = performance.now();
  const isReady = (): boolean => config.ready.delayMs <= 0 || performance.now() - startedAt >= config.ready.delayMs;

  // Aborted on close so that sleeps and upstream calls of in-flight requests end at once.
  const shutdown = new AbortController();
  let closing = false;

  const server = http.createServer((req, res) => {
    if (closing) res.shouldKeepAlive = false;
    res.on('finish', () => {
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
    route(req, res).catch((err: unknown) => {
      logger.error('Error handling request', { error: err instanceof Error ? err.message : String(err) });
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': CONTENT_TYPE });
      res.end();
    });
  });

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = originForm(req.url ?? '/').split('?', 1)[0]!;
    if (path === '/health') return health(req, res);
    if (path === '/ready') return ready(req, res);
    if (path === '/ui' || path.startsWith('/ui/')) return serveUi(req, res, path);
    if (req.method === 'OPTIONS' && req.headers.origin && req.headers['access-control-request-method']) {
      return preflight(req, res);
    }
    return handle(req, res);
  }

  function health(req: http.IncomingMessage, res: http.ServerResponse): void {
    logger.info('Handling health request');
    sendText(req, res, config.healthCheckCode, 'OK');
  }

  function ready(req: http.IncomingMessage, res: http.ServerResponse): void {
    logger.info('Handling ready request');
    sendText(req, res, isReady() ? config.ready.successCode : config.ready.failureCode, 'OK');
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    req.resume(); // the request body plays no part
    if (config.ready.rootPathWaitTillReady && !isReady()) {
      logger.info('Service not ready');
      res.writeHead(503, corsHeaders(req)).end();
      return;
    }
    const startHr = process.hrtime.bigint();
    const startMs = wallClock();
    const elapsedMs = (): number => Number(process.hrtime.bigint() - startHr) / 1e6;
    logger.info('Handle inbound request', { request: formatInbound(req) });
    const finished = (error?: string): void => {
      if (error) logger.error('Error handling request', { error });
      logger.info('Finished handling request', { duration: formatGoDuration(process.hrtime.bigint() - startHr) });
    };

    const resp: FakeResponse = { name: config.name, owner: config.owner, uri: req.url ?? '/', type: 'HTTP', ipAddresses: addresses(), code: 0 };

    const injection = injector.next();
    if (injection.kind === 'fail') {
      // fake-service answers an injected error at once: no upstream calls, no timings, no body.
      resp.code = injection.code;
      resp.error = injection.message;
      sendResponse(req, res, resp);
      finished(injection.message);
      return;
    }
    if (injection.kind === 'delay') await sleep(injection.delayMs);

    let upstreamError: string | undefined;
    if (config.upstreamUris.length > 0) {
      const result = await callUpstreams(req);
      resp.upstreamCalls = result.calls;
      upstreamError = result.error;
    }

    if (upstreamError !== undefined) {
      resp.code = 500;
    } else {
      // The simulated service time counts the upstream calls already made.
      const remaining = requestDuration(config.timing, random) - elapsedMs();
      if (remaining > 0) {
        logger.info('Sleeping for', { duration: formatGoDuration(remaining * 1e6) });
        await sleep(remaining);
      }
      resp.code = 200;
    }

    const durationNs = process.hrtime.bigint() - startHr;
    resp.startTime = formatTimestamp(startMs);
    resp.endTime = formatTimestamp(opts.now ? wallClock() : startMs + Number(durationNs) / 1e6);
    resp.duration = formatGoDuration(durationNs);
    resp.body = body;
    sendResponse(req, res, resp);
    finished(upstreamError);
  }

  /**
   * Calls the upstreams with UPSTREAM_WORKERS at a time, in the listed order. The first failure ends the
   * round, as in fake-service: calls not yet started are skipped and the answer holds what came back so far.
   */
  function callUpstreams(req: http.IncomingMessage): Promise<{ calls: Record<string, FakeResponse>; error?: string }> {
    const uris = config.upstreamUris;
    const calls: Record<string, FakeResponse> = {};
    const round = new AbortController();
    const onShutdown = (): void => round.abort();
    shutdown.signal.addEventListener('abort', onShutdown, { once: true });
    if (shutdown.signal.aborted) round.abort();
    let next = 0;
    let active = 0;
    return new Promise((resolve) => {
      let done = false;
      const end = (error?: string): void => {
        done = true;
        shutdown.signal.removeEventListener('abort', onShutdown);
        round.abort(); // calls still running in parallel workers are no longer wanted
        resolve(error === undefined ? { calls } : { calls, error });
      };
      const launch = (): void => {
        while (!done && active < config.upstreamWorkers && next < uris.length) {
          const uri = uris[next++]!;
          active++;
          void callOne(uri, req, round.signal)
            .catch((err: unknown) => {
              const error = `Error communicating with upstream service: ${err instanceof Error ? err.message : String(err)}`;
              return { response: { uri, code: -1, error }, error };
            })
            .then(({ response, error }) => {
              active--;
              if (done) return;
              calls[uri] = response;
              if (error !== undefined) end(error);
              else if (next >= uris.length && active === 0) end();
              else launch();
            });
        }
      };
      launch();
    });
  }

  async function callOne(uri: string, req: http.IncomingMessage, signal: AbortSignal): Promise<{ response: FakeResponse; error?: string }> {
    const plan = client.plan(uri, { url: originForm(req.url ?? '/'), headers: req.headers });
    logger.info('Calling upstream service', { uri: plan.url, type: 'HTTP', request: formatOutbound(plan) });
    const r = await client.call(plan, signal);
    let response: FakeResponse = { code: 0 };
    if (r.body !== undefined) {
      try {
        response = decodeResponse(r.body);
      } catch (err) {
        // Often a proxy's own answer ("RBAC: access denied"); the call is still reported with its code.
        logger.error('Unable to read response JSON', { error: err instanceof Error ? err.message : String(err) });
      }
    }
    response.uri = uri;
    response.code = r.code;
    response.headers = r.headers;
    response.cookies = r.cookies;
    if (r.error === undefined) return { response };
    response.error = r.error;
    logger.error('Error processing upstream request', { error: r.error });
    return { response, error: r.error };
  }

  async function sleep(ms: number): Promise<void> {
    if (ms <= 0 || shutdown.signal.aborted) return;
    // Timers cap at about 24.8 days; a longer wait would otherwise fire at once.
    await sleepFor(Math.min(ms, 2 ** 31 - 1), undefined, { signal: shutdown.signal }).catch(() => undefined);
  }

  function preflight(req: http.IncomingMessage, res: http.ServerResponse): void {
    const headers: http.OutgoingHttpHeaders = {
      ...corsHeaders(req),
      'Access-Control-Allow-Methods': String(req.headers['access-control-request-method']),
    };
    const asked = req.headers['access-control-request-headers'];
    if (asked) headers['Access-Control-Allow-Headers'] = asked;
    res.writeHead(200, headers).end();
  }

  function sendResponse(req: http.IncomingMessage, res: http.ServerResponse, resp: FakeResponse): void {
    sendText(req, res, resp.code, encodeResponse(resp));
  }

  function sendText(req: http.IncomingMessage, res: http.ServerResponse, code: number, text: string): void {
    if (res.destroyed) return;
    res.writeHead(code, {
      'Content-Type': CONTENT_TYPE,
      'Content-Length': Buffer.byteLength(text),
      ...corsHeaders(req),
    });
    res.end(req.method === 'HEAD' ? undefined : text);
  }

  server.on('close', () => client.close());

  return {
    server,
    config,
    logger,
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        shutdown.abort();
        client.close();
        if (!server.listening) {
          resolve();
          return;
        }
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

/** Any origin may call, as with fake-service's default ALLOWED_ORIGINS of "*". */
function corsHeaders(req: http.IncomingMessage): http.OutgoingHttpHeaders {
  return req.headers.origin ? { 'Access-Control-Allow-Origin': '*' } : {};
}

/** "/path?query" also for a request sent in absolute form ("GET http://host/path"), as proxies may. */
function originForm(url: string): string {
  if (url.startsWith('/')) return url;
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return url;
  }
}

/** The request as fake-service logs it: request line, Host, then the headers in lower case. */
function formatInbound(req: http.IncomingMessage): string {
  const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`, `Host: ${req.headers.host ?? ''}`];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    if (name !== 'host') lines.push(`${name}: ${req.rawHeaders[i + 1]}`);
  }
  return lines.join('\n');
}

function formatOutbound(plan: PlannedRequest): string {
  const lines = [`GET ${plan.url} HTTP/1.1`, `Host: ${new URL(plan.url).host}`];
  for (const [name, v] of Object.entries(plan.headers)) {
    for (const one of Array.isArray(v) ? v : [v]) lines.push(`${name}: ${one}`);
  }
  return lines.join('\n');
}

/**
 * Epoch milliseconds with microsecond detail. The monotonic clock supplies the detail; it is re-anchored
 * to the wall clock whenever they drift apart (after a laptop sleeps, say).
 */
function createWallClock(now?: () => Date): () => number {
  if (now) return () => now().getTime();
  let anchor = Date.now() - performance.now();
  return () => {
    const wall = Date.now();
    let t = anchor + performance.now();
    if (Math.abs(t - wall) > 2) {
      anchor = wall - performance.now();
      t = wall;
    }
    return t;
  };
}

/** 2006-01-02T15:04:05.000000 in local time, fake-service's start_time and end_time format. */
export function formatTimestamp(epochMs: number): string {
  const whole = Math.floor(epochMs);
  const micros = Math.floor((epochMs - whole) * 1000);
  const t = new Date(whole);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return (
    `${t.getFullYear()}-${p(t.getMonth() + 1)}-${p(t.getDate())}T` +
    `${p(t.getHours())}:${p(t.getMinutes())}:${p(t.getSeconds())}.${p(t.getMilliseconds(), 3)}${p(micros, 3)}`
  );
}
