// Makes the stream for each request a codec decodes, with the filter chain of the connection's
// direction, and owns the request telemetry they share.

import type { ProxyState } from '../proxy-state.js';
import { ActiveStream } from './active-stream.js';
import type { ConnectionInfo } from './connection-info.js';
import type { DownstreamEncoder } from './downstream-encoder.js';
import type { Exchange } from './exchange.js';
import type { FilterChain } from './filter-chain.js';
import { RequestTelemetry } from './request-telemetry.js';

export type Chains = Readonly<Record<ConnectionInfo['direction'], FilterChain>>;

export class ConnectionManager {
  readonly telemetry: RequestTelemetry;

  constructor(private readonly state: ProxyState, private readonly chains: Chains) {
    this.telemetry = new RequestTelemetry(state);
  }

  newStream(codec: DownstreamEncoder, info: ConnectionInfo, exchange: Exchange, upgrade: boolean): ActiveStream {
    return new ActiveStream(codec, this.chains[info.direction], info, this.state, this.telemetry, exchange, upgrade);
  }

  /** Drops cached label sets (after a push changes workloads). */
  reset(): void {
    this.telemetry.reset();
  }
}
