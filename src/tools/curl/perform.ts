// One command-line URL from start to finish: the request, any redirects
// (-L), -f, -m, -i/-I/-D output, and everything -w reports afterwards.

import zlib from 'node:zlib';
import { openConnection, ConnectionPool, type Connection } from './connect.js';
import { CurlCode, CurlError } from './curl-error.js';
import type { CurlOptions, HttpVersion } from './curl-options.js';
import { parseCurlUrl, resolveLocation, withQuery, type CurlUrl } from './curl-url.js';
import type { BodyAction, ExchangeOutcome, ExchangeRequest, ResponseHandler } from './exchange.js';
import { exchangeHttp1 } from './http1-exchange.js';
import { exchangeHttp2 } from './http2-exchange.js';
import { field, type ResponseHead } from './http1-parser.js';
import type { OutputSink } from './output-sink.js';
import type { ProgressMeter } from './progress-meter.js';
import type { RequestPayload } from './request-data.js';
import { buildHeaderLines, type RequestSpec } from './request-head.js';
import { connectTarget } from './connect-to.js';
import { lookupResolve, parseResolveEntries, type ResolveEntry } from './resolve-entries.js';
import type { TlsSettings } from './tls-layer.js';
import type { Trace } from './trace.js';
import { emptyTransferInfo, type TransferInfo } from './write-out.js';

export interface PerformEnv {
  opts: CurlOptions;
  payload: RequestPayload;
  trace: Trace;
  meter: ProgressMeter;
  pool: ConnectionPool;
  /** The body, and with -i/-I the headers too. */
  sink: OutputSink;
  /** -D destination. */
  dumpHeader?: OutputSink;
  defaultUserAgent: string;
}

export interface PerformResult {
  info: TransferInfo;
  error?: CurlError;
  /** Seconds from a Retry-After header, for --retry. */
  retryAfter?: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** What --compressed asks for: only encodings this Node can decode. */
const ACCEPT_ENCODING = typeof (zlib as { zstdDecompressSync?: unknown }).zstdDecompressSync === 'function'
  ? 'deflate, gzip, br, zstd'
  : 'deflate, gzip, br';
/** curl holds a POST body back for a 100 Continue only above this size; PUT always. */
const EXPECT_THRESHOLD = 1024 * 1024;
const DEFAULT_CONNECT_TIMEOUT_MS = 300_000;

const seconds = (from: bigint, to: bigint = process.hrtime.bigint()): number => Number(to - from) / 1e9;

function alpnFor(version: HttpVersion): string[] {
  switch (version) {
    case '1.0':
      return ['http/1.0'];
    case '1.1':
      return ['http/1.1'];
    case '2-prior-knowledge':
      return ['h2'];
    default:
      return ['h2', 'http/1.1'];
  }
}

function decodeBody(encoding: string, body: Buffer): Buffer {
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.gunzipSync(body);
    case 'deflate':
      try {
        return zlib.inflateSync(body);
      } catch {
        return zlib.inflateRawSync(body);
      }
    case 'br':
      return zlib.brotliDecompressSync(body);
    default:
      return body;
  }
}

/** Adds the -T file name to a URL whose path ends in '/', as curl does. */
function withUploadName(url: string, name: string): string {
  const cut = url.search(/[?#]/);
  const base = cut === -1 ? url : url.slice(0, cut);
  const rest = cut === -1 ? '' : url.slice(cut);
  const hasPath = /^([A-Za-z][A-Za-z0-9+.-]*:\/{1,3})?[^/]*\//.test(base);
  if (!hasPath) return `${base}/${encodeURIComponent(name)}${rest}`;
  return base.endsWith('/') ? `${base}${encodeURIComponent(name)}${rest}` : url;
}

export async function perform(env: PerformEnv, rawUrl: string, urlNum: number): Promise<PerformResult> {
  const { opts, trace, meter, pool, payload } = env;
  const info = emptyTransferInfo(rawUrl, urlNum);
  info.fileName = env.sink.fileName;
  const started = process.hrtime.bigint();

  let url: CurlUrl;
  try {
    let text = rawUrl;
    // curl re-escapes the query it builds for -G, which lowercases the hex digits.
    if (opts.get && payload.data) {
      text = withQuery(text, payload.data.toString('latin1').replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
    }
    if (payload.upload) text = withUploadName(text, payload.upload.name);
    url = parseCurlUrl(text, opts.pathAsIs);
  } catch (err) {
    const error = err as CurlError;
    info.exitCode = error.exitCode;
    info.errorMessage = error.message;
    return { info, error };
  }
  info.urlEffective = url.effective;
  info.scheme = url.scheme.toUpperCase();

  const resolveTable: ResolveEntry[] = parseResolveEntries(opts.resolve, trace);

  // Request state that redirects may change.
  let method: string;
  let body: Buffer | undefined;
  let contentType: string | undefined;
  if (opts.head) {
    method = 'HEAD';
  } else if (payload.upload) {
    method = 'PUT';
    body = payload.upload.body;
  } else if (payload.form) {
    method = 'POST';
    body = payload.form.body;
    contentType = payload.form.contentType;
  } else if (payload.data && !opts.get) {
    method = 'POST';
    body = payload.data;
    contentType = payload.json ? undefined : 'application/x-www-form-urlencoded';
  } else {
    method = 'GET';
  }
  const firstHost = `${url.host.toLowerCase()}:${url.port}`;

  let conn: Connection | undefined;
  let connId: number | undefined;
  let requestStart = started;
  let bodyBytes = 0;
  let expectedBytes: number | undefined;
  let expired: CurlError | undefined;
  let retryAfter: number | undefined;

  const timer =
    opts.maxTime !== undefined
      ? setTimeout(
          () => {
            const ms = Math.floor(seconds(started) * 1000);
            const of = expectedBytes !== undefined ? ` out of ${expectedBytes}` : '';
            expired = new CurlError(
              CurlCode.OPERATION_TIMEDOUT,
              `Operation timed out after ${ms} milliseconds with ${bodyBytes}${of} bytes received`,
            );
            // Connecting has its own clock and message; only a live transfer is cut here.
            conn?.socket.destroy();
          },
          Math.ceil(opts.maxTime * 1000),
        )
      : undefined;
  const remainingMs = (): number =>
    opts.maxTime === undefined ? Infinity : opts.maxTime * 1000 - seconds(started) * 1000;

  meter.begin();
  try {
    for (;;) {
      requestStart = process.hrtime.bigint();
      info.method = opts.method ?? method;
      bodyBytes = 0;
      expectedBytes = undefined;
      const sameHost = `${url.host.toLowerCase()}:${url.port}` === firstHost;
      const otherHost = !sameHost && !opts.locationTrusted;

      let basicAuth: string | undefined;
      if (!otherHost) {
        if (opts.user !== undefined) basicAuth = opts.user.includes(':') ? opts.user : `${opts.user}:`;
        else if (url.user !== undefined) basicAuth = `${url.user}:${url.password ?? ''}`;
      }

      const spec: RequestSpec = {
        method: opts.method ?? method,
        url,
        userAgent: opts.userAgent ?? env.defaultUserAgent,
        basicAuth,
        bearer: otherHost ? undefined : opts.oauth2Bearer,
        range: opts.range,
        referer: opts.referer,
        cookie: opts.cookie?.includes('=') ? opts.cookie : undefined,
        acceptEncoding: opts.compressed ? ACCEPT_ENCODING : undefined,
        accept: '*/*',
        // --json adds its two headers the way -H would, ahead of the user's own.
        customHeaders: payload.json
          ? ['Content-Type: application/json', 'Accept: application/json', ...opts.headers]
          : opts.headers,
        otherHost: !sameHost,
        body,
        contentType,
        expectContinue: false,
      };
      const http1Version = opts.httpVersion === '1.0' ? '1.0' : '1.1';

      // Connection: reuse a kept-alive one or open a new one.
      const alpn = opts.alpn ? alpnFor(opts.httpVersion) : [];
      const tls: TlsSettings | undefined =
        url.scheme === 'https'
          ? {
              insecure: opts.insecure,
              cacert: opts.cacert,
              cert: opts.cert,
              key: opts.key,
              minVersion: opts.tlsMin,
              maxVersion: opts.tlsMax,
              alpn,
            }
          : undefined;
      const target = connectTarget(opts.connectTo, url, trace);
      const resolvedAddress = lookupResolve(resolveTable, target.host, target.port);
      const priorKnowledge = opts.httpVersion === '2-prior-knowledge' && url.scheme === 'http';
      const key = ConnectionPool.key(url, target.host, target.port, resolvedAddress, tls ? alpn : []);

      const connectFresh = async (): Promise<Connection> => {
        connId = pool.allocateId();
        const limit = Math.min(
          opts.connectTimeout !== undefined ? opts.connectTimeout * 1000 : DEFAULT_CONNECT_TIMEOUT_MS,
          remainingMs(),
        );
        const fresh = await openConnection(
          {
            url,
            host: target.host,
            port: target.port,
            resolvedAddress,
            family: opts.ipFamily,
            tls,
            timeoutMs: limit,
            startedAt: requestStart,
          },
          connId,
          pool,
          trace,
        );
        info.numConnects++;
        return fresh;
      };

      let reused = false;
      const idle = priorKnowledge ? undefined : pool.take(key);
      if (idle) {
        conn = idle;
        connId = idle.id;
        reused = true;
        trace.info(`Re-using existing connection #${idle.id} with host ${url.host}`);
      } else {
        conn = await connectFresh();
      }
      if (expired) throw expired;

      let http2 = priorKnowledge || conn.alpn === 'h2';
      spec.expectContinue =
        !http2 &&
        http1Version === '1.1' &&
        body !== undefined &&
        body.length > 0 &&
        (method === 'PUT' || body.length > EXPECT_THRESHOLD);
      const lines = buildHeaderLines(spec);
      // A -H Expect (or its removal) decides whether the body really waits.
      spec.expectContinue =
        !http2 && body !== undefined && lines.some((l) => /^expect$/i.test(l.name) && /100-continue/i.test(l.value));
      const request: ExchangeRequest = {
        spec,
        lines,
        headOnly: method === 'HEAD',
        http1Version,
        upload: method === 'PUT' && payload.upload !== undefined,
      };
      if (tls && !reused) trace.info(http2 ? 'using HTTP/2' : `using HTTP/${http1Version}`);
      if (basicAuth !== undefined) trace.info(`Server auth using Basic with user '${basicAuth.slice(0, basicAuth.indexOf(':'))}'`);

      // The response, as it arrives.
      let finalHead: ResponseHead | undefined;
      let following: string | undefined;
      let failed = false;
      const compressed: Buffer[] = [];
      let encoding = '';

      const writeHead = async (head: ResponseHead): Promise<void> => {
        const text = Buffer.from(head.lines.join(''), 'latin1');
        if (opts.include || opts.head) await env.sink.write(text);
        if (env.dumpHeader) await env.dumpHeader.write(text);
        info.sizeHeader += head.size;
      };

      const handler: ResponseHandler = {
        onRequestSent: (bytes) => {
          info.sizeRequest += bytes;
          info.sizeUpload += body?.length ?? 0;
          info.timePreTransfer = seconds(started);
        },
        onHead: async (head, final): Promise<BodyAction> => {
          if (info.timeStartTransfer === 0 || final) info.timeStartTransfer = seconds(started);
          await writeHead(head);
          if (!final) return 'discard';
          finalHead = head;
          info.httpCode = head.status;
          info.httpVersion = head.version === '1.0' ? '1' : head.version;
          info.contentType = field(head, 'content-type');
          info.headers = head.fields;
          info.numHeaders = head.fields.length;
          const retry = field(head, 'retry-after');
          retryAfter = retry !== undefined && /^\d+$/.test(retry) ? Number(retry) : undefined;

          const location = field(head, 'location');
          if (location !== undefined && REDIRECTS.has(head.status)) {
            const target = resolveLocation(url, location);
            if (opts.location) {
              following = target;
              if (method !== 'HEAD') trace.info('Ignoring the response-body');
              return 'discard';
            }
            info.redirectUrl = target;
          }
          if ((opts.fail || opts.failWithBody) && head.status >= 400) {
            failed = true;
            if (!opts.failWithBody) return 'stop';
          }
          const length = field(head, 'content-length');
          if (length !== undefined && /^\d+$/.test(length) && method !== 'HEAD') {
            expectedBytes = Number(length);
            meter.setDownloadSize(expectedBytes);
          }
          if (opts.compressed) encoding = (field(head, 'content-encoding') ?? '').toLowerCase().trim();
          return 'deliver';
        },
        onBody: async (chunk) => {
          bodyBytes += chunk.length;
          info.sizeDownload += chunk.length;
          meter.addDownloaded(chunk.length);
          if (encoding && encoding !== 'identity') compressed.push(chunk);
          else await env.sink.write(chunk);
        },
      };

      const run = (c: Connection): Promise<ExchangeOutcome> =>
        http2 ? exchangeHttp2(c, request, handler, { trace, meter }) : exchangeHttp1(c, request, handler, { trace, meter });

      let outcome: ExchangeOutcome;
      try {
        outcome = await run(conn);
      } catch (err) {
        // A kept-alive connection the server already dropped: curl silently tries a fresh one.
        const retryable =
          reused &&
          finalHead === undefined &&
          err instanceof CurlError &&
          [CurlCode.GOT_NOTHING, CurlCode.RECV_ERROR, CurlCode.SEND_ERROR].includes(err.exitCode as 52 | 55 | 56);
        if (!retryable || expired) throw err;
        conn.socket.destroy();
        trace.info('Connection died, retrying a fresh connect (retry count: 1)');
        conn = undefined;
        conn = await connectFresh();
        http2 = conn.alpn === 'h2';
        outcome = await run(conn);
      }
      if (expired) throw expired;

      if (compressed.length > 0) {
        let decoded: Buffer;
        try {
          decoded = decodeBody(encoding, Buffer.concat(compressed));
        } catch (err) {
          throw new CurlError(
            CurlCode.BAD_CONTENT_ENCODING,
            `Error while processing content unencoding: ${(err as Error).message}`,
          );
        }
        await env.sink.write(decoded);
      }

      info.remoteIp = conn.remoteIp;
      info.remotePort = conn.remotePort;
      info.localIp = conn.localIp;
      info.localPort = conn.localPort;
      info.sslVerifyResult = conn.verifyResult;
      if (!reused) {
        info.timeNameLookup = conn.timeNameLookup + seconds(started, requestStart);
        info.timeConnect = conn.timeConnect + seconds(started, requestStart);
        info.timeAppConnect = conn.timeAppConnect > 0 ? conn.timeAppConnect + seconds(started, requestStart) : 0;
      }

      if (failed && finalHead) {
        throw new CurlError(CurlCode.HTTP_RETURNED_ERROR, `The requested URL returned error: ${finalHead.status}`);
      }

      const keep = outcome.reusable && !http2;
      const finishRequest = (): void => {
        meter.finish();
        if (keep && conn) {
          pool.keep(conn);
          trace.info(`Connection #${conn.id} to host ${conn.hostName} left intact`);
        } else if (http2 && conn) {
          trace.info(`Connection #${conn.id} to host ${conn.hostName} left intact`);
          conn.socket.destroy();
        } else if (conn) {
          trace.info(`Closing connection ${conn.id}`);
          conn.socket.destroy();
        }
      };

      if (following === undefined) {
        finishRequest();
        info.timeTotal = seconds(started);
        return { info, retryAfter };
      }

      if (opts.maxRedirs !== -1 && info.numRedirects >= opts.maxRedirs) {
        throw new CurlError(CurlCode.TOO_MANY_REDIRECTS, `Maximum (${opts.maxRedirs}) redirects followed`);
      }
      finishRequest();
      conn = undefined;
      info.numRedirects++;
      trace.info(`Issue another request to this URL: '${following}'`);
      const status = finalHead?.status ?? 0;
      if ((status === 303 && method !== 'HEAD') || ((status === 301 || status === 302) && method === 'POST')) {
        if (method !== 'GET') trace.info(`Switch from ${method} to GET`);
        method = 'GET';
        body = undefined;
        contentType = undefined;
      }
      url = parseCurlUrl(following, opts.pathAsIs);
      info.urlEffective = url.effective;
      info.scheme = url.scheme.toUpperCase();
      info.timeRedirect = seconds(started);
      meter.begin();
    }
  } catch (err) {
    const error =
      expired && !(err instanceof CurlError && err.exitCode === CurlCode.OPERATION_TIMEDOUT)
        ? expired
        : err instanceof CurlError
          ? err
          : new CurlError(CurlCode.RECV_ERROR, `Recv failure: ${(err as Error).message}`);
    trace.info(error.message);
    if (error.exitCode === CurlCode.COULDNT_RESOLVE_HOST) meter.stop();
    else meter.finish();
    if (connId !== undefined) trace.info(`Closing connection ${connId}`);
    conn?.socket.destroy();
    if (conn) {
      info.remoteIp = conn.remoteIp;
      info.remotePort = conn.remotePort;
      info.localIp = conn.localIp;
      info.localPort = conn.localPort;
    }
    info.exitCode = error.exitCode;
    info.errorMessage = error.message;
    info.timeTotal = seconds(started);
    return { info, error, retryAfter };
  } finally {
    clearTimeout(timer);
    meter.stop();
  }
}
