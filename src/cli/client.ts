// The CLI's client of the runtime API: finds the runtime from the state directory and proves it may use it.

import { request, type IncomingMessage } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import type { StatePaths } from '../runtime/paths.js';
import type { RuntimeInfo } from '../runtime/runtime-info.js';
import { CliError, ServerError, serverErrorPrefix } from './errors.js';

export class ApiClient {
  constructor(readonly info: RuntimeInfo, private readonly token: string) {}

  static connect(paths: StatePaths): ApiClient {
    const info = readRuntimeInfo(paths);
    if (!info) throw new CliError(`error: the runtime is not running (state in ${paths.home}); start it with "weft up"`);
    if (!existsSync(paths.token)) throw new CliError(`error: no API token in ${paths.home}; is this the runtime's state directory?`);
    return new ApiClient(info, readFileSync(paths.token, 'utf8').trim());
  }

  async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const res = await this.raw(method, path, body);
    const text = await readAll(res);
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      throw new CliError(`error: unexpected answer from the runtime (HTTP ${res.statusCode})`);
    }
    if ((res.statusCode ?? 500) >= 400) {
      const e = parsed as { error?: string; issues?: string[] };
      if (e.issues?.length) throw new ServerError(e.issues.map((i) => `error: ${i}`).join('\n'), res.statusCode ?? 500);
      throw new ServerError(`${serverErrorPrefix(res.statusCode ?? 500)}${e.error ?? `HTTP ${res.statusCode}`}`, res.statusCode ?? 500);
    }
    return parsed as T;
  }

  /** A request whose answer the caller reads as a stream (logs, watch). */
  raw(method: 'GET' | 'POST', path: string, body?: unknown): Promise<IncomingMessage> {
    const data = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: this.info.host,
          port: this.info.port,
          method,
          path,
          headers: { authorization: `Bearer ${this.token}`, ...(data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {}) },
        },
        resolve,
      );
      req.on('error', (err) => reject(new CliError(`error: cannot reach the runtime at ${this.info.host}:${this.info.port}: ${err.message}; is it running? ("weft status")`)));
      req.end(data);
    });
  }
}

export function readRuntimeInfo(paths: StatePaths): RuntimeInfo | undefined {
  if (!existsSync(paths.runtimeInfo)) return undefined;
  try {
    const info = JSON.parse(readFileSync(paths.runtimeInfo, 'utf8')) as RuntimeInfo;
    process.kill(info.pid, 0);
    return info;
  } catch {
    return undefined;
  }
}

export async function readAll(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function query(params: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
