// What one request/response exchange needs from the transfer around it and
// what it reports back, whichever HTTP version carries it.

import type { ResponseHead } from './http1-parser.js';
import type { HeaderLine, RequestSpec } from './request-head.js';
import type { ProgressMeter } from './progress-meter.js';
import type { Trace } from './trace.js';

/** deliver: pass body bytes on; discard: read and drop them; stop: end the exchange now. */
export type BodyAction = 'deliver' | 'discard' | 'stop';

export interface ResponseHandler {
  /** Called for every head, 1xx ones included (`final` false); the action only matters for the final one. */
  onHead(head: ResponseHead, final: boolean): Promise<BodyAction>;
  onBody(chunk: Buffer): Promise<void>;
  /** The request has been handed to the socket. */
  onRequestSent(bytes: number): void;
}

export interface ExchangeRequest {
  spec: RequestSpec;
  lines: HeaderLine[];
  /** -I: the response has no body whatever its headers say. */
  headOnly: boolean;
  /** HTTP/1.x minor version to put on the request line. */
  http1Version: '1.0' | '1.1';
  /** A -T upload: curl notes in -v when its body has gone out. */
  upload: boolean;
}

export interface ExchangeOutcome {
  head: ResponseHead;
  /** The connection can carry another request. */
  reusable: boolean;
  /** The handler asked to stop before the body was read. */
  stopped: boolean;
}

export interface ExchangeTools {
  trace: Trace;
  meter: ProgressMeter;
}
