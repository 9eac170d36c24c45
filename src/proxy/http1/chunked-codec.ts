// Chunked transfer coding between HTTP/1.1 and the codec-independent stream, which carries payload
// only: the decoder strips the framing from bytes the BodyTracker has already checked and bounded
// (so it trusts them), as subarrays without copying; the encoder frames payload for an HTTP/1.1 peer.

import type { Socket } from 'node:net';

const enum S { Size, Line, Data, DataEnd, Trailer }

export class ChunkedDecoder {
  private s = S.Size;
  private size = 0;
  /** Payload pieces found by the last decode(), reused between calls. */
  readonly pieces: Buffer[] = [];

  /** Splits validated chunked bytes into payload pieces (see `pieces`). */
  decode(buf: Buffer): Buffer[] {
    const pieces = this.pieces;
    pieces.length = 0;
    let i = 0;
    const n = buf.length;
    while (i < n) {
      switch (this.s) {
        case S.Size: {
          const c = buf[i++]!;
          if (c === 0x0d || c === 0x3b || c === 0x20 || c === 0x09) this.s = S.Line;
          else this.size = this.size * 16 + hexValue(c);
          break;
        }
        case S.Line:
          // The rest of the size line (extensions) up to its LF.
          if (buf[i++] === 0x0a) this.s = this.size === 0 ? S.Trailer : S.Data;
          break;
        case S.Data: {
          const take = Math.min(this.size, n - i);
          pieces.push(i === 0 && take === n ? buf : buf.subarray(i, i + take));
          this.size -= take;
          i += take;
          if (this.size === 0) this.s = S.DataEnd;
          break;
        }
        case S.DataEnd:
          if (buf[i++] === 0x0a) this.s = S.Size;
          break;
        default:
          // Trailers and the final CRLF: the body tracker knows where they end.
          return pieces;
      }
    }
    return pieces;
  }
}

function hexValue(c: number): number {
  return c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57;
}

/** Writes one payload piece as a chunk (head, data and CRLF in one writev). */
export function writeChunk(socket: Socket, data: Buffer): boolean {
  socket.cork();
  socket.write(`${data.length.toString(16)}\r\n`, 'latin1');
  socket.write(data);
  const ok = socket.write('\r\n', 'latin1');
  socket.uncork();
  return ok;
}

export const LAST_CHUNK = '0\r\n\r\n';
