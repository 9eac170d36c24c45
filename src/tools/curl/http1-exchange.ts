// One HTTP/1.x request and its response over a connected socket.

import type { Connection } from './connect.js';
import type { ExchangeOutcome, ExchangeRequest, ExchangeTools, ResponseHandler, BodyAction } from './exchange.js';
import { Http1ResponseParser, field, type ResponseHead } from './http1-parser.js';
import { http1Head } from './request-head.js';
import { SocketReader } from './socket-reader.js';
import { transferError, type SystemError } from './socket-errors.js';
import { CurlError } from './curl-error.js';

export async function exchangeHttp1(
  conn: Connection,
  req: ExchangeRequest,
  handler: ResponseHandler,
  tools: ExchangeTools,
): Promise<ExchangeOutcome> {
  const { trace, meter } = tools;
  const reader = (conn.reader ??= new SocketReader(conn.socket));
  const head = http1Head(req.spec, req.lines, req.http1Version);
  const headBytes = Buffer.from(head, 'latin1');
  const body = req.spec.body;

  trace.headerOut(head);
  conn.socket.write(body ? Buffer.concat([headBytes, body]) : headBytes);
  if (body && body.length > 0) {
    trace.dataOut(body.length);
    meter.setUploadSize(body.length);
    meter.addUploaded(body.length);
  }
  handler.onRequestSent(headBytes.length + (body?.length ?? 0));

  const parser = new Http1ResponseParser(req.headOnly);
  let action: BodyAction = 'deliver';
  let finalHead: ResponseHead | undefined;

  const handle = async (events: ReturnType<Http1ResponseParser['push']>): Promise<boolean> => {
    for (const ev of events) {
      if (ev.type === 'head') {
        for (const line of ev.head.lines) trace.headerIn(line);
        const final = ev.head.status < 100 || ev.head.status >= 200 || ev.head.status === 101;
        const chosen = await handler.onHead(ev.head, final);
        if (final) {
          finalHead = ev.head;
          action = chosen;
          if (action === 'stop') return true;
        }
      } else if (ev.type === 'body') {
        trace.dataIn(ev.data.length);
        if (action === 'deliver') await handler.onBody(ev.data);
      }
    }
    return false;
  };

  for (;;) {
    let chunk: Buffer | null;
    try {
      chunk = await reader.read();
    } catch (err) {
      throw transferError(err as SystemError);
    }
    if (chunk === null) {
      await handle(parser.finish());
      break;
    }
    let stop: boolean;
    try {
      stop = await handle(parser.push(chunk));
    } catch (err) {
      if (err instanceof CurlError) throw err;
      throw transferError(err as SystemError);
    }
    if (stop && finalHead) return { head: finalHead, reusable: false, stopped: true };
    if (parser.done) break;
  }

  if (!finalHead) throw new Error('response ended without a head');
  reader.unshift(parser.leftover);
  const connection = field(finalHead, 'connection')?.toLowerCase() ?? '';
  const reusable =
    parser.done &&
    !parser.closeDelimited &&
    !reader.exhausted &&
    (finalHead.version === '1.1' ? !connection.includes('close') : connection.includes('keep-alive'));
  return { head: finalHead, reusable, stopped: false };
}
