// -F name=value, name=@file[;type=..][;filename=..] and name=<file, encoded
// as multipart/form-data with curl's boundary shape and content-type guesses.

import path from 'node:path';
import { randomBytes } from 'node:crypto';

export interface FormBody {
  body: Buffer;
  contentType: string;
}

/** Reads a file named in a form part; missing files are the caller's error to word. */
export type FileLoader = (name: string) => Promise<Buffer>;

const TYPES: Record<string, string> = {
  '.gif': 'image/gif',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain',
  '.htm': 'text/html',
  '.html': 'text/html',
  '.pdf': 'application/pdf',
  '.xml': 'application/xml',
  '.json': 'application/json',
};

function guessType(file: string): string {
  return TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

interface Part {
  name: string;
  /** Literal text, or a file to read. */
  value: string;
  source: 'text' | 'file' | 'contents';
  type?: string;
  filename?: string;
}

function parsePart(spec: string, literal: boolean): Part {
  const eq = spec.indexOf('=');
  const name = eq === -1 ? spec : spec.slice(0, eq);
  let value = eq === -1 ? '' : spec.slice(eq + 1);
  if (literal) return { name, value, source: 'text' };
  let source: Part['source'] = 'text';
  if (value.startsWith('@')) source = 'file';
  else if (value.startsWith('<')) source = 'contents';
  if (source === 'text') return { name, value, source };
  value = value.slice(1);
  const [file = '', ...modifiers] = value.split(';');
  const part: Part = { name, value: file, source };
  for (const mod of modifiers) {
    const [key = '', ...rest] = mod.split('=');
    const val = rest.join('=').replace(/^"(.*)"$/, '$1');
    if (key.trim() === 'type') part.type = val;
    if (key.trim() === 'filename') part.filename = val;
  }
  return part;
}

export async function buildForm(specs: Array<{ spec: string; literal: boolean }>, load: FileLoader): Promise<FormBody> {
  const boundary = `------------------------${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const { spec, literal } of specs) {
    const part = parsePart(spec, literal);
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"`;
    let data: Buffer;
    if (part.source === 'file') {
      head += `; filename="${part.filename ?? path.basename(part.value)}"\r\nContent-Type: ${part.type ?? guessType(part.value)}`;
      data = await load(part.value);
    } else if (part.source === 'contents') {
      if (part.type) head += `\r\nContent-Type: ${part.type}`;
      data = await load(part.value);
    } else {
      data = Buffer.from(part.value, 'utf8');
    }
    chunks.push(Buffer.from(`${head}\r\n\r\n`, 'utf8'), data, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}
