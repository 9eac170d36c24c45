// The proxy's HTTP/1.1 engine: one downstream connection, one exchange at a time. Heads are parsed and
// rewritten as text; bodies pass through as the bytes that arrived (chunked framing included), so no
// body is parsed, copied into strings or buffered beyond what is in flight. Upstream connections come
// from a keep-alive pool per endpoint. A protocol upgrade (WebSocket) that the upstream accepts with
// 101 turns the exchange into a tunnel. HTTP/1.0 goes to node:http instead.

import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { STATUS_CODES } from 'node:http';
import { generateRequestId } from '../../telemetry/trace-headers.js';
import { localReplies, upstreamFailure, type LocalReply } from '../errors/respond.js';
import { newExchange, routeRequest, sourceAddress, type ConnectionInfo, type Exchange } from '../http/exchange.js';
import { PEER_METADATA, PEER_METADATA_ID } from '../http/peer-metadata.js';
import type { RequestTelemetry } from '../http/request-telemetry.js';
import type { ProxyState } from '../proxy-state.js';
import { BodyTracker } from './body-tracker.js';
import { CODEC_ERROR, headerValue, HeadError, parseHead, readRequest, responseFraming, type Framing, type Head } from './head.js';
import type { RequestView } from '../routing/request-view.js';
import type { UpstreamPool, UpstreamUser } from './upstream-pool.js';

export interface Http1Context {
  state: ProxyState;
  telemetry: RequestTelemetry;
  pool: UpstreamPool;
  /** Hands the connection (with its unread bytes put back) to node:http. */
  fallback(socket: Socket): void;
}

/** Request headers the proxy drops or sets itself. */
const DROP_REQUEST = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'x-request-id', PEER_METADATA, PEER_METADATA_ID]);
const DROP_RESPONSE = new Set(['connection', 'keep-alive', 'proxy-connection', 'server', 'x-envoy-upstream-service-time', PEER_METADATA, PEER_METADATA_ID]);
const SERVER_LINE = 'server: istio-envoy\r\n';
/**
 * Istio turns on Envoy's include_request_attempt_count for outbound and gateway virtual hosts, so the
 * upstream sees the attempt number. Routes have no retry policy here, so it is always the first attempt.
 */
const ATTEMPT_COUNT = 'x-envoy-attempt-count';

interface Active {
  ex: Exchange;
  req: BodyTracker;
  closeAfter: boolean;
  headOnly: boolean;
  target: { host: string; port: number };
  head: string;
  /** Request body bytes sent so far (a reused connection that fails before any can be retried). */
  bodySent: boolean;
  up?: Socket;
  reused: boolean;
  retried: boolean;
  upStart: number;
  respBuf?: Buffer;
  res?: BodyTracker;
  /** The upstream said it closes after this response. */
  upClose: boolean;
  responding: boolean;
  decorator?: string;
  /** This exchange counts in its endpoint's requests in flight (least request balancing). */
  counted: boolean;
  /** The request asked to switch protocols (Upgrade). */
  upgrade: boolean;
  /** After a 101: bytes pass both ways untouched until either side closes. */
  tunnel: boolean;
}

export class Http1Session {
  private buf: Buffer | undefined;
  private a: Active | undefined;
  private done = false;
  private downstreamEnded = false;

  constructor(private readonly sock: Socket, private readonly info: ConnectionInfo, private readonly ctx: Http1Context) {
    sock.setNoDelay(true);
    sock.on('data', this.onData);
    sock.on('end', this.onDownstreamEnd);
    sock.on('close', this.onDownstreamClose);
    sock.on('error', () => undefined);
  }

  private readonly onData = (chunk: Buffer): void => {
    try {
      this.data(chunk);
    } catch (err) {
      // Malformed framing from downstream: answer 400 if nothing was answered yet, else cut the connection.
      this.protocolError(err as Error, true);
    }
  };

  private data(chunk: Buffer): void {
    if (this.done) return; // answered and closing: nothing more is read
    const a = this.a;
    if (a?.tunnel) {
      a.ex.bytesIn += chunk.length;
      if (a.up && !a.up.write(chunk)) this.sock.pause();
      return;
    }
    if (a && !a.req.done) {
      this.requestBody(a, chunk, 0);
      return;
    }
    this.buf = this.buf ? Buffer.concat([this.buf, chunk]) : chunk;
    if (a) this.sock.pause(); // the next request waits for this response
    else this.next();
  }

  private protocolError(err: Error, downstream: boolean): void {
    const a = this.a;
    if (!a) {
      this.reject(new HeadError(400, CODEC_ERROR, err.message));
      return;
    }
    a.up?.destroy();
    a.up = undefined;
    if (a.responding || a.ex.finished) {
      a.ex.flags = downstream ? 'DPE' : 'UPE';
      this.releaseHost(a);
      this.sock.destroy();
      if (!a.ex.finished) this.finish(a);
      return;
    }
    a.closeAfter = true;
    const r = downstream ? localReplies.downstreamProtocolError(400, CODEC_ERROR) : localReplies.protocolError();
    this.localReply(a, r, undefined);
  }

  private readonly onDownstreamEnd = (): void => {
    this.downstreamEnded = true;
    if (this.a?.tunnel) {
      this.a.up?.end();
      return;
    }
    // A client that closes while its request is in flight has gone away (Envoy resets the stream: DC).
    if (this.a) this.sock.destroy();
    if (!this.a) this.sock.end();
  };

  private readonly onDownstreamClose = (): void => {
    this.done = true;
    const a = this.a;
    if (a?.tunnel && !a.ex.finished) {
      // A tunnel ends when either side closes; that is not a failure.
      this.releaseHost(a);
      const up = a.up;
      a.up = undefined;
      up?.destroy();
      this.finish(a);
      return;
    }
    if (a && !a.ex.finished) {
      if (a.ex.flags === '-') a.ex.flags = 'DC';
      this.releaseHost(a);
      a.up?.destroy();
      this.finish(a);
    }
  };

  private next(): void {
    if (this.done || !this.buf || this.buf.length === 0) return;
    const read = readRequest(this.buf);
    if (read.kind === 'more') return;
    if (read.kind === 'reject') {
      this.reject(read.error);
      return;
    }
    const { head, framing } = read;
    const [method, target, version] = head.first;
    if (version !== 'HTTP/1.1' || method === 'CONNECT') {
      // HTTP/1.0 needs node:http's handling of its framing and keep-alive rules.
      this.sock.off('data', this.onData);
      this.sock.off('end', this.onDownstreamEnd);
      this.sock.off('close', this.onDownstreamClose);
      this.sock.pause();
      this.sock.unshift(this.buf);
      this.buf = undefined;
      this.ctx.fallback(this.sock);
      return;
    }
    const body = this.buf.length > head.length ? this.buf.subarray(head.length) : undefined;
    this.buf = undefined;
    this.start(head, framing, method, target, body);
  }

  private start(head: Head, framing: Framing, method: string, path: string, body: Buffer | undefined): void {
    const state = this.ctx.state;
    const ex = newExchange(method, path, 'HTTP/1.1', '', '', performance.now());
    // One pass over the headers: read what the proxy needs, and write the upstream head (the
    // request's lines minus what it rewrites).
    let out = `${method} ${path} HTTP/1.1\r\n`;
    let hasXfp = false;
    let upgrade = false;
    let connection: string | undefined;
    for (let i = 0; i < head.names.length; i++) {
      const n = head.names[i]!;
      const line = head.lines[i]!;
      switch (n) {
        case 'host': ex.authority = valueOf(line); break;
        case 'x-request-id': ex.requestId = valueOf(line); break;
        case 'connection': connection = valueOf(line); break;
        case 'upgrade': upgrade = true; break;
        case 'user-agent': ex.userAgent = valueOf(line); break;
        case 'x-forwarded-for': ex.forwardedFor = valueOf(line); break;
        case 'content-type': ex.grpc = line.includes('application/grpc'); break;
        case 'x-forwarded-proto': hasXfp = true; break;
        case PEER_METADATA: ex.peerMetadata = valueOf(line); break;
        // Outbound and gateway routes count attempts themselves; inbound passes the caller's count on.
        case ATTEMPT_COUNT: if (this.info.direction !== 'inbound') continue; break;
      }
      if (DROP_REQUEST.has(n)) continue;
      out += `${line}\r\n`;
    }
    if (!ex.requestId) ex.requestId = generateRequestId();
    if (upgrade) out += 'connection: upgrade\r\n';
    out += `x-request-id: ${ex.requestId}\r\n`;
    if (!hasXfp) out += 'x-forwarded-proto: http\r\n';
    if (this.info.direction !== 'inbound') out += `${PEER_METADATA}: ${state.peerMetadata}\r\n${PEER_METADATA_ID}: ${state.nodeId}\r\n${ATTEMPT_COUNT}: 1\r\n`;
    out += '\r\n';
    const a: Active = {
      ex,
      req: new BodyTracker(framing),
      closeAfter: connection !== undefined && /(^|,)\s*close\s*(,|$)/i.test(connection),
      headOnly: method === 'HEAD',
      target: { host: '', port: 0 },
      head: out,
      bodySent: false,
      reused: false,
      retried: false,
      upClose: false,
      upStart: 0,
      responding: false,
      counted: false,
      upgrade,
      tunnel: false,
    };
    this.a = a;

    const view: RequestView = { method, path, authority: ex.authority, scheme: 'http', header: (name) => headerValues(head, name) };
    const decision = routeRequest(state, this.info, ex, view);
    if ('reply' in decision) {
      this.localReply(a, decision.reply, body);
      return;
    }
    a.target = decision.target;
    if (decision.decorator) a.decorator = decision.decorator;
    if (ex.host) {
      ex.host.active++;
      a.counted = true;
    }
    this.connect(a, body);
  }

  private connect(a: Active, body: Buffer | undefined, fresh = false): void {
    const user: UpstreamUser = {
      data: (d) => {
        try {
          this.onUpstreamData(a, d);
        } catch (err) {
          this.protocolError(err as Error, false);
        }
      },
      gone: (err) => this.onUpstreamGone(a, socket, err),
      drain: () => this.sock.resume(),
    };
    const { socket, reused } = this.ctx.pool.acquire(a.target.host, a.target.port, sourceAddress(a.target.host, this.ctx.state.podIP).localAddress, user, a.ex.cluster?.connectTimeoutMs, fresh);
    a.up = socket;
    a.reused = reused;
    a.upStart = performance.now();
    // The body bytes that came with the head belong to this request now, before any later chunk.
    let first: Buffer | undefined;
    if (body && body.length) {
      const n = a.req.take(body, 0);
      if (n > 0) {
        first = body.subarray(0, n);
        a.bodySent = true;
      }
      if (n < body.length) this.buf = body.subarray(n);
    }
    const send = () => {
      a.ex.upstreamLocal = `${socket.localAddress}:${socket.localPort}`;
      if (first) {
        // Head and first body bytes in one writev.
        socket.cork();
        socket.write(a.head, 'latin1');
        socket.write(first);
        socket.uncork();
      } else socket.write(a.head, 'latin1');
      if (!a.req.done) this.sock.resume();
    };
    if (socket.connecting) socket.once('connect', send);
    else send();
  }

  private requestBody(a: Active, chunk: Buffer, offset: number): void {
    const n = a.req.take(chunk, offset);
    const part = offset === 0 && n === chunk.length ? chunk : chunk.subarray(offset, offset + n);
    if (n < chunk.length - offset) this.buf = chunk.subarray(offset + n);
    if (a.up && !a.up.connecting) {
      a.bodySent = true;
      if (!a.up.write(part)) this.sock.pause();
    } else if (a.up) {
      a.bodySent = true;
      const up = a.up;
      up.once('connect', () => up.write(part));
    }
    if (a.req.done && this.buf) this.sock.pause();
  }

  private onUpstreamData(a: Active, d: Buffer): void {
    if (a.ex.finished) return;
    if (a.tunnel) {
      a.ex.bytesOut += d.length;
      if (!this.sock.write(d)) {
        a.up!.pause();
        this.sock.once('drain', () => a.up?.resume());
      }
      return;
    }
    if (!a.res) {
      a.respBuf = a.respBuf ? Buffer.concat([a.respBuf, d]) : d;
      let head: Head | undefined;
      try {
        head = parseHead(a.respBuf, false);
      } catch {
        this.fail(a, localReplies.protocolError());
        return;
      }
      if (!head) return;
      const status = Number(head.first[1]);
      const rest = a.respBuf.subarray(head.length);
      a.respBuf = undefined;
      if (status === 101 && a.upgrade) {
        this.startTunnel(a, head, rest);
        return;
      }
      if (status >= 100 && status < 200) {
        // 100 Continue and friends: pass on, keep waiting for the final response.
        this.sock.write(`${head.first.join(' ')}\r\n${head.lines.map((l) => `${l}\r\n`).join('')}\r\n`, 'latin1');
        if (rest.length) this.onUpstreamData(a, rest);
        return;
      }
      let framing;
      try {
        framing = responseFraming(head, status, a.headOnly);
      } catch {
        this.fail(a, localReplies.protocolError());
        return;
      }
      a.res = new BodyTracker(framing);
      a.ex.status = status;
      a.ex.details = 'via_upstream';
      a.ex.upstreamServiceTime = Math.round(performance.now() - a.upStart);
      const upClose = headerValue(head, 'connection');
      a.upClose = framing.kind === 'close' || (upClose !== undefined && /close/i.test(upClose));
      if (framing.kind === 'close') a.closeAfter = true;
      a.responding = true;
      let out = `HTTP/1.1 ${head.first[1]} ${head.first[2]}\r\n`;
      for (let i = 0; i < head.names.length; i++) if (!DROP_RESPONSE.has(head.names[i]!)) out += `${head.lines[i]!}\r\n`;
      out += `x-envoy-upstream-service-time: ${a.ex.upstreamServiceTime}\r\n${SERVER_LINE}`;
      if (this.info.direction === 'inbound') {
        out += `${PEER_METADATA}: ${this.ctx.state.peerMetadata}\r\n${PEER_METADATA_ID}: ${this.ctx.state.nodeId}\r\n`;
        if (a.decorator) out += `x-envoy-decorator-operation: ${a.decorator}\r\n`;
      }
      if (a.closeAfter) out += 'connection: close\r\n';
      out += '\r\n';
      const n = rest.length ? a.res.take(rest, 0) : 0;
      let ok: boolean;
      if (n > 0) {
        // Head and first body bytes in one writev, without copying them into one buffer.
        this.sock.cork();
        this.sock.write(out, 'latin1');
        ok = this.sock.write(rest.subarray(0, n));
        this.sock.uncork();
      } else ok = this.sock.write(out, 'latin1');
      if (a.res.done) this.complete(a, a.up!, a.upClose);
      else if (!ok) {
        a.up!.pause();
        this.sock.once('drain', () => a.up?.resume());
      }
      return;
    }
    const n = a.res.take(d, 0);
    if (!this.sock.write(n === d.length ? d : d.subarray(0, n))) {
      a.up!.pause();
      this.sock.once('drain', () => a.up?.resume());
    }
    if (a.res.done) this.complete(a, a.up!, a.upClose);
  }

  /** 101 Switching Protocols: pass the answer on, then relay bytes both ways until either side closes. */
  private startTunnel(a: Active, head: Head, rest: Buffer): void {
    a.tunnel = true;
    a.responding = true;
    a.ex.status = 101;
    a.ex.details = 'via_upstream';
    a.ex.upstreamServiceTime = Math.round(performance.now() - a.upStart);
    let out = `HTTP/1.1 101 ${head.first[2]}\r\n`;
    for (let i = 0; i < head.names.length; i++) if (!DROP_RESPONSE.has(head.names[i]!)) out += `${head.lines[i]!}\r\n`;
    out += `connection: upgrade\r\nx-envoy-upstream-service-time: ${a.ex.upstreamServiceTime}\r\n${SERVER_LINE}\r\n`;
    this.sock.write(out, 'latin1');
    if (rest.length) {
      a.ex.bytesOut += rest.length;
      this.sock.write(rest);
    }
    // Whatever the client sent after its request head already belongs to the new protocol.
    if (this.buf) {
      a.ex.bytesIn += this.buf.length;
      a.up!.write(this.buf);
      this.buf = undefined;
    }
    this.sock.resume();
  }

  /** The upstream connection errored or closed. */
  private onUpstreamGone(a: Active, socket: Socket, err: NodeJS.ErrnoException | undefined): void {
    if (a.up !== socket || a.ex.finished) return;
    if (a.tunnel) {
      if (err) a.ex.flags = 'UC';
      this.releaseHost(a);
      a.up = undefined;
      this.sock.end();
      this.done = true;
      this.finish(a);
      return;
    }
    if (a.res) {
      if (a.res.closed()) {
        this.complete(a, socket, true);
        return;
      }
      a.ex.flags = 'UC';
      this.sock.destroy();
      return;
    }
    // A pooled connection the server had closed: try once more on a new one, if nothing was lost.
    if (a.reused && !a.retried && !a.bodySent) {
      a.retried = true;
      socket.destroy();
      this.connect(a, undefined, true);
      return;
    }
    const connected = !socket.connecting && a.ex.upstreamLocal !== '-';
    this.fail(a, upstreamFailure(err ?? Object.assign(new Error('closed'), { code: 'ECONNRESET' }), connected));
  }

  private fail(a: Active, r: LocalReply): void {
    a.up?.destroy();
    if (a.responding) {
      a.ex.flags = r.flag;
      this.sock.destroy();
      return;
    }
    this.localReply(a, r, undefined);
  }

  private complete(a: Active, socket: Socket, upstreamClosing: boolean): void {
    // Answered before the request body ended: its remaining bytes must not be read as a next request.
    if (!a.req.done) a.closeAfter = true;
    this.releaseHost(a);
    a.up = undefined;
    if (upstreamClosing || !a.req.done) socket.destroy();
    else this.ctx.pool.release(socket);
    this.finish(a);
    this.endExchange(a);
  }

  private localReply(a: Active, r: LocalReply, body: Buffer | undefined): void {
    a.ex.status = r.status;
    a.ex.flags = r.flag;
    a.ex.details = r.details;
    // Whatever of the request body already arrived is dropped; if more is coming, the connection closes.
    if (body) a.req.take(body, 0);
    if (!a.req.done) a.closeAfter = true;
    const payload = Buffer.from(r.body);
    a.ex.bytesOut = payload.length;
    this.sock.write(
      `HTTP/1.1 ${r.status} ${STATUS_CODES[r.status] ?? ''}\r\ncontent-length: ${payload.length}\r\ncontent-type: text/plain\r\ndate: ${new Date().toUTCString()}\r\n${SERVER_LINE}${a.closeAfter ? 'connection: close\r\n' : ''}\r\n${r.body}`,
      'latin1',
    );
    this.releaseHost(a);
    this.finish(a);
    this.endExchange(a);
  }

  /** Leaves the endpoint's in-flight count, once, whichever way the exchange ends. */
  private releaseHost(a: Active): void {
    if (a.counted && a.ex.host) a.ex.host.active--;
    a.counted = false;
  }

  private finish(a: Active): void {
    if (!a.tunnel) {
      a.ex.bytesIn = a.req.bodyBytes;
      if (a.res) a.ex.bytesOut = a.res.bodyBytes;
    }
    this.ctx.telemetry.finish(this.info, a.ex);
  }

  private endExchange(a: Active): void {
    this.a = undefined;
    if (a.closeAfter || (this.downstreamEnded && !this.buf)) {
      this.sock.end();
      this.done = true;
      return;
    }
    this.sock.resume();
    if (this.buf) this.next();
  }

  /**
   * Refuses a request the codec cannot take (Envoy's codec errors): answered with connection: close,
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
      `HTTP/1.1 ${r.status} ${STATUS_CODES[r.status] ?? ''}\r\ncontent-length: ${ex.bytesOut}\r\ncontent-type: text/plain\r\ndate: ${new Date().toUTCString()}\r\n${SERVER_LINE}connection: close\r\n\r\n${r.body}`,
      'latin1',
    );
    this.done = true;
    this.buf = undefined;
    this.ctx.telemetry.finish(this.info, ex);
  }
}

function valueOf(line: string): string {
  return line.slice(line.indexOf(':') + 1).trim();
}

/** Every value of a header, joined by "," as one field (RFC 9110 5.3), for route matching. */
function headerValues(h: Head, name: string): string | undefined {
  let out: string | undefined;
  for (let i = 0; i < h.names.length; i++) {
    if (h.names[i] !== name) continue;
    const v = valueOf(h.lines[i]!);
    out = out === undefined ? v : `${out},${v}`;
  }
  return out;
}
