// The HTTP/1.1 codec: one downstream connection, one exchange at a time. Heads are parsed
// (http1/head.ts) and handed to the stream as a view over their raw lines, so the upstream head is
// the request's own text minus what filters changed; bodies are framed by the body tracker and passed
// on as they arrive, never buffered beyond what is in flight. Keep-alive and pipelining (the next
// request waits for this response), and an Upgrade the upstream accepts with 101 becomes a tunnel.
// HTTP/1.0 and CONNECT are handed to node:http (node-codec.ts).

import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { STATUS_CODES } from 'node:http';
import { BodyTracker } from '../http1/body-tracker.js';
import { ChunkedDecoder, LAST_CHUNK, writeChunk } from '../http1/chunked-codec.js';
import { CODEC_ERROR, HeadError, readRequest, type Framing, type Head } from '../http1/head.js';
import type { ActiveStream } from '../http/active-stream.js';
import type { ConnectionInfo } from '../http/connection-info.js';
import type { ConnectionManager } from '../http/connection-manager.js';
import type { DownstreamEncoder } from '../http/downstream-encoder.js';
import { newExchange } from '../http/exchange.js';
import { localReplies } from '../local-reply/local-reply.js';
import { HOP_BY_HOP, http1Text, RawHeaderView, type HeaderView } from './header-view.js';

export interface Http1CodecContext {
  streams: ConnectionManager;
  /** Hands the connection (with its unread bytes put back) to node:http. */
  fallback(socket: Socket): void;
}

/**
 * Idle: between exchanges. Request: a request in flight, no response yet. Response: response head
 * written. Tunnel: after a 101. Closed: the connection is finished.
 */
const enum Phase { Idle, Request, Response, Tunnel, Closed }

const EMPTY = Buffer.alloc(0);

export class Http1Codec implements DownstreamEncoder {
  readonly protocol = 'http1';
  private phase = Phase.Idle;
  /** Bytes read but not yet consumed: the start of the next request (or tunnel bytes before a 101). */
  private buf: Buffer | undefined;
  private stream: ActiveStream | undefined;
  private req: BodyTracker | undefined;
  private dechunk: ChunkedDecoder | undefined;
  private headOnly = false;
  /** The connection closes after this response (the client asked, or the request cannot be finished). */
  private closeAfter = false;
  private chunkedResponse = false;
  private downstreamEnded = false;
  private readonly uncork = (): void => this.sock.uncork();

  constructor(private readonly sock: Socket, private readonly info: ConnectionInfo, private readonly ctx: Http1CodecContext) {
    sock.setNoDelay(true);
    sock.on('data', this.onData);
    sock.on('end', this.onDownstreamEnd);
    sock.on('close', this.onDownstreamClose);
    sock.on('drain', () => this.stream?.onDownstreamDrain());
    sock.on('error', () => undefined);
  }

  private readonly onData = (chunk: Buffer): void => {
    try {
      this.data(chunk);
    } catch (err) {
      // Malformed framing from downstream: answer 400 if nothing was answered yet, else cut the connection.
      this.protocolError(err as Error);
    }
  };

  private data(chunk: Buffer): void {
    switch (this.phase) {
      case Phase.Tunnel:
        this.stream!.decodeData(chunk, false);
        return;
      case Phase.Closed:
        return;
      default:
    }
    if (this.req && !this.req.done) {
      this.requestBody(chunk);
      return;
    }
    this.buf = this.buf ? Buffer.concat([this.buf, chunk]) : chunk;
    if (this.phase === Phase.Idle) this.next();
    else this.sock.pause(); // the next request waits for this response
  }

  private protocolError(err: Error): void {
    const s = this.stream;
    if (!s) {
      this.reject(err instanceof HeadError ? err : new HeadError(400, CODEC_ERROR, err.message));
      return;
    }
    this.closeAfter = true;
    s.sendLocalReply(localReplies.downstreamProtocolError(400, err instanceof HeadError ? err.details : CODEC_ERROR));
  }

  private readonly onDownstreamEnd = (): void => {
    this.downstreamEnded = true;
    if (this.phase === Phase.Tunnel) {
      this.stream!.decodeData(EMPTY, true);
      return;
    }
    // A client that closes while its request is in flight has gone away (Envoy resets the stream: DC).
    if (this.stream) this.sock.destroy();
    else this.sock.end();
  };

  private readonly onDownstreamClose = (): void => {
    this.phase = Phase.Closed;
    const s = this.stream;
    this.stream = undefined;
    s?.onDownstreamReset();
  };

  private next(): void {
    if (this.phase !== Phase.Idle || !this.buf || this.buf.length === 0) return;
    const read = readRequest(this.buf);
    if (read.kind === 'more') return;
    if (read.kind === 'reject') {
      this.reject(read.error);
      return;
    }
    const { head, framing } = read;
    if (head.first[2] !== 'HTTP/1.1' || head.first[0] === 'CONNECT') {
      // HTTP/1.0 needs node:http's handling of its framing and keep-alive rules.
      this.sock.off('data', this.onData);
      this.sock.off('end', this.onDownstreamEnd);
      this.sock.off('close', this.onDownstreamClose);
      this.sock.pause();
      this.sock.unshift(this.buf);
      this.buf = undefined;
      this.phase = Phase.Closed;
      this.ctx.fallback(this.sock);
      return;
    }
    const rest = this.buf.length > head.length ? this.buf.subarray(head.length) : undefined;
    this.buf = undefined;
    this.start(head, framing, rest);
  }

  private start(head: Head, framing: Framing, rest: Buffer | undefined): void {
    const [method, path] = head.first;
    const headers = new RawHeaderView(head.lines, head.names);
    const connection = headers.get('connection');
    this.closeAfter = connection !== undefined && /(^|,)\s*close\s*(,|$)/i.test(connection);
    const upgrade = headers.has('upgrade');
    // Connection-level headers stop here (the upstream request frames its own body); an Upgrade keeps its protocol name.
    for (const n of HOP_BY_HOP) if (!(upgrade && n === 'upgrade')) headers.remove(n);
    this.headOnly = method === 'HEAD';
    const req = new BodyTracker(framing);
    this.req = req;
    this.dechunk = framing.kind === 'chunked' ? new ChunkedDecoder() : undefined;
    this.phase = Phase.Request;
    const ex = newExchange(method, path, 'HTTP/1.1', headers.get('host') ?? '', '', performance.now());
    const stream = this.ctx.streams.newStream(this, this.info, ex, upgrade);
    this.stream = stream;
    // The body bytes that came with the head belong to this request; what follows them waits.
    let first: Buffer | undefined;
    if (rest) {
      const n = req.take(rest, 0);
      if (n > 0) first = n === rest.length ? rest : rest.subarray(0, n);
      if (n < rest.length) this.buf = rest.subarray(n);
    }
    stream.decodeHeaders(headers, req.done && !first && !upgrade);
    if (first && this.stream === stream) this.deliver(stream, first);
  }

  private requestBody(chunk: Buffer): void {
    const n = this.req!.take(chunk, 0);
    const part = n === chunk.length ? chunk : chunk.subarray(0, n);
    if (n < chunk.length) this.buf = chunk.subarray(n);
    if (this.stream) this.deliver(this.stream, part);
    if (this.req?.done && this.buf) this.sock.pause();
  }

  /** Request body bytes (framing already checked) to the stream as payload. */
  private deliver(stream: ActiveStream, part: Buffer): void {
    const done = this.req!.done;
    if (!this.dechunk) {
      stream.decodeData(part, done);
      return;
    }
    const pieces = this.dechunk.decode(part);
    const last = pieces.length - 1;
    for (let i = 0; i <= last; i++) stream.decodeData(pieces[i]!, done && i === last);
    if (done && last < 0) stream.decodeData(EMPTY, true);
  }

  // ------------------------------------------------------------------------------------------
  // DownstreamEncoder

  newResponseHeaders(): HeaderView {
    return new RawHeaderView([], []);
  }

  encodeInformational(status: number, headers: HeaderView): void {
    this.sock.write(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${http1Text(headers)}\r\n`, 'latin1');
  }

  encodeHeaders(status: number, headers: HeaderView, endStream: boolean): void {
    const sock = this.sock;
    if (status === 101) {
      this.phase = Phase.Tunnel;
      sock.write(`HTTP/1.1 101 ${STATUS_CODES[101]}\r\n${http1Text(headers)}connection: upgrade\r\n\r\n`, 'latin1');
      // Whatever the client sent after its request head already belongs to the new protocol.
      const early = this.buf;
      this.buf = undefined;
      if (early) this.stream!.decodeData(early, false);
      sock.resume();
      return;
    }
    this.phase = Phase.Response;
    // A response that completes before its request cannot leave the connection in step.
    if (!this.req!.done) this.closeAfter = true;
    let out = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${http1Text(headers)}`;
    this.chunkedResponse = false;
    if (!headers.has('content-length') && !this.headOnly && status !== 204 && status !== 304) {
      if (endStream) out += 'content-length: 0\r\n';
      else {
        out += 'transfer-encoding: chunked\r\n';
        this.chunkedResponse = true;
      }
    }
    if (this.closeAfter) out += 'connection: close\r\n';
    out += '\r\n';
    if (endStream) {
      sock.write(out, 'latin1');
      this.endResponse();
      return;
    }
    // The head and the first body bytes (normally in this same turn) leave in one write.
    sock.cork();
    sock.write(out, 'latin1');
    process.nextTick(this.uncork);
  }

  encodeData(data: Buffer, endStream: boolean): boolean {
    const sock = this.sock;
    let ok = true;
    if (this.phase === Phase.Tunnel) {
      if (data.length) ok = sock.write(data);
      if (endStream) {
        sock.end();
        this.phase = Phase.Closed;
        const s = this.stream;
        this.stream = undefined;
        s?.onComplete();
      }
      return ok;
    }
    if (this.chunkedResponse) {
      if (data.length) ok = writeChunk(sock, data);
      if (endStream) ok = sock.write(LAST_CHUNK, 'latin1');
    } else if (data.length) ok = sock.write(data);
    if (endStream) this.endResponse();
    return ok;
  }

  pauseReading(): void {
    this.sock.pause();
  }

  resumeReading(): void {
    this.sock.resume();
  }

  reset(): void {
    this.phase = Phase.Closed;
    this.stream = undefined;
    this.sock.destroy();
  }

  /** The response is written: count it, then the next request (or the end of the connection). */
  private endResponse(): void {
    const s = this.stream;
    const requestDone = this.req?.done ?? true;
    this.stream = undefined;
    this.req = undefined;
    this.dechunk = undefined;
    this.phase = Phase.Idle;
    s?.onComplete();
    if (this.closeAfter || !requestDone || (this.downstreamEnded && !this.buf)) {
      this.sock.end();
      this.phase = Phase.Closed;
      return;
    }
    this.sock.resume();
    if (this.buf) this.next();
  }

  /**
   * Refuses a head the codec cannot take (Envoy's codec errors): answered with connection: close,
   * logged and counted with DPE, and nothing goes upstream. As Envoy, the log has no method or path.
   */
  private reject(err: HeadError): void {
    const r = localReplies.downstreamProtocolError(err.status, err.details);
    const ex = newExchange('-', '-', 'HTTP/1.1', '', '', performance.now());
    ex.status = r.status;
    ex.flags = r.flag;
    ex.details = r.details;
    ex.bytesOut = Buffer.byteLength(r.body);
    this.sock.end(
      `HTTP/1.1 ${r.status} ${STATUS_CODES[r.status] ?? ''}\r\ncontent-length: ${ex.bytesOut}\r\ncontent-type: text/plain\r\ndate: ${new Date().toUTCString()}\r\nserver: istio-envoy\r\nconnection: close\r\n\r\n${r.body}`,
      'latin1',
    );
    this.phase = Phase.Closed;
    this.buf = undefined;
    this.ctx.streams.telemetry.finish(this.info, ex);
  }
}
