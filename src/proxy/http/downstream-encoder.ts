// The codec's side of one stream: how a response goes back to the downstream, and how the request
// body is paced. Each codec implements it (HTTP/1.1 for the connection's current exchange; node's
// servers per request).

import type { HeaderView } from '../codec/header-view.js';

export interface DownstreamEncoder {
  /** What the downstream speaks (HTTP/1.0 counts as http1). */
  readonly protocol: 'http1' | 'http2';
  /** Empty response headers in the codec's own representation (for local replies). */
  newResponseHeaders(): HeaderView;
  encodeInformational(status: number, headers: HeaderView): void;
  encodeHeaders(status: number, headers: HeaderView, endStream: boolean): void;
  /** false: the downstream is full; the stream's onDownstreamDrain follows. */
  encodeData(data: Buffer, endStream: boolean): boolean;
  pauseReading(): void;
  resumeReading(): void;
  /** Ends the stream abruptly (a failure after the response started). */
  reset(): void;
}
