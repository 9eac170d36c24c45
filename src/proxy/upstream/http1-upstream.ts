// A request to an upstream over HTTP/1.1 on a pooled raw connection. The head goes out as text (the
// header view's untouched lines as they came); the response head is parsed with the same HTTP/1.x
// head parser as requests, and its body framed by the body tracker and handed on as payload.

import type { Socket } from 'node:net';
import { ChunkedDecoder, LAST_CHUNK, writeChunk } from '../http1/chunked-codec.js';
import { BodyTracker } from '../http1/body-tracker.js';
import { parseHead, responseFraming } from '../http1/head.js';
import { http1Text, RawHeaderView, removeHopByHop, type HeaderView } from '../codec/header-view.js';
import type { Http1Pool, UpstreamUser } from './http1-pool.js';
import { CountedRequest, EMPTY, type UpstreamCallbacks, type UpstreamRequest, type UpstreamTarget } from './upstream.js';

/** Waiting: head sent, no response head yet. Responding: response body flowing. Tunnel: after 101. */
const enum State { Waiting, Responding, Tunnel, Done }


export class Http1UpstreamRequest extends CountedRequest implements UpstreamRequest, UpstreamUser {
  private state = State.Waiting;
  private socket: Socket | undefined;
  localAddress = '-';
  private head = '';
  private headOnly = false;
  private upgrade = false;
  private chunkedRequest = false;
  private requestEnded = false;
  /**
   * On a reused pooled connection, until any body byte is written: if the server had closed it, the
   * request goes once more on a new connection, nothing having been lost.
   */
  private retryable = false;
  private respBuf: Buffer | undefined;
  private res: BodyTracker | undefined;
  private dechunk: ChunkedDecoder | undefined;
  /** The upstream closes after this response: do not pool the connection. */
  private upClose = false;

  constructor(
    private readonly pool: Http1Pool,
    private readonly target: UpstreamTarget,
    private readonly cb: UpstreamCallbacks,
  ) {
    super(target.host);
  }

  sendHeaders(method: string, path: string, authority: string, headers: HeaderView, endStream: boolean, upgrade: boolean): void {
    this.headOnly = method === 'HEAD';
    this.upgrade = upgrade;
    this.requestEnded = endStream;
    let out = `${method} ${path} HTTP/1.1\r\n`;
    if (!headers.has('host')) out += `host: ${authority}\r\n`;
    out += http1Text(headers);
    if (upgrade) out += 'connection: upgrade\r\n';
    else if (!endStream && !headers.has('content-length')) {
      out += 'transfer-encoding: chunked\r\n';
      this.chunkedRequest = true;
    }
    this.head = `${out}\r\n`;
    this.dial(false);
  }

  /** `fresh` dials anew (after a pooled connection turned out closed by the server). */
  private dial(fresh: boolean): void {
    const { socket, reused } = this.pool.acquire(this.target.address, this, this.target.cluster.connectTimeoutMs, fresh);
    this.socket = socket;
    this.retryable = reused && !fresh;
    if (socket.connecting) socket.once('connect', () => this.markConnected(socket));
    else this.markConnected(socket);
    if (!this.requestEnded) {
      // Head and the first body bytes (sent in this same turn) leave in one write.
      socket.cork();
      process.nextTick(uncork, socket);
    }
    socket.write(this.head, 'latin1');
  }

  private markConnected(socket: Socket): void {
    this.localAddress = `${socket.localAddress}:${socket.localPort}`;
  }

  sendData(data: Buffer, endStream: boolean): boolean {
    const s = this.socket;
    if (this.state === State.Done || !s) return true;
    let ok = true;
    if (this.state === State.Tunnel) {
      if (data.length) ok = s.write(data);
      if (endStream) s.end();
      return ok;
    }
    if (this.requestEnded) return true;
    if (data.length) this.retryable = false;
    if (this.chunkedRequest) {
      if (data.length) ok = writeChunk(s, data);
      if (endStream) ok = s.write(LAST_CHUNK, 'latin1');
    } else if (data.length) ok = s.write(data);
    if (endStream) this.requestEnded = true;
    return ok;
  }

  pause(): void {
    this.socket?.pause();
  }

  resume(): void {
    this.socket?.resume();
  }

  abort(): void {
    if (this.state === State.Done) return;
    this.state = State.Done;
    this.release();
    this.socket?.destroy();
  }

  // UpstreamUser: the pool forwards the connection's events while this request holds it.

  data(d: Buffer): void {
    try {
      this.onData(d);
    } catch {
      this.fail();
    }
  }

  drain(): void {
    this.cb.onUpstreamDrain();
  }

  gone(err: NodeJS.ErrnoException | undefined): void {
    switch (this.state) {
      case State.Done:
        return;
      case State.Tunnel:
        // A tunnel ends when either side closes; only an error is a failure.
        this.end();
        if (err) this.cb.onUpstreamReset({ kind: 'connection-termination' });
        else this.cb.onUpstreamData(EMPTY, true);
        return;
      case State.Responding:
        if (this.res!.closed()) {
          // A body read to close is complete now.
          this.end();
          this.cb.onUpstreamData(EMPTY, true);
          return;
        }
        this.end();
        this.cb.onUpstreamReset({ kind: 'connection-termination' });
        return;
      case State.Waiting:
        // A pooled connection the server had closed: once more on a new one, if nothing was lost.
        if (this.retryable) {
          this.socket?.destroy();
          this.dial(true);
          return;
        }
        this.end();
        this.cb.onUpstreamReset(this.localAddress !== '-' ? { kind: 'connection-termination' } : { kind: 'connect-failure', err: err ?? Object.assign(new Error('closed'), { code: 'ECONNRESET' }) });
    }
  }

  private onData(d: Buffer): void {
    switch (this.state) {
      case State.Tunnel:
        if (!this.cb.onUpstreamData(d, false)) this.socket?.pause();
        return;
      case State.Responding:
        this.body(d);
        return;
      case State.Done:
        return;
      case State.Waiting:
        break;
    }
    this.respBuf = this.respBuf ? Buffer.concat([this.respBuf, d]) : d;
    const head = parseHead(this.respBuf, false);
    if (!head) return;
    const status = Number(head.first[1]);
    const rest = this.respBuf.subarray(head.length);
    this.respBuf = undefined;
    const headers = new RawHeaderView(head.lines, head.names);
    if (status === 101 && this.upgrade) {
      this.state = State.Tunnel;
      const upgrade = headers.get('upgrade');
      removeHopByHop(headers);
      if (upgrade !== undefined) headers.set('upgrade', upgrade);
      this.cb.onUpstreamHeaders(101, headers, false);
      if (rest.length && this.state === State.Tunnel) this.cb.onUpstreamData(rest, false);
      return;
    }
    if (status < 200) {
      // 100 Continue and friends: passed on; the final response follows.
      removeHopByHop(headers);
      this.cb.onUpstreamInformational(status, headers);
      if (rest.length) this.onData(rest);
      return;
    }
    const framing = responseFraming(head, status, this.headOnly);
    const connection = headers.get('connection');
    this.upClose = framing.kind === 'close' || (connection !== undefined && /close/i.test(connection));
    this.res = new BodyTracker(framing);
    if (framing.kind === 'chunked') this.dechunk = new ChunkedDecoder();
    removeHopByHop(headers);
    this.state = State.Responding;
    if (this.res.done) {
      this.finish();
      this.cb.onUpstreamHeaders(status, headers, true);
      return;
    }
    this.cb.onUpstreamHeaders(status, headers, false);
    if (rest.length && this.state === State.Responding) this.body(rest);
  }

  private body(d: Buffer): void {
    const res = this.res!;
    const n = res.take(d, 0);
    const part = n === d.length ? d : d.subarray(0, n);
    const done = res.done;
    // Give the connection back before the stream ends, so the next request on it can reuse it.
    if (done) this.finish();
    let ok = true;
    if (this.dechunk) {
      const pieces = this.dechunk.decode(part);
      const last = pieces.length - 1;
      for (let i = 0; i <= last; i++) ok = this.cb.onUpstreamData(pieces[i]!, done && i === last);
      if (done && last < 0) this.cb.onUpstreamData(EMPTY, true);
    } else if (n > 0 || done) ok = this.cb.onUpstreamData(part, done);
    if (!ok && !done) this.socket?.pause();
  }

  /** The response is complete: back to the pool, unless the connection cannot carry another. */
  private finish(): void {
    const s = this.socket!;
    this.end();
    if (this.upClose || !this.requestEnded) s.destroy();
    else this.pool.release(s);
  }

  private end(): void {
    this.state = State.Done;
    this.release();
    this.socket = undefined;
  }

  /** A malformed response. */
  private fail(): void {
    if (this.state === State.Done) return;
    const s = this.socket;
    this.end();
    s?.destroy();
    this.cb.onUpstreamReset({ kind: 'protocol-error' });
  }
}

function uncork(s: Socket): void {
  s.uncork();
}
