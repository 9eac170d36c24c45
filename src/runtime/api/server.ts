// The runtime's HTTP API: loopback only, every request carrying the token from the state directory.

import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { ConfigError, formatIssue, formatPath } from '../../config/errors.js';
import { kindInfo, resolveKindName } from '../../config/registry.js';
import { AdmissionError } from '../admission.js';
import { LogReader } from '../logs/log-reader.js';
import type { Runtime } from '../runtime.js';
import type { WatchEvent } from '../store/store.js';
import type { z } from 'zod';
import { kubeInject } from '../../control-plane/inject/kube-inject.js';
import {
  applyBody, apiErrorCode, linesWithWarnings, deleteBody, deleteSourcesBody, execBody, getQuery, kubeInjectBody, labelBody, listQuery, logsQuery,
  MAX_MANIFEST_REQUEST_BYTES, MAX_REQUEST_BYTES, noQuery, podTargetQuery, rolloutRestartBody, scaleBody, watchQuery, type ApiError,
} from './protocol.js';

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export interface ApiServerOptions {
  runtime: Runtime;
  token: string;
  version: string;
  info: () => Record<string, unknown>;
  onShutdown: () => void;
}

interface RouteContext {
  rt: Runtime;
  o: ApiServerOptions;
  req: IncomingMessage;
  res: ServerResponse;
}

/** One endpoint: what its body and query must look like, and what it does with them once they do. */
export interface Route {
  /** Schema of the JSON body; an endpoint without one reads no body. */
  body?: z.ZodType;
  query: z.ZodType;
  maxBody: number;
  run(c: RouteContext, input: unknown): unknown;
}

function post<B extends z.ZodType>(body: B, run: (c: RouteContext, b: z.output<B>) => unknown, maxBody = MAX_REQUEST_BYTES): Route {
  return { body, query: noQuery, maxBody, run: (c, input) => run(c, input as z.output<B>) };
}

function get<Q extends z.ZodType>(query: Q, run: (c: RouteContext, q: z.output<Q>) => unknown): Route {
  return { query, maxBody: MAX_REQUEST_BYTES, run: (c, input) => run(c, input as z.output<Q>) };
}

/** Every endpoint, by "METHOD /path". */
export const routes: Readonly<Record<string, Route>> = {
  'GET /v1/info': get(noQuery, ({ o }) => o.info()),
  'POST /v1/apply': post(applyBody, ({ rt }, b) => linesWithWarnings(rt.applyWithWarnings(b)), MAX_MANIFEST_REQUEST_BYTES),
  'POST /v1/delete-sources': post(deleteSourcesBody, ({ rt }, b) => ({ lines: rt.deleteFromSources(b) }), MAX_MANIFEST_REQUEST_BYTES),
  'POST /v1/delete': post(deleteBody, ({ rt }, b) => {
    const info = kindOf(b.kind);
    const ns = info.namespaced ? b.namespace : undefined;
    const targets = b.all || b.labels ? rt.list(info.kind, ns, b.labels) : (b.names ?? []).map((n) => {
      try {
        return rt.get(info.kind, ns, n);
      } catch (err) {
        if (b.ignoreNotFound) return undefined;
        throw err;
      }
    });
    return { lines: targets.filter((t) => t !== undefined).map((t) => rt.remove(t)) };
  }),
  'GET /v1/list': get(listQuery, ({ rt }, q) => ({ items: rt.list(kindOf(q.kind).kind, q.namespace, parseSelector(q.selector)) })),
  'GET /v1/get': get(getQuery, ({ rt }, q) => rt.get(kindOf(q.kind).kind, q.namespace, q.name)),
  'POST /v1/label': post(labelBody, ({ rt }, b) => ({ lines: rt.label(kindOf(b.kind).kind, b.namespace, b.names, b.field, b.set, b.remove, b.overwrite) })),
  'POST /v1/rollout-restart': post(rolloutRestartBody, ({ rt }, b) => ({ lines: b.names.map((n) => rt.rolloutRestart(b.namespace, n)) })),
  'POST /v1/scale': post(scaleBody, ({ rt }, b) => ({ lines: b.names.map((n) => rt.scale(b.namespace, n, b.replicas)) })),
  'POST /v1/exec-spec': post(execBody, ({ rt }, b) => rt.execSpec(b.namespace, b.ref, b.container, b.command)),
  'GET /v1/pod-target': get(podTargetQuery, ({ rt }, q) => {
    const pod = rt.resolvePod(q.namespace, q.ref);
    return { pod: pod.metadata.name, host: rt.localhostOf(pod) };
  }),
  'POST /v1/kube-inject': post(kubeInjectBody, ({ rt }, b) => {
    const warnings: string[] = [];
    try {
      return { text: kubeInject(b.sources, rt.injection, (w) => warnings.push(w)), warnings };
    } catch (err) {
      throw new HttpError(400, (err as Error).message);
    }
  }, MAX_MANIFEST_REQUEST_BYTES),
  'GET /v1/logs': get(logsQuery, ({ rt, res }, q) => streamLogs(rt, res, q)),
  'GET /v1/watch': get(watchQuery, ({ rt, req, res }, q) => watchEvents(rt, req, res, q.kinds)),
  'POST /v1/shutdown': {
    query: noQuery,
    maxBody: MAX_REQUEST_BYTES,
    run: ({ o }) => {
      setImmediate(o.onShutdown);
      return { lines: ['shutting down'] };
    },
  },
};

export function apiHandler(o: ApiServerOptions): RequestListener {
  const rt = o.runtime;
  const expected = Buffer.from(`Bearer ${o.token}`);
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://weft');
    try {
      if (url.pathname === '/healthz') {
        send(res, 200, { ok: true });
        return;
      }
      const auth = Buffer.from(req.headers.authorization ?? '');
      if (auth.length !== expected.length || !timingSafeEqual(auth, expected)) throw new HttpError(401, 'Unauthorized: this client has no valid token for the runtime');
      const route = routes[`${req.method} ${url.pathname}`];
      if (!route) throw new HttpError(404, `no such API: ${req.method} ${url.pathname}`);
      const query = checked(route.query, Object.fromEntries(url.searchParams), 'query');
      const input = route.body ? checked(route.body, await body(req, route.maxBody), 'request body') : query;
      const result = await route.run({ rt, o, req, res }, input);
      if (!res.headersSent && result !== undefined) send(res, 200, result);
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof ConfigError) send(res, 422, { error: 'error validating data', code: err.code, issues: err.issues.map(formatIssue) } satisfies ApiError);
      else if (err instanceof AdmissionError || err instanceof HttpError) send(res, err.status, { error: err.message, code: apiErrorCode(err.status) } satisfies ApiError);
      else send(res, 500, { error: `internal error: ${(err as Error)?.message ?? String(err)}`, code: apiErrorCode(500) } satisfies ApiError);
    }
  };
}

function send(res: ServerResponse, status: number, obj: unknown): void {
  const data = JSON.stringify(obj);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) });
  res.end(data);
}

/** The JSON body, at most `limit` bytes; a larger one is read to its end (so the client hears the answer) and refused. */
async function body(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= limit && declared <= limit) chunks.push(chunk as Buffer);
  }
  if (size > limit || declared > limit) throw new HttpError(413, `Request entity too large: limit is ${limit}`);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, 'request body must be a JSON object');
  }
}

/** The value as the schema gives it back, or a 400 naming the first few fields that are wrong (each cut short: keys may be huge). */
function checked(schema: z.ZodType, value: unknown, what: string): unknown {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const shown = r.error.issues.slice(0, 5).map((i) => {
    const where = formatPath(i.path);
    const message = i.code === 'unrecognized_keys' ? `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => JSON.stringify(k)).join(', ')}` : i.message.replace(/^Invalid (input|option): /, '');
    const line = where ? `${where}: ${message}` : message;
    return line.length > 200 ? `${line.slice(0, 200)}...` : line;
  });
  const more = r.error.issues.length > 5 ? ` (and ${r.error.issues.length - 5} more)` : '';
  throw new HttpError(400, `invalid ${what}: ${shown.join('; ')}${more}`);
}

function kindOf(name: string) {
  const info = kindInfo(name) ?? resolveKindName(name);
  if (!info) throw new HttpError(404, `the server doesn't have a resource type "${name}"`);
  return info;
}

export function parseSelector(s: string | null | undefined): Record<string, string> | undefined {
  if (!s) return undefined;
  const out: Record<string, string> = {};
  for (const part of s.split(',')) {
    const m = /^\s*([^=!\s]+)\s*==?\s*([^\s]*)\s*$/.exec(part);
    if (!m) throw new HttpError(400, `unable to parse requirement: "${part}": only key=value selectors are supported`);
    out[m[1]!] = m[2]!;
  }
  return out;
}

async function streamLogs(rt: Runtime, res: ServerResponse, q: z.output<typeof logsQuery>): Promise<void> {
  const ns = q.namespace;
  const target = rt.logFile(ns, q.ref, q.container);
  const follow = q.follow === 'true';
  const tail = Number(q.tail ?? '-1');
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'x-weft-pod': target.pod, 'x-weft-container': target.container, 'x-weft-containers': target.containers.join(',') });
  if (!target.file) {
    res.end();
    return;
  }
  let gone = false;
  // The response closes before it ends only when the client went away; it may go while the log opens.
  res.once('close', () => (gone = true));
  const reader = await LogReader.open(target.file, Number.isInteger(tail) && tail >= 0 ? tail : undefined);
  if (gone || res.destroyed) {
    reader.close();
    return;
  }
  // Waits for the client to take each chunk, so a slow one does not make the runtime buffer the log.
  const emit = (chunk: Buffer): boolean | Promise<boolean> => {
    if (gone || res.destroyed) return false;
    if (res.write(chunk)) return true;
    return new Promise((resolve) => {
      const done = (): void => {
        res.off('drain', done);
        res.off('close', done);
        resolve(!gone && !res.destroyed);
      };
      res.once('drain', done);
      res.once('close', done);
    });
  };
  if (!follow) {
    try {
      await reader.readSnapshot(emit);
    } finally {
      reader.close();
      res.end();
    }
    return;
  }
  // Reads run one at a time; a change during a read asks for one more read after it.
  let reading: Promise<void> | undefined;
  let again = false;
  const pump = (): Promise<void> => {
    if (reading) {
      again = true;
      return reading;
    }
    reading = (async () => {
      do {
        again = false;
        await reader.readAvailable(emit).catch(() => undefined);
      } while (again && !gone);
      reading = undefined;
    })();
    return reading;
  };
  void pump();
  const podGone = await new Promise<boolean>((resolve) => {
    // The directory, not the file: a watch on the file would stay with it when it is rotated away.
    const base = basename(target.file);
    let w: FSWatcher | undefined;
    try {
      w = watch(dirname(target.file), (_event, name) => {
        if (!name || name === base || name.startsWith(`${base}.`)) void pump();
      });
    } catch {
      // The pod's directory is gone already; the check below ends the stream.
    }
    const check = setInterval(() => {
      // Follow ends when the pod is gone, as kubectl's does when the container stops.
      try {
        rt.get('Pod', ns, target.pod);
      } catch {
        finish(true);
        return;
      }
      void pump(); // in case a change notification was missed
    }, 1000);
    const finish = (ended: boolean): void => {
      w?.close();
      clearInterval(check);
      res.off('close', onClose);
      resolve(ended);
    };
    const onClose = (): void => finish(false);
    res.once('close', onClose);
  });
  await reading;
  // The container's last lines, written before its pod went.
  if (podGone) await pump();
  reader.close();
  res.end();
}

/** NDJSON stream: the current objects of the asked kinds as ADDED, then every change. */
function watchEvents(rt: Runtime, req: IncomingMessage, res: ServerResponse, kindList: string | undefined): Promise<void> {
  const kinds = new Set((kindList ?? '').split(',').filter(Boolean).map((k) => kindOf(k).kind));
  const wants = (kind: string) => kinds.size === 0 || kinds.has(kind);
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  for (const r of rt.store.all()) if (wants(r.kind)) res.write(`${JSON.stringify({ type: 'ADDED', object: r })}\n`);
  res.write(`${JSON.stringify({ type: 'SYNCED', resourceVersion: rt.store.resourceVersion })}\n`);
  const onEvent = (e: WatchEvent): void => {
    if (wants(e.object.kind)) res.write(`${JSON.stringify(e)}\n`);
  };
  rt.store.events.on('event', onEvent);
  return new Promise((resolve) => {
    req.once('close', () => {
      rt.store.events.off('event', onEvent);
      resolve();
    });
  });
}
