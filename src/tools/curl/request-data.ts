// Turns -d/--data-*/--json/-T arguments into the bytes curl would send,
// reading @file and @- the way each option variant does.

import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { CurlCode, CurlError } from './curl-error.js';
import type { CurlOptions, DataPart } from './curl-options.js';
import { buildForm, type FormBody } from './multipart-form.js';

export interface RequestPayload {
  /** -d style data joined with '&' (or concatenated for --json). */
  data?: Buffer;
  json: boolean;
  /** -T contents and the file name, for URLs ending in '/'. */
  upload?: { body: Buffer; name: string };
  /** -F parts, already encoded. */
  form?: FormBody;
}

/** --data-urlencode: unreserved characters stay, space becomes '+', the rest %XX. */
export function urlEncode(text: string | Buffer): string {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  let out = '';
  for (const b of bytes) {
    const ch = String.fromCharCode(b);
    if (/[A-Za-z0-9\-._~]/.test(ch)) out += ch;
    else if (ch === ' ') out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks);
}

export class PayloadReader {
  private stdinCache: Buffer | undefined;

  constructor(
    private readonly stdin: Readable | undefined,
    private readonly warn: (text: string) => void,
  ) {}

  /** Contents of `name` ("-" is stdin); a missing file warns and reads as empty, as curl does. */
  async file(name: string): Promise<Buffer> {
    if (name === '-') {
      this.stdinCache ??= this.stdin ? await readAll(this.stdin) : Buffer.alloc(0);
      return this.stdinCache;
    }
    try {
      return await fs.promises.readFile(name);
    } catch {
      this.warn(`Couldn't read data from file "${name}", this makes an empty POST.`);
      return Buffer.alloc(0);
    }
  }

  async part(part: DataPart): Promise<Buffer> {
    const { kind, value } = part;
    if (kind === 'raw') return Buffer.from(value, 'utf8');
    if (kind === 'urlencode') return Buffer.from(await this.urlencoded(value), 'latin1');
    if (!value.startsWith('@')) return Buffer.from(value, 'utf8');
    const contents = await this.file(value.slice(1));
    // --data and --data-ascii drop line breaks from files; --data-binary and --json keep them.
    return kind === 'ascii' ? Buffer.from(contents.toString('latin1').replace(/[\r\n]/g, ''), 'latin1') : contents;
  }

  private async urlencoded(value: string): Promise<string> {
    if (value.startsWith('@')) return urlEncode(await this.file(value.slice(1)));
    if (value.startsWith('=')) return urlEncode(value.slice(1));
    const split = value.search(/[=@]/);
    if (split <= 0) return urlEncode(value);
    const name = value.slice(0, split);
    const content = value[split] === '@' ? await this.file(value.slice(split + 1)) : value.slice(split + 1);
    return `${name}=${urlEncode(content)}`;
  }
}

export async function readPayload(opts: CurlOptions, reader: PayloadReader): Promise<RequestPayload> {
  const payload: RequestPayload = { json: opts.data.some((p) => p.kind === 'json') };
  if (opts.data.length > 0) {
    const pieces: Buffer[] = [];
    for (const [i, part] of opts.data.entries()) {
      if (i > 0 && part.kind !== 'json') pieces.push(Buffer.from('&'));
      pieces.push(await reader.part(part));
    }
    payload.data = Buffer.concat(pieces);
  }
  if (opts.form.length > 0) {
    payload.form = await buildForm(opts.form, async (name) => {
      if (name === '-') return reader.file(name);
      const contents = await fs.promises.readFile(name).catch(() => undefined);
      if (!contents) throw new CurlError(CurlCode.READ_ERROR, 'Failed to open/read local data from file/application');
      return contents;
    });
  }
  if (opts.uploadFile !== undefined) {
    const file = opts.uploadFile;
    const body = file === '-' ? await reader.file(file) : await fs.promises.readFile(file).catch(() => undefined);
    if (!body) throw new CurlError(CurlCode.READ_ERROR, 'Failed to open/read local data from file/application');
    payload.upload = { body, name: path.basename(file) };
  }
  return payload;
}
