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

  // With Expect: 100-continue the body waits for the server's go-ahead (or a second).
  const expect = req.spec.expectContinue && body !== undefined && body.length > 0;
  let bodySent = !expect;
  const noteBody = (): void => {
    if (!body || body.length === 0) return;
    trace.dataOut(body.length);
    meter.setUploadSize(body.length);
    meter.addUploaded(body.length);
  };
  const sendHeldBody = (): void => {
    if (bodySent || !body) return;
    bodySent = true;
    conn.socket.write(body);
    noteBody();
    trace.info('We are completely uploaded and fine');
  };

  trace.headerOut(head);
  conn.socket.write(body && !expect ? Buffer.concat([headBytes, body]) : headBytes);
  if (!expect) {
    noteBody();
    if (req.upload) trace.info('We are completely uploaded and fine');
  }
  handler.onRequestSent(headBytes.length + (body?.length ?? 0));
  if (expect && !(await reader.waitForData(1000))) {
    trace.info('Done waiting for 100-continue');
    sendHeldBody();
  }

  const parser = new Http1ResponseParser(req.headOnly);
  let action: BodyAction = 'deliver';
  let finalHead: ResponseHead | undefined;

  // rawBody: body bytes this read carried, noted in -v after any head lines it also carried.
  const handle = async (events: ReturnType<Http1ResponseParser['push']>, rawBody = 0): Promise<boolean> => {
    let noted = false;
    const note = (): void => {
      if (!noted) trace.dataIn(rawBody);
      noted = true;
    };
    for (const ev of events) {
      if (ev.type !== 'head') note();
      if (ev.type === 'head') {
        const final = ev.head.status < 100 || ev.head.status >= 200 || ev.head.status === 101;
        if (ev.head.version === '1.0') trace.info('HTTP 1.0, assume close after body');
        // curl leaves the blank line after an interim response out of -v.
        for (const line of final ? ev.head.lines : ev.head.lines.slice(0, -1)) trace.headerIn(line);
        if (!final && ev.head.status === 100) sendHeldBody();
        const chosen = await handler.onHead(ev.head, final);
        if (final) {
          finalHead = ev.head;
          action = chosen;
          if (action === 'stop') return true;
        }
      } else if (ev.type === 'body') {
        if (action === 'deliver') await handler.onBody(ev.data);
      }
    }
    note();
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
      const bodyBefore = parser.rawBodyBytes;
      const events = parser.push(chunk);
      stop = await handle(events, parser.rawBodyBytes - bodyBefore);
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
    bodySent &&
    parser.done &&
    !parser.closeDelimited &&
    !reader.exhausted &&
    (finalHead.version === '1.1' ? !connection.includes('close') : connection.includes('keep-alive'));
  return { head: finalHead, reusable, stopped: false };
}
