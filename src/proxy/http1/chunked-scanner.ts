// Finds where a chunked body ends while its bytes pass through untouched. Only the framing (size
// lines, extensions, trailers) is read byte by byte; chunk data is skipped by length. Framing that a
// backend could read differently (RFC 9112 section 7.1) is an error: bare CR or LF, controls,
// sizes that are not hex or overflow, trailer lines that are folded or not fields.

import { MAX_REQUEST_HEAD } from './head.js';

const enum S { Size, SizeExt, SizeLF, Data, DataCR, DataLF, Trailer, TrailerName, TrailerValue, TrailerLF, Done }

export class ChunkedScanner {
  private s = S.Size;
  private size = 0;
  private sawDigit = false;
  /** Bytes of the trailer section so far: limited like a head. */
  private trailerBytes = 0;
  /** Where LF after CR leads: the next chunk's data, the trailer section, or the end. */
  private afterLF = S.Data;
  /** Payload bytes seen (chunk data, without the framing). */
  dataBytes = 0;

  get done(): boolean {
    return this.s === S.Done;
  }

  /** Scans buf from offset; returns how many bytes belong to the body (the rest is the next message). Throws on bad framing. */
  scan(buf: Buffer, offset = 0): number {
    let i = offset;
    const n = buf.length;
    while (i < n && this.s !== S.Done) {
      const c = buf[i]!;
      switch (this.s) {
        case S.Size: {
          const v = hex(c);
          if (v >= 0) {
            this.size = this.size * 16 + v;
            this.sawDigit = true;
            if (this.size > Number.MAX_SAFE_INTEGER / 16) throw new Error('chunk size too large');
          } else if (c === 0x0d && this.sawDigit) this.toLF(this.size === 0 ? S.Trailer : S.Data);
          // BWS then ";" starts an extension.
          else if ((c === 0x3b || c === 0x20 || c === 0x09) && this.sawDigit) this.s = S.SizeExt;
          else throw new Error('bad chunk size');
          i++;
          break;
        }
        case S.SizeExt:
          // Extensions are ignored, but a bare LF or a control in one would split the line for some parsers.
          if (c === 0x0d) this.toLF(this.size === 0 ? S.Trailer : S.Data);
          else if (isCtl(c)) throw new Error('bad chunk extension');
          i++;
          break;
        case S.SizeLF:
        case S.TrailerLF:
          if (c !== 0x0a) throw new Error('bare CR in chunked framing');
          this.s = this.afterLF;
          if (this.s === S.Trailer && this.trailerBytes > MAX_REQUEST_HEAD) throw new Error('trailers size exceeds limit');
          i++;
          break;
        case S.Data: {
          const take = Math.min(this.size, n - i);
          this.size -= take;
          this.dataBytes += take;
          i += take;
          if (this.size === 0) this.s = S.DataCR;
          break;
        }
        case S.DataCR:
          if (c !== 0x0d) throw new Error('bad chunk end');
          this.s = S.DataLF;
          i++;
          break;
        case S.DataLF:
          if (c !== 0x0a) throw new Error('bad chunk end');
          this.s = S.Size;
          this.sawDigit = false;
          this.size = 0;
          i++;
          break;
        case S.Trailer:
          // Either the final CRLF or the first byte of a trailer field name (no folding, no empty name).
          if (c === 0x0d) this.toLF(S.Done);
          else if (TCHAR[c] === 1) this.s = S.TrailerName;
          else throw new Error('bad chunked trailer');
          this.trailerBytes++;
          i++;
          break;
        case S.TrailerName:
          if (c === 0x3a) this.s = S.TrailerValue;
          else if (TCHAR[c] !== 1) throw new Error('bad chunked trailer name');
          this.trailerBytes++;
          i++;
          break;
        case S.TrailerValue:
          if (c === 0x0d) this.toLF(S.Trailer);
          else if (isCtl(c)) throw new Error('bad chunked trailer value');
          this.trailerBytes++;
          i++;
          break;
        default:
          i++;
      }
    }
    return i - offset;
  }

  private toLF(next: S): void {
    this.s = next === S.Trailer || next === S.Done ? S.TrailerLF : S.SizeLF;
    this.afterLF = next;
  }
}

/** Controls other than HTAB (CR is handled before this is asked). */
function isCtl(c: number): boolean {
  return (c < 0x20 && c !== 0x09) || c === 0x7f;
}

// RFC 9110 token characters, as a table for the per-byte trailer scan.
const TCHAR = new Uint8Array(256);
for (const ch of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") TCHAR[ch.charCodeAt(0)] = 1;

function hex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}
