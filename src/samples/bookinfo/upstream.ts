// Outbound calls of the Bookinfo services: trace headers copied from the incoming request, and a GET of
// JSON with a client timeout that fails the call the way the originals' HTTP clients did.

import { request, type IncomingMessage } from 'node:http';

/** The headers the Bookinfo services copy to their upstream calls (Istio's trace-context propagation list). */
export const PROPAGATED_HEADERS: readonly string[] = [
  'x-request-id',
  'x-ot-span-context',
  'x-datadog-trace-id',
  'x-datadog-parent-id',
  'x-datadog-sampling-priority',
  'traceparent',
  'tracestate',
  'x-cloud-trace-context',
  'grpc-trace-bin',
  'x-b3-traceid',
  'x-b3-spanid',
  'x-b3-parentspanid',
  'x-b3-sampled',
  'x-b3-flags',
  'b3',
  'sw8',
  'end-user',
  'user-agent',
  'cookie',
  'authorization',
  'jwt',
];

export function forwardedHeaders(req: IncomingMessage, names: readonly string[] = PROPAGATED_HEADERS): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = req.headers[name];
    if (typeof value === 'string') out[name] = value;
    else if (Array.isArray(value)) out[name] = value.join(', ');
  }
  return out;
}

export type UpstreamResult =
  | { ok: true; status: number; body: unknown }
  | { ok: false; status: number | undefined; reason: string };

/**
 * GET `url` and parse its JSON body. Fails on a connection error, on a non-JSON body, or when the whole
 * exchange takes longer than `timeoutMs` (no retry here: callers retry as their original did).
 */
export function getJson(url: string, headers: Record<string, string>, timeoutMs: number): Promise<UpstreamResult> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: UpstreamResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const req = request(url, { method: 'GET', headers: { accept: 'application/json', ...headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err) => done({ ok: false, status: res.statusCode, reason: err.message }));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          done({ ok: true, status: res.statusCode ?? 0, body: JSON.parse(text) as unknown });
        } catch {
          done({ ok: false, status: res.statusCode, reason: `response is not JSON: ${text.slice(0, 100)}` });
        }
      });
    });
    // One deadline for connect and read, like a client's request timeout.
    const timer = setTimeout(() => {
      done({ ok: false, status: undefined, reason: `timed out after ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    req.on('error', (err) => done({ ok: false, status: undefined, reason: err.message }));
    req.end();
  });
}
