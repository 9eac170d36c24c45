// One HTTP/2 request over an already connected socket (h2c with
// --http2-prior-knowledge, or TLS after ALPN picked h2), via node:http2.

import http2 from 'node:http2';
import { CurlCode, CurlError } from './curl-error.js';
import type { Connection } from './connect.js';
import type { BodyAction, ExchangeOutcome, ExchangeRequest, ExchangeTools, ResponseHandler } from './exchange.js';
import type { ResponseHead } from './http1-parser.js';
import { http2Fields } from './request-head.js';
import { transferError, type SystemError } from './socket-errors.js';

const H2_ERRORS = [
  'NO_ERROR',
  'PROTOCOL_ERROR',
  'INTERNAL_ERROR',
  'FLOW_CONTROL_ERROR',
  'SETTINGS_TIMEOUT',
  'STREAM_CLOSED',
  'FRAME_SIZE_ERROR',
  'REFUSED_STREAM',
  'CANCEL',
  'COMPRESSION_ERROR',
  'CONNECT_ERROR',
  'ENHANCE_YOUR_CALM',
  'INADEQUATE_SECURITY',
  'HTTP_1_1_REQUIRED',
];

/** The status line curl prints for HTTP/2: no reason phrase, trailing space kept. */
function headFrom(status: number, raw: string[]): ResponseHead {
  const lines = [`HTTP/2 ${status} \r\n`];
  const fields: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    const value = raw[i + 1] as string;
    if (name.startsWith(':')) continue;
    lines.push(`${name}: ${value}\r\n`);
    fields.push([name, value]);
  }
  lines.push('\r\n');
  return { version: '2', status, reason: '', lines, fields, size: lines.reduce((n, l) => n + Buffer.byteLength(l), 0) };
}

function rawFromHeaders(headers: http2.IncomingHttpHeaders): string[] {
  const raw: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    for (const v of Array.isArray(value) ? value : [value]) if (v !== undefined) raw.push(name, String(v));
  }
  return raw;
}

/** Tracks the underlying socket so failures can be told apart the way curl words them. */
interface Watch {
  socketEnded: boolean;
  socketError: SystemError | undefined;
  /** node:http2 gave up on the session itself, e.g. the peer does not speak HTTP/2. */
  sessionError: SystemError | undefined;
}

function streamFailure(stream: http2.ClientHttp2Stream | undefined, watch: Watch, err: unknown, gotHead: boolean): CurlError {
  if (err instanceof CurlError) return err;
  if (watch.socketError) return transferError(watch.socketError);
  // A peer that answers the preface with something else: curl sees no usable reply.
  const protocolError = watch.sessionError ?? ((err as SystemError | undefined)?.code === 'ERR_HTTP2_ERROR' ? err : undefined);
  if (!gotHead && protocolError) return new CurlError(CurlCode.GOT_NOTHING, 'Empty reply from server');
  const rst = stream?.rstCode;
  if (!watch.socketEnded && rst !== undefined && rst !== 0 && rst !== http2.constants.NGHTTP2_CANCEL) {
    return new CurlError(CurlCode.HTTP2_STREAM, `HTTP/2 stream 1 was not closed cleanly: ${H2_ERRORS[rst] ?? 'unknown'} (err ${rst})`);
  }
  return new CurlError(CurlCode.PARTIAL_FILE, 'HTTP/2 stream 1 was not closed cleanly before end of the underlying stream');
}

export async function exchangeHttp2(
  conn: Connection,
  req: ExchangeRequest,
  handler: ResponseHandler,
  tools: ExchangeTools,
): Promise<ExchangeOutcome> {
  const { trace, meter } = tools;
  const { spec } = req;
  const socket = conn.socket;
  const watch: Watch = { socketEnded: false, socketError: undefined, sessionError: undefined };
  socket.once('end', () => {
    watch.socketEnded = true;
  });
  socket.on('error', (err: SystemError) => {
    watch.socketError ??= err;
  });

  const fields = http2Fields(spec, req.lines);
  trace.info(`[HTTP/2] [1] OPENED stream for ${spec.url.effective}`);
  for (const [name, value] of fields) trace.info(`[HTTP/2] [1] [${name}: ${value}]`);

  const session = http2.connect(`${spec.url.scheme}://${spec.url.hostLiteral}:${spec.url.port}`, {
    createConnection: () => socket,
  });
  session.on('error', (err: SystemError) => {
    watch.sessionError ??= err;
  });

  const outgoing: http2.OutgoingHttpHeaders = {};
  for (const [name, value] of fields) {
    const existing = outgoing[name];
    outgoing[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [String(existing)]), value];
  }

  const headLines = [`${spec.method} ${spec.url.target} HTTP/2`, ...req.lines.map((l) => l.raw), '', ''].join('\r\n');
  let stream: http2.ClientHttp2Stream | undefined;
  let gotHead = false;
  try {
    stream = session.request(outgoing, { endStream: spec.body === undefined });
    const s = stream;
    s.on('error', () => undefined);
    trace.headerOut(headLines);
    if (spec.body !== undefined) {
      s.end(spec.body);
      if (spec.body.length > 0) {
        trace.dataOut(spec.body.length);
        meter.setUploadSize(spec.body.length);
        meter.addUploaded(spec.body.length);
      }
      trace.info('We are completely uploaded and fine');
    }
    handler.onRequestSent(Buffer.byteLength(headLines) + (spec.body?.length ?? 0));

    const head = await new Promise<ResponseHead>((resolve, reject) => {
      s.on('headers', (headers: http2.IncomingHttpHeaders) => {
        const status = Number(headers[':status']);
        const info = headFrom(status, rawFromHeaders(headers));
        for (const line of info.lines) trace.headerIn(line);
        void handler.onHead(info, false);
      });
      s.once('response', (headers: http2.IncomingHttpHeaders, _flags: number, raw?: string[]) => {
        resolve(headFrom(Number(headers[':status']), raw ?? rawFromHeaders(headers)));
      });
      s.once('error', reject);
      s.once('close', () => reject(new Error('stream closed before a response')));
    });
    gotHead = true;
    for (const line of head.lines) trace.headerIn(line);
    const action: BodyAction = await handler.onHead(head, true);
    if (action === 'stop') {
      s.close(http2.constants.NGHTTP2_CANCEL);
      return { head, reusable: false, stopped: true };
    }
    if (req.headOnly) {
      s.close(http2.constants.NGHTTP2_NO_ERROR);
      return { head, reusable: false, stopped: false };
    }
    for await (const chunk of s as AsyncIterable<Buffer>) {
      trace.dataIn(chunk.length);
      if (action === 'deliver') await handler.onBody(chunk);
    }
    if (s.rstCode !== undefined && s.rstCode !== 0) throw new Error('stream reset');
    return { head, reusable: false, stopped: false };
  } catch (err) {
    throw streamFailure(stream, watch, err, gotHead);
  } finally {
    session.close();
  }
}
