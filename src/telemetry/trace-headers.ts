// Trace-context headers the proxy carries from a request to the requests it causes, as listed in
// Istio's distributed-tracing FAQ: Envoy's request id, W3C trace context, B3 (multi and single
// header) and Lightstep's x-ot-span-context.

import { randomUUID } from 'node:crypto';

export const TRACE_HEADERS = [
  'x-request-id',
  'traceparent',
  'tracestate',
  'x-b3-traceid',
  'x-b3-spanid',
  'x-b3-parentspanid',
  'x-b3-sampled',
  'x-b3-flags',
  'b3',
  'x-ot-span-context',
] as const;

export type TraceHeader = (typeof TRACE_HEADERS)[number];

/** A fresh x-request-id: a random (version 4) UUID, as Envoy generates. */
export function generateRequestId(): string {
  return randomUUID();
}
