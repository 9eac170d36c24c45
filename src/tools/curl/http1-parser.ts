// Incremental HTTP/1.x response parsing that keeps every header line exactly
// as received (case, spacing, line ending), because -i, -D and -v print them
// verbatim.

import { CurlCode, CurlError } from './curl-error.js';

export interface ResponseHead {
  /** "1.1", "1.0" or "2". */
  version: string;
  status: number;
  reason: string;
  /** Status line and header lines as received, line endings included, then the blank line. */
  lines: string[];
  /** Parsed fields in arrival order; names keep their case. */
  fields: Array<[string, string]>;
  /** Bytes of the head on the wire, for %{size_header}. */
  size: number;
}

export type ParseEvent = { type: 'head'; head: ResponseHead } | { type: 'body'; data: Buffer } | { type: 'end' };

type Framing = { kind: 'none' } | { kind: 'length'; remaining: number } | { kind: 'chunked' } | { kind: 'close' };

type State = 'head' | 'body' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'trailers' | 'done';

export function field(head: ResponseHead, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (let i = head.fields.length - 1; i >= 0; i--) {
    const entry = head.fields[i] as [string, string];
    if (entry[0].toLowerCase() === lower) return entry[1];
  }
  return undefined;
}

export class Http1ResponseParser {
  private buffer: Buffer = Buffer.alloc(0);
  private state: State = 'head';
  private lines: string[] = [];
  private headSize = 0;
  private framing: Framing = { kind: 'none' };
  private chunkRemaining = 0;
  /** Total bytes seen, to tell "empty reply" from a cut-off one. */
  received = 0;
  /** The last final (non-1xx) head. */
  finalHead: ResponseHead | undefined;
  /** Bytes after the end of the message, belonging to nothing. */
  leftover: Buffer = Buffer.alloc(0);
  /** Head bytes consumed so far, 1xx heads included. */
  private headBytes = 0;

  constructor(private readonly headRequest: boolean) {}

  /** Body bytes as they came off the wire (chunk framing included), which is what -v counts. */
  get rawBodyBytes(): number {
    return this.received - this.headBytes - this.buffer.length - this.leftover.length;
  }

  get done(): boolean {
    return this.state === 'done';
  }

  /** Whether the server expects the connection to close after this message. */
  get closeDelimited(): boolean {
    return this.framing.kind === 'close';
  }

  push(chunk: Buffer): ParseEvent[] {
    this.received += chunk.length;
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const events: ParseEvent[] = [];
    for (;;) {
      const progressed = this.step(events);
      if (!progressed || this.state === 'done') break;
    }
    if (this.state === 'done') {
      this.leftover = this.buffer;
      this.buffer = Buffer.alloc(0);
    }
    return events;
  }

  /** The peer closed; returns the closing events or throws what curl reports. */
  finish(): ParseEvent[] {
    if (this.state === 'done') return [];
    if (this.state === 'body' && this.framing.kind === 'close') {
      this.state = 'done';
      return [{ type: 'end' }];
    }
    if (this.state === 'head' && this.finalHead === undefined) {
      throw new CurlError(CurlCode.GOT_NOTHING, 'Empty reply from server');
    }
    if (this.state === 'body' && this.framing.kind === 'length') {
      throw new CurlError(
        CurlCode.PARTIAL_FILE,
        `transfer closed with ${this.framing.remaining} bytes remaining to read`,
      );
    }
    throw new CurlError(CurlCode.PARTIAL_FILE, 'transfer closed with outstanding read data remaining');
  }

  private takeLine(): string | undefined {
    const nl = this.buffer.indexOf(0x0a);
    if (nl === -1) return undefined;
    const line = this.buffer.subarray(0, nl + 1).toString('latin1');
    this.buffer = this.buffer.subarray(nl + 1);
    return line;
  }

  private step(events: ParseEvent[]): boolean {
    switch (this.state) {
      case 'head':
        return this.stepHead(events);
      case 'body':
        return this.stepBody(events);
      case 'chunk-size': {
        const line = this.takeLine();
        if (line === undefined) return false;
        const size = Number.parseInt(line.trim().split(';')[0] ?? '', 16);
        if (Number.isNaN(size)) throw new CurlError(CurlCode.RECV_ERROR, 'Illegal or missing hexadecimal sequence in chunked-encoding');
        this.chunkRemaining = size;
        this.state = size === 0 ? 'trailers' : 'chunk-data';
        return true;
      }
      case 'chunk-data': {
        if (this.buffer.length === 0) return false;
        const n = Math.min(this.chunkRemaining, this.buffer.length);
        events.push({ type: 'body', data: this.buffer.subarray(0, n) });
        this.buffer = this.buffer.subarray(n);
        this.chunkRemaining -= n;
        if (this.chunkRemaining === 0) this.state = 'chunk-crlf';
        return true;
      }
      case 'chunk-crlf': {
        const line = this.takeLine();
        if (line === undefined) return false;
        this.state = 'chunk-size';
        return true;
      }
      case 'trailers': {
        const line = this.takeLine();
        if (line === undefined) return false;
        if (line === '\r\n' || line === '\n') this.complete(events);
        return true;
      }
      case 'done':
        return false;
    }
  }

  private stepHead(events: ParseEvent[]): boolean {
    if (this.lines.length === 0 && this.buffer.length > 0) {
      const probe = this.buffer.subarray(0, 5).toString('latin1');
      if (!'HTTP/'.startsWith(probe) && !probe.startsWith('HTTP/')) {
        throw new CurlError(CurlCode.UNSUPPORTED_PROTOCOL, 'Received HTTP/0.9 when not allowed');
      }
    }
    const line = this.takeLine();
    if (line === undefined) return false;
    this.lines.push(line);
    this.headSize += line.length;
    this.headBytes += line.length;
    if (this.lines.length > 1 && (line === '\r\n' || line === '\n')) {
      const head = this.buildHead();
      events.push({ type: 'head', head });
      this.lines = [];
      this.headSize = 0;
      if (head.status >= 100 && head.status < 200 && head.status !== 101) return true;
      this.finalHead = head;
      this.framing = this.framingFor(head);
      if (this.framing.kind === 'none') this.complete(events);
      else this.state = this.framing.kind === 'chunked' ? 'chunk-size' : 'body';
    }
    return true;
  }

  private stepBody(events: ParseEvent[]): boolean {
    if (this.buffer.length === 0) return false;
    if (this.framing.kind === 'length') {
      const n = Math.min(this.framing.remaining, this.buffer.length);
      events.push({ type: 'body', data: this.buffer.subarray(0, n) });
      this.buffer = this.buffer.subarray(n);
      this.framing.remaining -= n;
      if (this.framing.remaining === 0) this.complete(events);
      return true;
    }
    events.push({ type: 'body', data: this.buffer });
    this.buffer = Buffer.alloc(0);
    return false;
  }

  private complete(events: ParseEvent[]): void {
    this.state = 'done';
    events.push({ type: 'end' });
  }

  private buildHead(): ResponseHead {
    const statusLine = (this.lines[0] ?? '').replace(/\r?\n$/, '');
    const match = /^HTTP\/(\d(?:\.\d)?) +(\d{3})(?: (.*))?$/.exec(statusLine);
    if (!match) throw new CurlError(CurlCode.WEIRD_SERVER_REPLY, 'Unsupported HTTP version in response');
    const fields: Array<[string, string]> = [];
    for (const raw of this.lines.slice(1, -1)) {
      const text = raw.replace(/\r?\n$/, '');
      const colon = text.indexOf(':');
      if (colon <= 0) continue;
      fields.push([text.slice(0, colon), text.slice(colon + 1).trim()]);
    }
    return {
      version: match[1] as string,
      status: Number(match[2]),
      reason: match[3] ?? '',
      lines: this.lines,
      fields,
      size: this.headSize,
    };
  }

  private framingFor(head: ResponseHead): Framing {
    if (this.headRequest || head.status === 204 || head.status === 304) return { kind: 'none' };
    const te = field(head, 'transfer-encoding');
    if (te && /chunked/i.test(te)) return { kind: 'chunked' };
    const length = field(head, 'content-length');
    if (length !== undefined && /^\d+$/.test(length)) {
      const n = Number(length);
      return n === 0 ? { kind: 'none' } : { kind: 'length', remaining: n };
    }
    return { kind: 'close' };
  }
}
