// The codec for h2c and HTTP/1.0 (and anything else the HTTP/1.1 codec hands over): node's own
// servers parse and frame, and each request they emit becomes a stream like any other, its headers
// seen through a view over node's header object.

import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createH2Server, type Http2Server, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import { performance } from 'node:perf_hooks';
import type { ActiveStream } from '../http/active-stream.js';
import { connectionInfoOf } from '../http/connection-info.js';
import type { ConnectionManager } from '../http/connection-manager.js';
import type { DownstreamEncoder } from '../http/downstream-encoder.js';
import { newExchange } from '../http/exchange.js';
import { headerObject, ObjectHeaderView, removeHopByHop, type HeaderRecord, type HeaderView } from './header-view.js';

type NodeRequest = IncomingMessage | Http2ServerRequest;
type NodeResponse = ServerResponse | Http2ServerResponse;

const EMPTY = Buffer.alloc(0);

export class NodeCodec {
  /** HTTP/1.0 (and CONNECT), handed over by the HTTP/1.1 codec. */
  readonly http1: HttpServer;
  /** h2c, after the listener sniffed the HTTP/2 preface. */
  readonly http2: Http2Server;

  constructor(private readonly streams: ConnectionManager) {
    const handler = (req: NodeRequest, res: NodeResponse): void => this.handle(req, res);
    this.http1 = createHttpServer({ requestTimeout: 0, headersTimeout: 60_000, keepAliveTimeout: 300_000 }, handler);
    this.http2 = createH2Server({}, handler);
  }

  private handle(req: NodeRequest, res: NodeResponse): void {
    const isH2 = req.httpVersionMajor === 2;
    const info = connectionInfoOf(isH2 ? (req as Http2ServerRequest).stream.session?.socket : (req as IncomingMessage).socket);
    if (!info) {
      res.destroy();
      return;
    }
    const headers = new ObjectHeaderView(req.headers as HeaderRecord);
    const authority = (isH2 ? headers.get(':authority') : headers.get('host')) ?? '';
    removeHopByHop(headers);
    const ex = newExchange(req.method ?? 'GET', req.url ?? '/', isH2 ? 'HTTP/2' : `HTTP/${req.httpVersion}`, authority, '', performance.now());
    const encoder = new NodeStreamEncoder(req, res, isH2 ? 'http2' : 'http1');
    const stream = this.streams.newStream(encoder, info, ex, false);
    encoder.stream = stream;
    // HTTP/2 says when the headers end the request; HTTP/1.0 bodies need a length.
    const endStream = isH2 ? (req as Http2ServerRequest).stream.endAfterHeaders : !hasBody(headers);
    req.on('data', (d: Buffer) => stream.decodeData(d, false));
    if (!endStream) req.on('end', () => stream.decodeData(EMPTY, true));
    res.on('finish', () => stream.onComplete());
    res.on('close', () => stream.onDownstreamReset());
    res.on('drain', () => stream.onDownstreamDrain());
    stream.decodeHeaders(headers, endStream);
  }
}

function hasBody(h: HeaderView): boolean {
  const cl = h.get('content-length');
  return (cl !== undefined && cl !== '0') || h.has('transfer-encoding');
}

class NodeStreamEncoder implements DownstreamEncoder {
  stream: ActiveStream | undefined;
  /** The response as a plain writable: both response kinds write alike. */
  private readonly body: NodeJS.WritableStream;

  constructor(
    private readonly req: NodeRequest,
    private readonly res: NodeResponse,
    readonly protocol: DownstreamEncoder['protocol'],
  ) {
    this.body = res as unknown as NodeJS.WritableStream;
  }

  newResponseHeaders(): HeaderView {
    return new ObjectHeaderView();
  }

  /** node answers 100-continue itself. */
  encodeInformational(): void {}

  encodeHeaders(status: number, headers: HeaderView, endStream: boolean): void {
    try {
      this.res.writeHead(status, headerObject(headers));
    } catch {
      // Headers node refuses to send: the stream cannot be answered.
      this.stream?.resetDownstream();
      return;
    }
    if (endStream) this.end();
  }

  encodeData(data: Buffer, endStream: boolean): boolean {
    if (endStream) {
      if (data.length) this.body.write(data);
      this.end();
      return true;
    }
    return this.body.write(data);
  }

  /** The response is complete; what the client still sends is read and dropped, so the connection stays usable. */
  private end(): void {
    this.res.end();
    this.req.resume();
  }

  pauseReading(): void {
    this.req.pause();
  }

  resumeReading(): void {
    this.req.resume();
  }

  reset(): void {
    this.res.destroy();
  }
}
