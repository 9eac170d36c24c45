// One request and its response, independent of the codec that carries them: the codec feeds request
// headers and body in (decode), the chain's filters see them in order and the router sends them
// upstream; the upstream's response (or a local reply) goes back through the filters (encode) to the
// codec. One phase field says where the exchange is; the Exchange is what telemetry records.

import { performance } from 'node:perf_hooks';
import type { HeaderView } from '../codec/header-view.js';
import { sendLocalReply, upstreamFailure, type LocalReply, type LocalReplyStream } from '../local-reply/local-reply.js';
import type { ProxyState } from '../proxy-state.js';
import type { UpstreamCallbacks, UpstreamProtocol, UpstreamRequest, UpstreamReset } from '../upstream/upstream.js';
import type { ConnectionInfo } from './connection-info.js';
import type { DownstreamEncoder } from './downstream-encoder.js';
import { routeRequest, type Exchange, type RouteDecision } from './exchange.js';
import type { FilterCallbacks, FilterChain } from './filter-chain.js';
import type { RequestTelemetry } from './request-telemetry.js';

/**
 * request: no response yet (the request may still be arriving). response: response headers went
 * downstream. tunnel: after a 101, bytes both ways until either side closes. done: counted and logged.
 */
export type StreamPhase = 'request' | 'response' | 'tunnel' | 'done';

export class ActiveStream implements FilterCallbacks, UpstreamCallbacks, LocalReplyStream {
  phase: StreamPhase = 'request';
  localReply = false;
  decorator: string | undefined = undefined;
  upstream: UpstreamRequest | undefined = undefined;
  private upstreamStart = 0;
  private requestHeaders: HeaderView | undefined = undefined;
  private requestEnded = false;
  /** The filter that stopped header iteration, or -1; body parts wait meanwhile. */
  private decodeStop = -1;
  private heldRequest: Buffer[] | undefined = undefined;
  private encodeStop = -1;
  private heldResponse: Buffer[] | undefined = undefined;
  private responseStatus = 0;
  private responseHeaders: HeaderView | undefined = undefined;
  private responseEnded = false;
  routed: RouteDecision | undefined = undefined;
  readonly shadows: UpstreamRequest[] = [];
  private responseTimer: NodeJS.Timeout | undefined = undefined;
  private delayTimer: NodeJS.Timeout | undefined = undefined;

  constructor(
    readonly codec: DownstreamEncoder,
    private readonly chain: FilterChain,
    readonly info: ConnectionInfo,
    readonly state: ProxyState,
    private readonly telemetry: RequestTelemetry,
    readonly exchange: Exchange,
    readonly upgrade: boolean,
  ) {}

  get downstreamProtocol(): UpstreamProtocol {
    return this.codec.protocol;
  }

  get upstreamCallbacks(): UpstreamCallbacks {
    return this;
  }

  get responseStarted(): boolean {
    return this.phase !== 'request';
  }

  // ------------------------------------------------------------------------------------------
  // From the codec

  decodeHeaders(headers: HeaderView, endStream: boolean): void {
    const ex = this.exchange;
    ex.userAgent = headers.get('user-agent');
    ex.forwardedFor = headers.get('x-forwarded-for');
    ex.grpc = headers.get('content-type')?.startsWith('application/grpc') ?? false;
    this.requestHeaders = headers;
    this.requestEnded = endStream;
    this.decodeHeadersFrom(0);
  }

  decodeData(data: Buffer, endStream: boolean): void {
    this.exchange.bytesIn += data.length;
    if (endStream) this.requestEnded = true;
    if (this.phase === 'done') return;
    if (this.decodeStop >= 0) {
      (this.heldRequest ??= []).push(data);
      return;
    }
    this.decodeDataOn(data, endStream);
  }

  /** The response is fully written downstream. */
  onComplete(): void {
    if (this.phase === 'done') return;
    this.clearTimers();
    this.phase = 'done';
    this.telemetry.finish(this.info, this.exchange);
  }

  /** The downstream went away before the response completed. */
  onDownstreamReset(): void {
    if (this.phase === 'done') return;
    this.clearTimers();
    // A tunnel ends when either side closes; that is not a failure.
    if (this.phase !== 'tunnel' && this.exchange.flags === '-') this.exchange.flags = 'DC';
    this.phase = 'done';
    this.upstream?.abort();
    this.telemetry.finish(this.info, this.exchange);
  }

  onDownstreamDrain(): void {
    this.upstream?.resume();
  }

  // ------------------------------------------------------------------------------------------
  // FilterCallbacks

  startUpstream(request: UpstreamRequest): void {
    this.upstream = request;
    this.upstreamStart = performance.now();
  }

  sendLocalReply(reply: LocalReply): void {
    this.upstream?.abort();
    sendLocalReply(this, reply);
  }

  continueDecoding(): void {
    const at = this.decodeStop;
    if (at < 0) return;
    this.decodeStop = -1;
    this.decodeHeadersFrom(at + 1);
  }

  continueEncoding(): void {
    const at = this.encodeStop;
    if (at < 0) return;
    this.encodeStop = -1;
    this.encodeHeadersFrom(at + 1);
  }

  pauseRequestBody(): void {
    this.codec.pauseReading();
  }

  newHeaders(): HeaderView {
    return this.codec.newResponseHeaders();
  }

  route(headers: HeaderView): RouteDecision {
    if (!this.routed) {
      const ex = this.exchange;
      this.routed = routeRequest(this.state, this.info, ex, { method: ex.method, path: ex.path, authority: ex.authority, scheme: 'http', header: (name) => headers.get(name) });
    }
    return this.routed;
  }

  responseTimeout(ms: number, fn: () => void): void {
    clearTimeout(this.responseTimer);
    this.responseTimer = setTimeout(() => {
      this.responseTimer = undefined;
      if (this.phase === 'request') fn();
    }, ms);
  }

  delay(ms: number, fn: () => void): void {
    clearTimeout(this.delayTimer);
    this.delayTimer = setTimeout(() => {
      this.delayTimer = undefined;
      if (this.phase === 'request') fn();
    }, ms);
  }

  /** Timers end with the stream (or, for the response timeout, with the response's start). */
  private clearTimers(): void {
    clearTimeout(this.responseTimer);
    clearTimeout(this.delayTimer);
    this.responseTimer = undefined;
    this.delayTimer = undefined;
  }

  // ------------------------------------------------------------------------------------------
  // UpstreamCallbacks

  onUpstreamInformational(status: number, headers: HeaderView): void {
    if (this.phase === 'request') this.codec.encodeInformational(status, headers);
  }

  onUpstreamHeaders(status: number, headers: HeaderView, endStream: boolean): void {
    if (this.phase !== 'request') return;
    const ex = this.exchange;
    ex.status = status;
    ex.details = 'via_upstream';
    ex.upstreamServiceTime = Math.round(performance.now() - this.upstreamStart);
    ex.upstreamLocal = this.upstream?.localAddress ?? '-';
    this.encodeHeaders(status, headers, endStream);
  }

  onUpstreamData(data: Buffer, endStream: boolean): boolean {
    if (this.phase === 'done') return true;
    return this.encodeData(data, endStream);
  }

  onUpstreamReset(reset: UpstreamReset): void {
    if (this.phase === 'done') return;
    if (this.upstream) this.exchange.upstreamLocal = this.upstream.localAddress;
    sendLocalReply(this, upstreamFailure(reset));
  }

  onUpstreamDrain(): void {
    this.codec.resumeReading();
  }

  // ------------------------------------------------------------------------------------------
  // LocalReplyStream

  newResponseHeaders(): HeaderView {
    return this.codec.newResponseHeaders();
  }

  encodeLocalReply(status: number, headers: HeaderView, body: Buffer): void {
    this.localReply = true;
    this.encodeHeaders(status, headers, body.length === 0);
    if (body.length) this.encodeData(body, true);
  }

  resetDownstream(): void {
    if (this.phase === 'done') return;
    this.clearTimers();
    this.phase = 'done';
    this.upstream?.abort();
    this.codec.reset();
    this.telemetry.finish(this.info, this.exchange);
  }

  // ------------------------------------------------------------------------------------------
  // The chain

  private decodeHeadersFrom(from: number): void {
    const filters = this.chain.headerDecoders;
    const headers = this.requestHeaders!;
    for (let i = from; i < filters.length; i++) {
      if (filters[i]!.decodeHeaders!(this, headers, this.requestEnded) === 'stop') {
        this.decodeStop = i;
        return;
      }
      if (this.phase !== 'request') return; // answered locally
    }
    const held = this.heldRequest;
    if (!held) return;
    this.heldRequest = undefined;
    for (let i = 0; i < held.length; i++) this.decodeDataOn(held[i]!, this.requestEnded && i === held.length - 1);
  }

  private decodeDataOn(data: Buffer, endStream: boolean): void {
    const filters = this.chain.dataDecoders;
    for (let i = 0; i < filters.length; i++) if (filters[i]!.decodeData!(this, data, endStream) === 'stop') return;
  }

  private encodeHeaders(status: number, headers: HeaderView, endStream: boolean): void {
    this.clearTimers();
    this.phase = status === 101 ? 'tunnel' : 'response';
    this.responseStatus = status;
    this.responseHeaders = headers;
    this.responseEnded = endStream;
    this.encodeHeadersFrom(0);
  }

  private encodeHeadersFrom(from: number): void {
    const filters = this.chain.headerEncoders;
    const headers = this.responseHeaders!;
    for (let i = from; i < filters.length; i++) {
      if (filters[i]!.encodeHeaders!(this, this.responseStatus, headers, this.responseEnded) === 'stop') {
        this.encodeStop = i;
        return;
      }
    }
    this.codec.encodeHeaders(this.responseStatus, headers, this.responseEnded);
    const held = this.heldResponse;
    if (!held) return;
    this.heldResponse = undefined;
    for (let i = 0; i < held.length; i++) this.encodeDataOn(held[i]!, this.responseEnded && i === held.length - 1);
  }

  private encodeData(data: Buffer, endStream: boolean): boolean {
    this.exchange.bytesOut += data.length;
    if (endStream) this.responseEnded = true;
    if (this.encodeStop >= 0) {
      (this.heldResponse ??= []).push(data);
      return true;
    }
    return this.encodeDataOn(data, endStream);
  }

  private encodeDataOn(data: Buffer, endStream: boolean): boolean {
    const filters = this.chain.dataEncoders;
    for (let i = 0; i < filters.length; i++) if (filters[i]!.encodeData!(this, data, endStream) === 'stop') return true;
    return this.codec.encodeData(data, endStream);
  }
}
