// A request to an upstream as one stream on the endpoint's HTTP/2 session.

import { constants, type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders } from 'node:http2';
import { headerObject, ObjectHeaderView, removeHopByHop, type HeaderView } from '../codec/header-view.js';
import type { H2Sessions } from './h2-sessions.js';
import { CountedRequest, EMPTY, type UpstreamCallbacks, type UpstreamRequest, type UpstreamTarget } from './upstream.js';

const enum State { Waiting, Responding, Done }

export class H2UpstreamRequest extends CountedRequest implements UpstreamRequest {
  private state = State.Waiting;
  private stream: ClientHttp2Stream | undefined;
  private session: ClientHttp2Session | undefined;
  private requestEnded = false;
  localAddress = '-';

  constructor(
    private readonly sessions: H2Sessions,
    private readonly target: UpstreamTarget,
    private readonly cb: UpstreamCallbacks,
  ) {
    super(target.host);
  }

  sendHeaders(method: string, path: string, authority: string, headers: HeaderView, endStream: boolean): void {
    const session = this.sessions.sessionFor(this.target.address, this.target.cluster.connectTimeoutMs);
    this.session = session;
    this.requestEnded = endStream;
    // The authority travels as :authority; a Host header would repeat it.
    const h: Record<string, string | string[]> = headerObject(headers, 'host');
    h[':method'] = method;
    h[':path'] = path;
    h[':authority'] = authority;
    h[':scheme'] = 'http';
    let stream: ClientHttp2Stream;
    try {
      stream = session.request(h, { endStream });
    } catch (err) {
      this.fail(err as NodeJS.ErrnoException, false);
      return;
    }
    this.stream = stream;
    stream.on('response', (rh: IncomingHttpHeaders) => this.onResponse(rh, stream));
    stream.on('data', (d: Buffer) => {
      if (this.state === State.Responding && !this.cb.onUpstreamData(d, false)) stream.pause();
    });
    stream.on('end', () => {
      if (this.state !== State.Responding) return;
      this.end();
      this.cb.onUpstreamData(EMPTY, true);
    });
    stream.on('drain', () => this.cb.onUpstreamDrain());
    // A failed stream reports 'error' and then 'close': answered once.
    stream.on('error', (err: NodeJS.ErrnoException) => this.fail(err));
    stream.on('close', () => this.fail(Object.assign(new Error('stream closed'), { code: 'ECONNRESET' })));
  }

  private onResponse(rh: IncomingHttpHeaders, stream: ClientHttp2Stream): void {
    if (this.state !== State.Waiting) return;
    const sock = this.session?.socket;
    if (sock) this.localAddress = `${sock.localAddress}:${sock.localPort}`;
    const status = Number(rh[':status'] ?? 502);
    const headers = new ObjectHeaderView(rh);
    removeHopByHop(headers);
    if (status < 200) {
      this.cb.onUpstreamInformational(status, headers);
      return;
    }
    if (stream.endAfterHeaders) {
      this.end();
      this.cb.onUpstreamHeaders(status, headers, true);
      return;
    }
    this.state = State.Responding;
    this.cb.onUpstreamHeaders(status, headers, false);
  }

  sendData(data: Buffer, endStream: boolean): boolean {
    const s = this.stream;
    if (!s || this.requestEnded || this.state === State.Done) return true;
    if (endStream) {
      this.requestEnded = true;
      s.end(data.length ? data : undefined);
      return true;
    }
    return s.write(data);
  }

  pause(): void {
    this.stream?.pause();
  }

  resume(): void {
    this.stream?.resume();
  }

  abort(): void {
    if (this.state === State.Done) return;
    this.end();
    this.stream?.close(constants.NGHTTP2_CANCEL);
  }

  /** connected: false when the stream never got a session to ride. */
  private fail(err: NodeJS.ErrnoException, connected = this.session !== undefined && !this.session.connecting): void {
    const state = this.state;
    if (state === State.Done) return;
    this.end();
    this.cb.onUpstreamReset(state === State.Responding || connected ? { kind: 'connection-termination' } : { kind: 'connect-failure', err });
  }

  private end(): void {
    this.state = State.Done;
    this.release();
  }
}
