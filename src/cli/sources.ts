// -f FILE|DIR|- into named YAML texts for the runtime to parse and validate.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, formatIssue } from '../config/errors.js';
import type { Source } from '../config/parse.js';
import { loadResources } from '../config/validate.js';
import { MAX_MANIFEST_REQUEST_BYTES } from '../runtime/api/protocol.js';
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
  checkRequestSize(out);
  return out;
}

/**
 * Manifests too large for one request are refused here rather than by the runtime, whose answer
 * could only be "too large": checked locally, the message names the file, document and field.
 */
function checkRequestSize(sources: Source[]): void {
  const bytes = Buffer.byteLength(JSON.stringify(sources));
  if (bytes <= MAX_MANIFEST_REQUEST_BYTES) return;
  try {
    loadResources(sources, { defaultNamespace: 'default' });
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.issues.map((i) => `error: ${formatIssue(i)}`).join('\n'));
    throw err;
  }
  throw new CliError(`error: the manifests come to ${bytes} bytes, and one request carries at most ${MAX_MANIFEST_REQUEST_BYTES} (16 MiB); apply fewer files at a time`);
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
