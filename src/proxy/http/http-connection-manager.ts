// The HTTP connection manager: one request from downstream to an upstream endpoint and back.
// Route -> cluster -> endpoint -> pooled connection; bodies are streamed, never buffered;
// telemetry is counted at the end and formatted later (on scrape, in batches for the access log).

import { request as h1request, type IncomingMessage, type ServerResponse, type OutgoingHttpHeaders } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse, ClientHttp2Stream, IncomingHttpHeaders as H2Headers } from 'node:http2';
import { performance } from 'node:perf_hooks';
import type { Socket } from 'node:net';
import { generateRequestId } from '../../telemetry/trace-headers.js';
import { upstreamFailure, type LocalReply } from '../errors/respond.js';
import type { ProxyState } from '../proxy-state.js';
import { PEER_METADATA, PEER_METADATA_ID } from './peer-metadata.js';
import { newExchange, routeRequest, sourceAddress, type ConnectionInfo, type Exchange } from './exchange.js';
import { RequestTelemetry } from './request-telemetry.js';
import type { RequestView } from '../routing/request-view.js';

export { matchRoute, matchVirtualHost, sourceAddress, type ConnectionInfo } from './exchange.js';
export { labelsOf } from './request-telemetry.js';

export type DownstreamRequest = IncomingMessage | Http2ServerRequest;
export type DownstreamResponse = ServerResponse | Http2ServerResponse;

export const CONNECTION_INFO = Symbol('weft.connectionInfo');

/** What an upstream exchange reports back, whether it went over HTTP/1.1 or HTTP/2. */
type OnUpstreamResponse = (status: number, headers: Record<string, string | string[] | undefined>, body: NodeJS.ReadableStream, abort: () => void) => void;
type OnUpstreamError = (err: NodeJS.ErrnoException, connected: boolean) => void;

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'http2-settings', 'host']);
const SERVER = 'istio-envoy';

export function connectionInfoOf(req: DownstreamRequest): ConnectionInfo | undefined {
  const sock = (req as Http2ServerRequest).stream ? (req as Http2ServerRequest).stream.session?.socket : (req as IncomingMessage).socket;
  return (sock as unknown as Record<symbol, ConnectionInfo | undefined> | undefined)?.[CONNECTION_INFO];
}

export class HttpConnectionManager {
  readonly telemetry: RequestTelemetry;

  constructor(private readonly state: ProxyState) {
    this.telemetry = new RequestTelemetry(state);
  }

  handle(req: DownstreamRequest, res: DownstreamResponse): void {
    const info = connectionInfoOf(req);
    if (!info) {
      res.destroy();
      return;
    }
    const isH2 = req.httpVersionMajor === 2;
    const headers = req.headers;
    const authority = String((isH2 ? headers[':authority'] : headers.host) ?? '');
    let requestId = headers['x-request-id'];
    if (typeof requestId !== 'string' || requestId === '') requestId = generateRequestId();
    const ex = newExchange(req.method ?? 'GET', req.url ?? '/', isH2 ? 'HTTP/2' : `HTTP/${req.httpVersion}`, authority, requestId, performance.now());
    if (typeof headers['user-agent'] === 'string') ex.userAgent = headers['user-agent'];
    if (typeof headers['x-forwarded-for'] === 'string') ex.forwardedFor = headers['x-forwarded-for'];
    if (typeof headers[PEER_METADATA] === 'string') ex.peerMetadata = headers[PEER_METADATA];
    ex.grpc = String(headers['content-type'] ?? '').startsWith('application/grpc');
    req.on('data', (d: Buffer) => (ex.bytesIn += d.length));
    res.on('close', () => {
      if (!ex.finished) {
        // Downstream went away before the response completed.
        ex.flags = ex.flags === '-' ? 'DC' : ex.flags;
        this.telemetry.finish(info, ex);
      }
    });

    const view: RequestView = {
      method: ex.method,
      path: ex.path,
      authority,
      scheme: 'http',
      header: (name) => {
        const v = headers[name];
        return Array.isArray(v) ? v.join(',') : v;
      },
    };
    const decision = routeRequest(this.state, info, ex, view);
    if ('reply' in decision) {
      this.localReply(info, ex, req, res, decision.reply);
      return;
    }
    const target = decision.target;
    const decorator = decision.decorator;
    const cluster = ex.cluster!;

    const out = upstreamHeaders(headers, info, requestId, this.state);
    const upstreamH2 = cluster.protocol === 'http2' || (cluster.protocol === 'auto' && isH2);
    const host = ex.host;
    let released = false;
    const release = () => {
      if (host && !released) host.active--;
      released = true;
    };
    if (host) host.active++;
    const upstreamStart = performance.now();
    const onResponse = (status: number, upHeaders: Record<string, string | string[] | undefined>, body: NodeJS.ReadableStream, abortUpstream: () => void) => {
      ex.upstreamServiceTime = Math.round(performance.now() - upstreamStart);
      ex.status = status;
      ex.details = 'via_upstream';
      const h = responseHeaders(upHeaders, isH2, info, this.state, ex.upstreamServiceTime, decorator);
      try {
        res.writeHead(status, h as OutgoingHttpHeaders);
      } catch {
        abortUpstream();
        return;
      }
      body.on('data', (d: Buffer) => (ex.bytesOut += d.length));
      body.on('error', () => {
        ex.flags = 'UC';
        res.destroy();
      });
      body.on('end', release);
      body.on('close', release);
      body.pipe(res as unknown as NodeJS.WritableStream);
      res.on('finish', () => this.telemetry.finish(info, ex));
    };
    const onError = (err: NodeJS.ErrnoException, connected: boolean) => {
      release();
      if (res.headersSent) {
        ex.flags = 'UC';
        res.destroy();
        return;
      }
      this.localReply(info, ex, req, res, upstreamFailure(err, connected));
    };

    if (upstreamH2) this.forwardH2(req, target, out, ex, onResponse, onError);
    else this.forwardH1(req, target, out, ex, onResponse, onError);
  }

  private forwardH1(
    req: DownstreamRequest,
    target: { host: string; port: number },
    headers: Record<string, string | string[]>,
    ex: Exchange,
    onResponse: OnUpstreamResponse,
    onError: OnUpstreamError,
  ): void {
    headers.host = ex.authority;
    const agent = ex.cluster?.kind === 'passthrough' ? this.state.clusters.passthroughAgent() : this.state.clusters.agentFor(`${target.host}:${target.port}`);
    let connected = false;
    const up = h1request({ host: target.host, port: target.port, method: ex.method, path: ex.path, headers, agent, setHost: false, ...sourceAddress(target.host, this.state.podIP) });
    up.on('socket', (s: Socket) => {
      const mark = () => {
        connected = true;
        ex.upstreamLocal = `${s.localAddress}:${s.localPort}`;
      };
      if (s.connecting) s.once('connect', mark);
      else mark();
    });
    up.on('response', (r) => onResponse(r.statusCode ?? 502, r.headers, r, () => up.destroy()));
    up.on('error', (err: NodeJS.ErrnoException) => onError(err, connected));
    (req as NodeJS.ReadableStream).pipe(up);
    req.on('aborted', () => up.destroy());
  }

  private forwardH2(
    req: DownstreamRequest,
    target: { host: string; port: number },
    headers: Record<string, string | string[]>,
    ex: Exchange,
    onResponse: OnUpstreamResponse,
    onError: OnUpstreamError,
  ): void {
    const session = this.state.clusters.sessionFor(target.host, target.port, sourceAddress(target.host, this.state.podIP).localAddress);
    const h: Record<string, string | string[]> = { ...headers, ':method': ex.method, ':path': ex.path, ':authority': ex.authority, ':scheme': 'http' };
    let stream: ClientHttp2Stream;
    try {
      stream = session.request(h, { endStream: false });
    } catch (err) {
      onError(err as NodeJS.ErrnoException, false);
      return;
    }
    let responded = false;
    let failed = false;
    const connected = () => !session.connecting;
    const fail = (err: NodeJS.ErrnoException) => {
      // A failed stream reports 'error' and then 'close': answer once.
      if (responded || failed) return;
      failed = true;
      onError(err, connected());
    };
    stream.on('response', (rh: H2Headers) => {
      responded = true;
      const sock = session.socket;
      if (sock) ex.upstreamLocal = `${sock.localAddress}:${sock.localPort}`;
      const status = Number(rh[':status'] ?? 502);
      onResponse(status, rh, stream, () => stream.close());
    });
    stream.on('error', fail);
    stream.on('close', () => fail(Object.assign(new Error('stream closed'), { code: 'ECONNRESET' })));
    (req as NodeJS.ReadableStream).pipe(stream);
  }

  private localReply(info: ConnectionInfo, ex: Exchange, req: DownstreamRequest, res: DownstreamResponse, r: LocalReply): void {
    ex.status = r.status;
    ex.flags = r.flag;
    ex.details = r.details;
    if (!res.headersSent) {
      const body = Buffer.from(r.body);
      res.writeHead(r.status, { 'content-length': String(body.length), 'content-type': 'text/plain', date: new Date().toUTCString(), server: SERVER });
      ex.bytesOut = body.length;
      res.end(body);
    }
    // Drain what the client still sends so the connection stays usable.
    (req as NodeJS.ReadableStream).resume();
    if (res.writableFinished) this.telemetry.finish(info, ex);
    else res.once('finish', () => this.telemetry.finish(info, ex));
  }

  /** Drops cached label sets (after a push changes workloads). */
  reset(): void {
    this.telemetry.reset();
  }
}

function upstreamHeaders(h: DownstreamRequest['headers'], info: ConnectionInfo, requestId: string, state: ProxyState): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const k in h) {
    if (k.charCodeAt(0) === 58 /* ':' */ || HOP_BY_HOP.has(k)) continue;
    const v = h[k];
    if (v !== undefined) out[k] = v;
  }
  out['x-request-id'] = requestId;
  if (out['x-forwarded-proto'] === undefined) out['x-forwarded-proto'] = 'http';
  if (info.direction === 'inbound') {
    delete out[PEER_METADATA];
    delete out[PEER_METADATA_ID];
  } else {
    out[PEER_METADATA] = state.peerMetadata;
    out[PEER_METADATA_ID] = state.nodeId;
    // Envoy's include_request_attempt_count, on in Istio's outbound and gateway virtual hosts; no retry
    // policy here, so always the first attempt.
    out['x-envoy-attempt-count'] = '1';
  }
  return out;
}

function responseHeaders(
  up: Record<string, string | string[] | undefined>,
  downstreamH2: boolean,
  info: ConnectionInfo,
  state: ProxyState,
  serviceTime: number,
  decorator: string | undefined,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const k in up) {
    if (k.charCodeAt(0) === 58 || HOP_BY_HOP.has(k)) continue;
    if (downstreamH2 && (k === 'keep-alive' || k === 'connection')) continue;
    const v = up[k];
    if (v !== undefined) out[k] = v;
  }
  out['x-envoy-upstream-service-time'] = String(serviceTime);
  out.server = SERVER;
  if (info.direction === 'inbound') {
    out[PEER_METADATA] = state.peerMetadata;
    out[PEER_METADATA_ID] = state.nodeId;
    if (decorator) out['x-envoy-decorator-operation'] = decorator;
  } else {
    delete out[PEER_METADATA];
    delete out[PEER_METADATA_ID];
  }
  return out;
}
