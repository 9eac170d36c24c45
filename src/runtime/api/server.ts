// The runtime's HTTP API: loopback only, every request carrying the token from the state directory.

import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { ConfigError, formatIssue } from '../../config/errors.js';
import { kindInfo, resolveKindName } from '../../config/registry.js';
import { AdmissionError } from '../admission.js';
import { LogReader } from '../logs/log-reader.js';
import type { Runtime } from '../runtime.js';
import type { WatchEvent } from '../store/store.js';
import type { Source } from '../../config/parse.js';
import { kubeInject } from '../../control-plane/inject/kube-inject.js';
import type { ApplyBody, DeleteBody, DeleteSourcesBody, ExecBody, LabelBody } from './protocol.js';

const MAX_BODY = 32 * 1024 * 1024;

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

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<unknown> | unknown;

export function apiHandler(o: ApiServerOptions): RequestListener {
  const rt = o.runtime;
  const expected = Buffer.from(`Bearer ${o.token}`);
  const routes: Record<string, Handler> = {
    'GET /v1/info': () => o.info(),
    'POST /v1/apply': async (req) => {
      const b = await body<ApplyBody>(req);
      requireSources(b.sources);
      return { lines: rt.apply({ sources: b.sources, namespace: str(b.namespace, 'namespace'), enforceNamespace: !!b.enforceNamespace, mode: b.mode === 'create' ? 'create' : 'apply', dryRun: !!b.dryRun }) };
    },
    'POST /v1/delete-sources': async (req) => {
      const b = await body<DeleteSourcesBody>(req);
      requireSources(b.sources);
      return { lines: rt.deleteFromSources({ sources: b.sources, namespace: str(b.namespace, 'namespace'), enforceNamespace: !!b.enforceNamespace, ignoreNotFound: !!b.ignoreNotFound }) };
    },
    'POST /v1/delete': async (req) => {
      const b = await body<DeleteBody>(req);
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
      return { lines: targets.filter((t) => t !== undefined).map((t) => rt.remove(t!)) };
    },
    'GET /v1/list': (_req, _res, url) => {
      const info = kindOf(url.searchParams.get('kind') ?? '');
      const ns = url.searchParams.get('namespace') ?? undefined;
      return { items: rt.list(info.kind, ns, parseSelector(url.searchParams.get('selector'))) };
    },
    'GET /v1/get': (_req, _res, url) => {
      const info = kindOf(url.searchParams.get('kind') ?? '');
      return rt.get(info.kind, url.searchParams.get('namespace') ?? undefined, url.searchParams.get('name') ?? '');
    },
    'POST /v1/label': async (req) => {
      const b = await body<LabelBody>(req);
      const info = kindOf(b.kind);
      return { lines: b.names.map((n) => rt.label(info.kind, b.namespace, n, b.field === 'annotations' ? 'annotations' : 'labels', b.set ?? {}, b.remove ?? [], !!b.overwrite)) };
    },
    'POST /v1/rollout-restart': async (req) => {
      const b = await body<{ namespace: string; names: string[] }>(req);
      return { lines: b.names.map((n) => rt.rolloutRestart(b.namespace, n)) };
    },
    'POST /v1/scale': async (req) => {
      const b = await body<{ namespace: string; names: string[]; replicas: number }>(req);
      if (!Number.isInteger(b.replicas) || b.replicas < 0) throw new HttpError(400, 'replicas must be a non-negative integer');
      return { lines: b.names.map((n) => rt.scale(b.namespace, n, b.replicas)) };
    },
    'POST /v1/exec-spec': async (req) => {
      const b = await body<ExecBody>(req);
      if (!Array.isArray(b.command) || b.command.length === 0) throw new HttpError(400, 'you must specify at least one command for the container');
      return rt.execSpec(str(b.namespace, 'namespace'), str(b.ref, 'pod'), b.container, b.command);
    },
    'GET /v1/pod-target': (_req, _res, url) => {
      const pod = rt.resolvePod(url.searchParams.get('namespace') ?? 'default', url.searchParams.get('ref') ?? '');
      return { pod: pod.metadata.name, host: rt.localhostOf(pod) };
    },
    'POST /v1/kube-inject': async (req) => {
      const b = await body<{ sources: Source[] }>(req);
      requireSources(b.sources);
      const warnings: string[] = [];
      try {
        return { text: kubeInject(b.sources, rt.injection, (w) => warnings.push(w)), warnings };
      } catch (err) {
        throw new HttpError(400, (err as Error).message);
      }
    },
    'GET /v1/logs': (_req, res, url) => streamLogs(rt, res, url),
    'GET /v1/watch': (req, res, url) => watchEvents(rt, req, res, url),
    'POST /v1/shutdown': () => {
      setImmediate(o.onShutdown);
      return { lines: ['shutting down'] };
    },
  };

  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://weft');
    try {
      if (url.pathname === '/healthz') {
        send(res, 200, { ok: true });
        return;
      }
      const auth = Buffer.from(req.headers.authorization ?? '');
      if (auth.length !== expected.length || !timingSafeEqual(auth, expected)) throw new HttpError(401, 'Unauthorized: this client has no valid token for the runtime');
      const handler = routes[`${req.method} ${url.pathname}`];
      if (!handler) throw new HttpError(404, `no such API: ${req.method} ${url.pathname}`);
      const result = await handler(req, res, url);
      if (!res.headersSent && result !== undefined) send(res, 200, result);
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof ConfigError) send(res, 422, { error: 'error validating data', issues: err.issues.map(formatIssue) });
      else if (err instanceof AdmissionError || err instanceof HttpError) send(res, err.status, { error: err.message });
      else send(res, 500, { error: `internal error: ${(err as Error).message}` });
    }
  };
}

function send(res: ServerResponse, status: number, obj: unknown): void {
  const data = JSON.stringify(obj);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) });
  res.end(data);
}

async function body<T>(req: IncomingMessage): Promise<T> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, 'request body too large');
    chunks.push(chunk as Buffer);
  }
  try {
    const v: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (typeof v !== 'object' || v === null) throw new Error('not an object');
    return v as T;
  } catch {
    throw new HttpError(400, 'request body must be a JSON object');
  }
}

function str(v: unknown, name: string): string {
  if (typeof v !== 'string' || v === '') throw new HttpError(400, `${name} is required`);
  return v;
}

function requireSources(s: unknown): void {
  if (!Array.isArray(s) || s.some((x) => typeof x?.name !== 'string' || typeof x?.text !== 'string')) {
    throw new HttpError(400, 'sources must be a list of {name, text}');
  }
}

function kindOf(name: string) {
  const info = kindInfo(name) ?? resolveKindName(name);
  if (!info) throw new HttpError(404, `the server doesn't have a resource type "${name}"`);
  return info;
}

export function parseSelector(s: string | null): Record<string, string> | undefined {
  if (!s) return undefined;
  const out: Record<string, string> = {};
  for (const part of s.split(',')) {
    const m = /^\s*([^=!\s]+)\s*==?\s*([^\s]*)\s*$/.exec(part);
    if (!m) throw new HttpError(400, `unable to parse requirement: "${part}": only key=value selectors are supported`);
    out[m[1]!] = m[2]!;
  }
  return out;
}

async function streamLogs(rt: Runtime, res: ServerResponse, url: URL): Promise<void> {
  const ns = url.searchParams.get('namespace') ?? 'default';
  const target = rt.logFile(ns, url.searchParams.get('ref') ?? '', url.searchParams.get('container') ?? undefined);
  const follow = url.searchParams.get('follow') === 'true';
  const tail = Number(url.searchParams.get('tail') ?? '-1');
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'x-weft-pod': target.pod, 'x-weft-container': target.container, 'x-weft-containers': target.containers.join(',') });
  if (!target.file) {
    res.end();
    return;
  }
  const reader = await LogReader.open(target.file, Number.isInteger(tail) && tail >= 0 ? tail : undefined);
  let gone = false;
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
  // The response closes before it ends only when the client went away.
  res.once('close', () => (gone = true));
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
function watchEvents(rt: Runtime, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const kinds = new Set((url.searchParams.get('kinds') ?? '').split(',').filter(Boolean).map((k) => kindOf(k).kind));
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
