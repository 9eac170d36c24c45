// -f FILE|DIR|- into named YAML texts for the runtime to parse and validate.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Source } from '../config/parse.js';
import { CliError } from './errors.js';

const MANIFEST = /\.(ya?ml|json)$/i;

export async function readSources(paths: string[], recursive: boolean, stdin: NodeJS.ReadableStream): Promise<Source[]> {
  if (paths.length === 0) throw new CliError('error: must specify one of -f and -k');
  const out: Source[] = [];
  for (const p of paths) {
    if (p === '-') {
      out.push({ name: '<stdin>', text: await readStream(stdin) });
      continue;
    }
    if (/^https?:\/\//.test(p)) throw new CliError(`error: ${p}: reading manifests from URLs is not supported; download the file and pass its path`);
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new CliError(`error: the path "${p}" does not exist`);
    }
    if (st.isDirectory()) {
      const files = listDir(p, recursive);
      if (files.length === 0) throw new CliError(`error: no manifests (.yaml, .yml, .json) found in "${p}"`);
      for (const f of files) out.push({ name: f, text: readFileSync(f, 'utf8') });
    } else {
      out.push({ name: p, text: readFileSync(p, 'utf8') });
    }
  }
  return out;
}

function listDir(dir: string, recursive: boolean): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(dir, e.name);
    if (e.isDirectory()) {
      if (recursive) out.push(...listDir(full, true));
    } else if (MANIFEST.test(e.name)) out.push(full);
  }
  return out;
}

async function readStream(s: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
