// The HTTP connection manager: one request from downstream to an upstream endpoint and back.
// Route -> cluster -> endpoint -> pooled connection; bodies are streamed, never buffered;
// telemetry is counted at the end and formatted later (on scrape, in batches for the access log).

import { request as h1request, type IncomingMessage, type ServerResponse, type OutgoingHttpHeaders } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse, ClientHttp2Stream, IncomingHttpHeaders as H2Headers } from 'node:http2';
import { performance } from 'node:perf_hooks';
import type { Socket } from 'node:net';
import { PASSTHROUGH_CLUSTER, type Cluster, type Endpoint, type RouteConfig, type ServiceRef, type VirtualHost, type Route } from '../../xds/proxy-config.js';
import type { WorkloadLabels } from '../../telemetry/labels.js';
import { unknownWorkload } from '../../telemetry/labels.js';
import { generateRequestId } from '../../telemetry/trace-headers.js';
import type { RequestSeries } from '../../telemetry/istio-metrics.js';
import { localReplies, upstreamFailure, type LocalReply } from '../errors/respond.js';
import type { ProxyState } from '../proxy-state.js';
import type { HostState } from '../upstream/load-balancer.js';
import { decodePeerMetadata, PEER_METADATA, PEER_METADATA_ID } from './peer-metadata.js';

export type DownstreamRequest = IncomingMessage | Http2ServerRequest;
export type DownstreamResponse = ServerResponse | Http2ServerResponse;

/** What a listener knows about a downstream connection. */
export interface ConnectionInfo {
  direction: 'inbound' | 'outbound' | 'gateway';
  /** Outbound: the address the app asked for (a service address, or anything else). */
  originalDestination?: { host: string; port: number };
  /** Route configuration for outbound (by port) and gateway listeners. */
  routeName?: string;
  /** Inbound: the cluster that reaches the app, and the service the port serves. */
  inboundCluster?: string;
  inboundService?: ServiceRef;
  /** Address the connection arrived at, for the access log. */
  localAddress: string;
  remoteAddress: string;
}

export const CONNECTION_INFO = Symbol('weft.connectionInfo');

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'http2-settings', 'host']);
const SERVER = 'istio-envoy';

interface Exchange {
  startTime: number;
  t0: number;
  method: string;
  path: string;
  protocol: string;
  authority: string;
  requestId: string;
  routeName: string;
  cluster?: Cluster;
  host?: HostState;
  upstreamHost: string;
  upstreamLocal: string;
  upstreamServiceTime?: number;
  status: number;
  flags: string;
  details: string;
  bytesIn: number;
  bytesOut: number;
  finished: boolean;
}

export function connectionInfoOf(req: DownstreamRequest): ConnectionInfo | undefined {
  const sock = (req as Http2ServerRequest).stream ? (req as Http2ServerRequest).stream.session?.socket : (req as IncomingMessage).socket;
  return (sock as unknown as Record<symbol, ConnectionInfo | undefined> | undefined)?.[CONNECTION_INFO];
}

export function matchVirtualHost(rc: RouteConfig | undefined, authority: string): VirtualHost | undefined {
  if (!rc) return undefined;
  const host = authority.toLowerCase();
  const bare = host.replace(/:\d+$/, '');
  let wildcard: VirtualHost | undefined;
  for (const vh of rc.virtualHosts) {
    for (const d of vh.domains) {
      if (d === host || d === bare) return vh;
      if (d === '*') wildcard ??= vh;
      else if (d.startsWith('*.') && bare.endsWith(d.slice(1))) wildcard ??= vh;
    }
  }
  return wildcard;
}

export function matchRoute(vh: VirtualHost, path: string): Route | undefined {
  for (const r of vh.routes) if (path.startsWith(r.match.prefix)) return r;
  return undefined;
}

export class HttpConnectionManager {
  private readonly seriesCache = new Map<string, RequestSeries>();

  constructor(private readonly state: ProxyState) {}

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
    const ex: Exchange = {
      startTime: Date.now(),
      t0: performance.now(),
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      protocol: isH2 ? 'HTTP/2' : `HTTP/${req.httpVersion}`,
      authority,
      requestId,
      routeName: '-',
      upstreamHost: '-',
      upstreamLocal: '-',
      status: 0,
      flags: '-',
      details: '-',
      bytesIn: 0,
      bytesOut: 0,
      finished: false,
    };
    req.on('data', (d: Buffer) => (ex.bytesIn += d.length));
    res.on('close', () => {
      if (!ex.finished) {
        // Downstream went away before the response completed.
        ex.flags = ex.flags === '-' ? 'DC' : ex.flags;
        this.finish(info, ex, req);
      }
    });

    const config = this.state.config;
    let clusterName: string | undefined;
    let decorator: string | undefined;
    if (info.direction === 'inbound') {
      clusterName = info.inboundCluster;
      ex.routeName = 'default';
      decorator = info.inboundService ? `${info.inboundService.host}:${info.inboundService.port}/*` : undefined;
    } else {
      const vh = matchVirtualHost(config?.routes[info.routeName ?? ''], authority);
      if (!vh) {
        if (info.direction === 'outbound' && config?.outbound.policy !== 'REGISTRY_ONLY' && info.originalDestination) {
          clusterName = PASSTHROUGH_CLUSTER;
          ex.routeName = 'allow_any';
        } else {
          this.localReply(info, ex, req, res, localReplies.noRoute());
          return;
        }
      } else {
        const route = matchRoute(vh, ex.path);
        if (!route) {
          this.localReply(info, ex, req, res, localReplies.noRoute());
          return;
        }
        clusterName = route.action.cluster;
        ex.routeName = route.name;
        decorator = route.decorator;
      }
    }

    let target: { host: string; port: number } | undefined;
    if (clusterName === PASSTHROUGH_CLUSTER) {
      target = info.originalDestination;
      ex.cluster = { name: PASSTHROUGH_CLUSTER, kind: 'passthrough', protocol: 'auto', lb: 'PASSTHROUGH', connectTimeoutMs: 10_000, endpoints: [] };
    } else {
      const cs = clusterName ? this.state.clusters.get(clusterName) : undefined;
      if (!cs) {
        this.localReply(info, ex, req, res, localReplies.noRoute());
        return;
      }
      ex.cluster = cs.config;
      const host = this.state.clusters.pick(cs);
      if (!host) {
        this.localReply(info, ex, req, res, localReplies.noHealthyUpstream());
        return;
      }
      ex.host = host;
      target = { host: host.endpoint.address, port: host.endpoint.port };
    }
    if (!target) {
      this.localReply(info, ex, req, res, localReplies.noRoute());
      return;
    }
    ex.upstreamHost = `${target.host}:${target.port}`;

    const out = upstreamHeaders(headers, info, requestId, this.state);
    const upstreamH2 = ex.cluster.protocol === 'http2' || (ex.cluster.protocol === 'auto' && isH2);
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
      res.on('finish', () => this.finish(info, ex, req));
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
    onResponse: (status: number, h: Record<string, string | string[] | undefined>, body: NodeJS.ReadableStream, abort: () => void) => void,
    onError: (err: NodeJS.ErrnoException, connected: boolean) => void,
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
    onResponse: (status: number, h: Record<string, string | string[] | undefined>, body: NodeJS.ReadableStream, abort: () => void) => void,
    onError: (err: NodeJS.ErrnoException, connected: boolean) => void,
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
    const connected = () => !session.connecting;
    stream.on('response', (rh: H2Headers) => {
      responded = true;
      const sock = session.socket;
      if (sock) ex.upstreamLocal = `${sock.localAddress}:${sock.localPort}`;
      const status = Number(rh[':status'] ?? 502);
      onResponse(status, rh, stream, () => stream.close());
    });
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (!responded) onError(err, connected());
    });
    stream.on('close', () => {
      if (!responded) onError(Object.assign(new Error('stream closed'), { code: 'ECONNRESET' }), connected());
    });
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
    if (res.writableFinished) this.finish(info, ex, req);
    else res.once('finish', () => this.finish(info, ex, req));
  }

  private finish(info: ConnectionInfo, ex: Exchange, req: DownstreamRequest): void {
    if (ex.finished) return;
    ex.finished = true;
    const durationMs = Math.round(performance.now() - ex.t0);
    const series = this.series(info, ex, req);
    this.state.metrics.recordRequest(series, ex.status, ex.flags, durationMs, ex.bytesIn, ex.bytesOut);
    const h = req.headers;
    this.state.accessLog.log({
      startTime: ex.startTime,
      method: ex.method,
      path: ex.path,
      protocol: ex.protocol,
      responseCode: ex.status,
      responseFlags: ex.flags,
      responseCodeDetails: ex.details,
      bytesReceived: ex.bytesIn,
      bytesSent: ex.bytesOut,
      durationMs,
      ...(ex.upstreamServiceTime !== undefined ? { upstreamServiceTimeMs: ex.upstreamServiceTime } : {}),
      ...(typeof h['x-forwarded-for'] === 'string' ? { xForwardedFor: h['x-forwarded-for'] } : {}),
      ...(typeof h['user-agent'] === 'string' ? { userAgent: h['user-agent'] } : {}),
      requestId: ex.requestId,
      authority: ex.authority,
      upstreamHost: ex.upstreamHost,
      ...(ex.cluster ? { upstreamCluster: ex.cluster.name } : {}),
      upstreamLocalAddress: ex.upstreamLocal,
      downstreamLocalAddress: info.localAddress,
      downstreamRemoteAddress: info.remoteAddress,
      routeName: ex.routeName,
    });
  }

  /** The label set for this request, built once per (direction, peer, cluster) and reused. */
  private series(info: ConnectionInfo, ex: Exchange, req: DownstreamRequest): RequestSeries {
    const self = this.state.config?.self;
    const protocol = String(req.headers['content-type'] ?? '').startsWith('application/grpc') ? 'grpc' : 'http';
    if (info.direction === 'inbound') {
      const peerHeader = req.headers[PEER_METADATA] as string | undefined;
      const key = `in|${info.inboundCluster}|${peerHeader ?? ''}`;
      let s = this.seriesCache.get(key);
      if (!s) {
        const source = decodePeerMetadata(peerHeader);
        s = this.state.metrics.prepare({
          reporter: 'destination',
          source,
          destination: labelsOf(self),
          destinationService: serviceLabels(info.inboundService),
          requestProtocol: protocol,
          connectionSecurityPolicy: 'none',
        });
        this.seriesCache.set(key, s);
      }
      return s;
    }
    const dest = ex.host?.endpoint;
    const key = `out|${ex.cluster?.name ?? '-'}|${dest ? `${dest.address}:${dest.port}|${dest.workload.podName}` : ex.authority}`;
    let s = this.seriesCache.get(key);
    if (!s) {
      s = this.state.metrics.prepare({
        reporter: 'source',
        source: labelsOf(self),
        destination: dest ? labelsOf(dest.workload) : unknownWorkload(),
        destinationService: ex.cluster?.service
          ? serviceLabels(ex.cluster.service)
          : { service: ex.authority.replace(/:\d+$/, '') || 'unknown', serviceName: ex.cluster?.name ?? 'unknown', serviceNamespace: 'unknown' },
        requestProtocol: protocol,
        connectionSecurityPolicy: 'unknown',
      });
      if (this.seriesCache.size > 10_000) this.seriesCache.clear();
      this.seriesCache.set(key, s);
    }
    return s;
  }

  /** Drops cached label sets (after a push changes workloads). */
  reset(): void {
    this.seriesCache.clear();
  }
}

/** Connections to pods leave from this pod's address, as they would from its network namespace. */
export function sourceAddress(host: string, podIP: string): { localAddress?: string } {
  return host.startsWith('127.') && podIP.startsWith('127.') ? { localAddress: podIP } : {};
}

export function labelsOf(meta: Endpoint['workload'] | undefined): WorkloadLabels {
  if (!meta) return unknownWorkload();
  return {
    workload: meta.workload,
    workloadNamespace: meta.namespace,
    principal: 'unknown',
    app: meta.app,
    version: meta.version,
    canonicalService: meta.canonicalService,
    canonicalRevision: meta.canonicalRevision,
    cluster: meta.cluster,
  };
}

function serviceLabels(s: ServiceRef | undefined) {
  if (!s) return { service: 'unknown', serviceName: 'unknown', serviceNamespace: 'unknown' };
  return { service: s.host, serviceName: s.name, serviceNamespace: s.namespace };
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
