// Finds where a chunked body ends while its bytes pass through untouched.

const enum S { Size, SizeExt, SizeLF, Data, DataCR, DataLF, Trailer, TrailerLF, TrailerLine, TrailerLineLF, Done }

export class ChunkedScanner {
  private s = S.Size;
  private size = 0;
  private sawDigit = false;
  /** Payload bytes seen (chunk data, without the framing). */
  dataBytes = 0;

  get done(): boolean {
    return this.s === S.Done;
  }

  /** Scans buf from offset; returns how many bytes belong to the body (the rest is the next message). */
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
          } else if (c === 0x0d && this.sawDigit) this.s = S.SizeLF;
          else if ((c === 0x3b || c === 0x20 || c === 0x09) && this.sawDigit) this.s = S.SizeExt;
          else throw new Error('bad chunk size');
          i++;
          break;
        }
        case S.SizeExt:
          if (c === 0x0d) this.s = S.SizeLF;
          i++;
          break;
        case S.SizeLF:
          if (c !== 0x0a) throw new Error('bad chunk size line');
          i++;
          this.s = this.size === 0 ? S.Trailer : S.Data;
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
          // Either the final CRLF or a trailer header line.
          this.s = c === 0x0d ? S.TrailerLF : S.TrailerLine;
          i++;
          break;
        case S.TrailerLF:
          if (c !== 0x0a) throw new Error('bad chunked trailer');
          this.s = S.Done;
          i++;
          break;
        case S.TrailerLine:
          if (c === 0x0d) this.s = S.TrailerLineLF;
          i++;
          break;
        case S.TrailerLineLF:
          if (c !== 0x0a) throw new Error('bad chunked trailer');
          this.s = S.Trailer;
          i++;
          break;
        default:
          i++;
      }
    }
    return i - offset;
  }
}

function hex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}
