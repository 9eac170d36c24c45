// HTTP filters, Envoy's shape: each sees request headers and body on the way in (decode) and response
// headers and body on the way out (encode), and may continue, stop (and continue later), or answer
// locally. Filters are shared by every stream of a chain and keep no state of their own; what a
// stream knows lives on its callbacks. The router, last in every chain, sends the request upstream.

import type { ProxyConfig } from '../../xds/proxy-config.js';
import type { HeaderView } from '../codec/header-view.js';
import type { LocalReply } from '../local-reply/local-reply.js';
import type { ProxyState } from '../proxy-state.js';
import type { UpstreamCallbacks, UpstreamProtocol, UpstreamRequest } from '../upstream/upstream.js';
import type { ConnectionInfo } from './connection-info.js';
import type { Exchange, RouteDecision } from './exchange.js';

/** continue: on to the next filter. stop: this filter holds the stream until it calls continue*(). */
export type FilterStatus = 'continue' | 'stop';

/** One stream as its filters see it. */
export interface FilterCallbacks {
  readonly info: ConnectionInfo;
  readonly state: ProxyState;
  readonly exchange: Exchange;
  /** What the downstream spoke (a cluster of protocol `auto` speaks the same upstream). */
  readonly downstreamProtocol: UpstreamProtocol;
  /** The request asked to switch protocols (an HTTP/1.1 Upgrade). */
  readonly upgrade: boolean;
  /** True while the response being encoded is a local reply, not the upstream's. */
  readonly localReply: boolean;
  /** The matched route's decorator (x-envoy-decorator-operation), set by the router. */
  decorator: string | undefined;
  /** The router's request upstream, once sent. */
  readonly upstream: UpstreamRequest | undefined;
  /** Where the upstream's answer goes: the stream itself. */
  readonly upstreamCallbacks: UpstreamCallbacks;
  /** Starts the upstream request (the router does this once). */
  startUpstream(request: UpstreamRequest): void;
  sendLocalReply(reply: LocalReply): void;
  continueDecoding(): void;
  continueEncoding(): void;
  /** Stops reading the request body until the upstream drains. */
  pauseRequestBody(): void;
  /** Copies of this request sent to mirror clusters (their answers are dropped). */
  readonly shadows: UpstreamRequest[];
  /** An empty header set of the downstream's kind (for a copy of the request's headers). */
  newHeaders(): HeaderView;
  /** The route looked up for this request, if any filter asked already. */
  readonly routed: RouteDecision | undefined;
  /** The request's route, looked up once (Envoy's route cache) for every filter that asks. */
  route(headers: HeaderView): RouteDecision;
  /** Runs fn after ms unless the response starts or the stream ends first (a route's timeout). */
  responseTimeout(ms: number, fn: () => void): void;
  /** Runs fn after ms unless the stream ends first (an injected delay). */
  delay(ms: number, fn: () => void): void;
}

export interface HttpFilter {
  readonly name: string;
  decodeHeaders?(s: FilterCallbacks, headers: HeaderView, endStream: boolean): FilterStatus;
  /** stop: the filter keeps this data and passes it on later itself. */
  decodeData?(s: FilterCallbacks, data: Buffer, endStream: boolean): FilterStatus;
  encodeHeaders?(s: FilterCallbacks, status: number, headers: HeaderView, endStream: boolean): FilterStatus;
  encodeData?(s: FilterCallbacks, data: Buffer, endStream: boolean): FilterStatus;
  /** What this filter finds wrong with a configuration (a push with any problem is refused). */
  checkConfig?(config: ProxyConfig): string[];
}

/** A chain's filters, sorted once by what they handle so a stream only calls the ones that care. */
export class FilterChain {
  readonly headerDecoders: readonly HttpFilter[];
  readonly dataDecoders: readonly HttpFilter[];
  /** Response filters run last-to-first, as Envoy runs encoders. */
  readonly headerEncoders: readonly HttpFilter[];
  readonly dataEncoders: readonly HttpFilter[];

  constructor(readonly filters: readonly HttpFilter[]) {
    this.headerDecoders = filters.filter((f) => f.decodeHeaders);
    this.dataDecoders = filters.filter((f) => f.decodeData);
    this.headerEncoders = filters.filter((f) => f.encodeHeaders).reverse();
    this.dataEncoders = filters.filter((f) => f.encodeData).reverse();
  }

  checkConfig(config: ProxyConfig): string[] {
    return this.filters.flatMap((f) => f.checkConfig?.(config) ?? []);
  }
}
