// fake-service's environment variables as a typed config. Names and defaults are fake-service's own; an
// empty variable counts as unset, as it does for the Go service. Bad values fail with the variable's name.

import { parseGoDuration } from '../go-duration.js';
import { LOG_LEVELS, type LogFormat, type LogLevel } from './logger.js';

export type ErrorType = 'http_error' | 'delay';

export interface ListenAddress {
  /** The host part exactly as written ("" for ":9090"). */
  host: string;
  port: number;
  /** LISTEN_ADDR as given, for logs. */
  raw: string;
}

export interface FakeServiceConfig {
  name: string;
  message: string;
  /** SERVICE_OWNER; "" when unset, and then left out of responses. */
  owner: string;
  listen: ListenAddress;
  serverType: 'http';
  upstreamUris: string[];
  upstreamWorkers: number;
  errorRate: number;
  errorType: ErrorType;
  errorCode: number;
  errorDelayMs: number;
  timing: { p50Ms: number; p90Ms: number; p99Ms: number; variancePercent: number };
  /** Requests per second; 0 turns rate limiting off. */
  rateLimit: number;
  rateLimitCode: number;
  httpClient: { appendRequest: boolean; keepAlives: boolean; requestTimeoutMs: number };
  healthCheckCode: number;
  ready: { successCode: number; failureCode: number; delayMs: number; rootPathWaitTillReady: boolean };
  /** TRACING_ZIPKIN collector URI; recorded, spans are not sent. */
  tracingZipkin?: string;
  logFormat: LogFormat;
  logLevel: LogLevel;
}

export class FakeServiceConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'FakeServiceConfigError';
  }
}

export function parseConfig(env: Record<string, string | undefined>): FakeServiceConfig {
  const get = (k: string): string | undefined => {
    const v = env[k];
    return v === undefined || v === '' ? undefined : v;
  };
  const str = (k: string, def: string): string => get(k) ?? def;
  const int = (k: string, def: number, min: number, max = Number.MAX_SAFE_INTEGER): number => {
    const v = get(k);
    if (v === undefined) return def;
    const t = v.trim();
    if (!/^[-+]?\d+$/.test(t)) fail(k, `must be an integer (got ${JSON.stringify(v)})`);
    const n = Number(t);
    if (n < min || n > max) fail(k, range(min, max, t));
    return n;
  };
  const float = (k: string, def: number, min: number, max = Infinity): number => {
    const v = get(k);
    if (v === undefined) return def;
    const t = v.trim();
    if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) fail(k, `must be a number (got ${JSON.stringify(v)})`);
    const n = Number(t);
    if (n < min || n > max) fail(k, range(min, max, t));
    return n;
  };
  const bool = (k: string, def: boolean): boolean => {
    const v = get(k);
    if (v === undefined) return def;
    // The spellings Go's strconv.ParseBool accepts.
    if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v.trim())) return true;
    if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v.trim())) return false;
    return fail(k, `must be true or false (got ${JSON.stringify(v)})`);
  };
  const duration = (k: string, defMs: number): number => {
    const v = get(k);
    if (v === undefined) return defMs;
    let ns: number;
    try {
      ns = parseGoDuration(v);
    } catch {
      return fail(k, `must be a duration such as "100ms", "1.5s" or "2m" (got ${JSON.stringify(v)})`);
    }
    if (ns < 0) fail(k, `must not be negative (got ${JSON.stringify(v)})`);
    return ns / 1e6;
  };
  const statusCode = (k: string, def: number): number => int(k, def, 100, 599);
  const oneOf = <T extends string>(k: string, def: T, allowed: readonly T[]): T => {
    const v = get(k);
    if (v === undefined) return def;
    const t = v.trim().toLowerCase();
    if (!(allowed as readonly string[]).includes(t)) fail(k, `must be one of ${allowed.join(', ')} (got ${JSON.stringify(v)})`);
    return t as T;
  };

  const serverType = str('SERVER_TYPE', 'http').trim();
  if (serverType === 'grpc') {
    fail('SERVER_TYPE', 'grpc is not supported: only the http server is built in (set SERVER_TYPE=http or leave it unset)');
  }
  if (serverType !== 'http') fail('SERVER_TYPE', `must be http (got ${JSON.stringify(serverType)})`);

  const zipkin = get('TRACING_ZIPKIN');
  const config: FakeServiceConfig = {
    name: str('NAME', 'Service'),
    message: str('MESSAGE', 'Hello World'),
    owner: str('SERVICE_OWNER', ''),
    listen: parseListenAddress(str('LISTEN_ADDR', '0.0.0.0:9090')),
    serverType: 'http',
    upstreamUris: parseUpstreams(get('UPSTREAM_URIS') ?? ''),
    upstreamWorkers: int('UPSTREAM_WORKERS', 1, 1),
    errorRate: float('ERROR_RATE', 0, 0, 1),
    errorType: oneOf<ErrorType>('ERROR_TYPE', 'http_error', ['http_error', 'delay']),
    errorCode: statusCode('ERROR_CODE', 500),
    errorDelayMs: duration('ERROR_DELAY', 0),
    timing: {
      p50Ms: duration('TIMING_50_PERCENTILE', 0),
      p90Ms: duration('TIMING_90_PERCENTILE', 0),
      p99Ms: duration('TIMING_99_PERCENTILE', 0),
      variancePercent: int('TIMING_VARIANCE', 0, 0),
    },
    rateLimit: float('RATE_LIMIT', 0, 0),
    rateLimitCode: statusCode('RATE_LIMIT_CODE', 503),
    httpClient: {
      appendRequest: bool('HTTP_CLIENT_APPEND_REQUEST', true),
      keepAlives: bool('HTTP_CLIENT_KEEP_ALIVES', false),
      requestTimeoutMs: duration('HTTP_CLIENT_REQUEST_TIMEOUT', 30_000),
    },
    healthCheckCode: statusCode('HEALTH_CHECK_RESPONSE_CODE', 200),
    ready: {
      successCode: statusCode('READY_CHECK_RESPONSE_SUCCESS_CODE', 200),
      failureCode: statusCode('READY_CHECK_RESPONSE_FAILURE_CODE', 503),
      delayMs: duration('READY_CHECK_RESPONSE_DELAY', 0),
      rootPathWaitTillReady: bool('READY_CHECK_ROOT_PATH_WAIT_TILL_READY', false),
    },
    logFormat: oneOf<LogFormat>('LOG_FORMAT', 'text', ['text', 'json']),
    logLevel: oneOf<LogLevel>('LOG_LEVEL', 'info', LOG_LEVELS),
  };
  if (zipkin !== undefined) {
    if (!isHttpUrl(zipkin)) fail('TRACING_ZIPKIN', `must be an http(s) URL of a Zipkin collector (got ${JSON.stringify(zipkin)})`);
    config.tracingZipkin = zipkin;
  }
  return config;
}

/** "host:port" with the host optional (":9090") and IPv6 hosts in brackets ("[::1]:9090"). */
export function parseListenAddress(raw: string): ListenAddress {
  const t = raw.trim();
  const m = /^(?:\[([^\]]*)\]|([^:[\]]*)):([^:]*)$/.exec(t);
  if (!m) fail('LISTEN_ADDR', `must be host:port, e.g. 0.0.0.0:9090 (got ${JSON.stringify(raw)})`);
  const port = m[3]!;
  if (!/^\d+$/.test(port) || Number(port) > 65535) {
    fail('LISTEN_ADDR', `port must be a number from 0 to 65535 (got ${JSON.stringify(raw)})`);
  }
  return { host: m[1] ?? m[2] ?? '', port: Number(port), raw: t };
}

function parseUpstreams(list: string): string[] {
  const uris = list
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u !== '');
  for (const u of uris) {
    if (/^grpc:\/\//i.test(u) || !/^[a-z][a-z0-9+.-]*:\/\//i.test(u)) {
      fail('UPSTREAM_URIS', `${JSON.stringify(u)} is not an http:// URI; gRPC upstreams are not supported, only http`);
    }
    if (!/^http:\/\//i.test(u)) fail('UPSTREAM_URIS', `${JSON.stringify(u)}: only http:// upstreams are supported`);
    if (!isHttpUrl(u)) fail('UPSTREAM_URIS', `${JSON.stringify(u)} is not a valid URI`);
  }
  return uris;
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

function range(min: number, max: number, got: string): string {
  return max >= Number.MAX_SAFE_INTEGER ? `must be ${min} or more (got ${got})` : `must be between ${min} and ${max} (got ${got})`;
}

function fail(variable: string, message: string): never {
  throw new FakeServiceConfigError(variable, message);
}
