// kubectl apply/create/delete -f on the server side: everything is validated first, then applied
// in one go, so an invalid document anywhere changes nothing.

import { ConfigError } from '../config/errors.js';
import type { Source } from '../config/parse.js';
import { resourceKey, type Resource } from '../config/resource.js';
import { qualifiedKindName, kindInfo } from '../config/registry.js';
import { loadResources } from '../config/validate.js';
import { AdmissionError, type Admission } from './admission.js';
import type { Store } from './store/store.js';

export type ApplyMode = 'apply' | 'create' | 'replace';

export interface ApplyRequest {
  sources: Source[];
  namespace: string;
  enforceNamespace: boolean;
  mode: ApplyMode;
  dryRun: boolean;
}

export interface ApplyResult {
  /** kubectl's words: "deployment.apps/service-a created". */
  lines: string[];
  /** Warnings the objects were accepted with (Istio's webhook warnings), one message each. */
  warnings: string[];
}

export function applySources(store: Store, admission: Admission, req: ApplyRequest): ApplyResult {
  const docs = loadResources(req.sources, { defaultNamespace: req.namespace, enforceNamespace: req.enforceNamespace });
  if (docs.length === 0) throw new AdmissionError(400, 'no objects passed to apply');
  // Namespaces named by objects must exist or be created by this same request.
  const created = new Set(docs.filter((d) => d.resource.kind === 'Namespace').map((d) => d.resource.metadata.name));
  const seen = new Map<string, number>();
  for (const d of docs) {
    const ns = d.resource.metadata.namespace;
    if (d.info.namespaced && ns && !created.has(ns)) {
      const nsObj = store.get('Namespace', undefined, ns);
      if (!nsObj) throw new AdmissionError(404, `namespaces "${ns}" not found`);
      if (nsObj.metadata.deletionTimestamp) throw new AdmissionError(403, `${d.resource.kind.toLowerCase()} "${d.resource.metadata.name}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`);
    }
    const key = resourceKey(d.resource.kind, ns, d.resource.metadata.name);
    const prev = seen.get(key);
    if (prev !== undefined && req.mode === 'create') {
      throw new AdmissionError(409, `${d.doc.source.file} document ${d.doc.source.document}: ${d.resource.kind} "${d.resource.metadata.name}" appears twice (also document ${prev})`);
    }
    seen.set(key, d.doc.source.document);
  }
  // Admission may refuse an object (immutable fields, address ranges): check all before storing any.
  const planned: Array<{ obj: Resource; verb: string }> = [];
  const staged = new Map<string, Resource>();
  // Objects admitted as new hold what admission gave them (addresses): released if nothing is stored.
  const fresh: Resource[] = [];
  const releaseFresh = () => {
    for (const r of fresh) admission.forget(r);
  };
  for (const d of docs) {
    const r = d.resource;
    const key = resourceKey(r.kind, r.metadata.namespace, r.metadata.name);
    const existing = staged.get(key) ?? store.get(r.kind, r.metadata.namespace, r.metadata.name);
    const name = `${qualifiedKindName(d.info)}/${r.metadata.name}`;
    if (existing && req.mode === 'create') {
      releaseFresh();
      throw new AdmissionError(409, `${kindInfo(r.kind)!.plural}${d.info.group ? '.' + d.info.group : ''} "${r.metadata.name}" already exists`);
    }
    if (existing?.metadata.deletionTimestamp) {
      releaseFresh();
      throw new AdmissionError(409, `${name} is being deleted; try again when it is gone`);
    }
    const merged = existing ? mergeForApply(existing, r) : r;
    let admitted: Resource;
    try {
      admitted = admission.admit(merged, existing);
    } catch (err) {
      releaseFresh();
      if (err instanceof AdmissionError) throw new AdmissionError(err.status, `${d.doc.source.file} document ${d.doc.source.document}: ${err.message}`);
      throw err;
    }
    if (!existing) fresh.push(admitted);
    staged.set(key, admitted);
    const unchanged = existing !== undefined && sameDeclared(existing, admitted);
    planned.push({ obj: admitted, verb: existing ? (unchanged ? 'unchanged' : 'configured') : 'created' });
  }
  if (req.dryRun) releaseFresh();
  const lines: string[] = [];
  for (const p of planned) {
    const info = kindInfo(p.obj.kind)!;
    if (!req.dryRun && p.verb !== 'unchanged') store.put(p.obj);
    lines.push(`${qualifiedKindName(info)}/${p.obj.metadata.name} ${p.verb}${req.dryRun ? ' (dry run)' : ''}`);
  }
  return { lines, warnings: docs.flatMap((d) => d.warnings.map((w) => w.message)) };
}

/** The applied object's declared fields replace the stored ones; what the runtime owns (status, uid, addresses) stays. */
function mergeForApply(existing: Resource, applied: Resource): Resource {
  const out: Resource = { ...applied, metadata: { ...applied.metadata } };
  out.metadata.uid = existing.metadata.uid;
  out.metadata.creationTimestamp = existing.metadata.creationTimestamp;
  if (existing.status !== undefined) out.status = existing.status;
  if (existing.kind === 'Service' && applied.spec && existing.spec) {
    const prev = existing.spec as { clusterIP?: string };
    const next = { ...(applied.spec as Record<string, unknown>) };
    next.clusterIP ??= prev.clusterIP;
    out.spec = next;
  }
  if (existing.kind === 'Namespace' || existing.kind === 'ServiceAccount') {
    // Labels set later (kubectl label) are kept when the file does not mention them.
    out.metadata.labels = { ...(existing.metadata.labels ?? {}), ...(applied.metadata.labels ?? {}) };
    if (Object.keys(out.metadata.labels).length === 0) delete out.metadata.labels;
  }
  return out;
}

function sameDeclared(a: Resource, b: Resource): boolean {
  const strip = (r: Resource) => {
    const { status: _s, metadata, ...rest } = r;
    return canonicalJson({ ...rest, labels: metadata.labels ?? {}, annotations: metadata.annotations ?? {} });
  };
  return strip(a) === strip(b);
}

/** JSON with object keys sorted, so equal objects compare equal whatever order their keys were set in. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

export interface DeleteRequest {
  sources: Source[];
  namespace: string;
  enforceNamespace: boolean;
  ignoreNotFound: boolean;
}

/** delete -f: every named object is looked up first; a missing one is an error unless ignored. */
export function deleteSources(store: Store, req: DeleteRequest, remove: (r: Resource) => string): string[] {
  const docs = loadResources(req.sources, { defaultNamespace: req.namespace, enforceNamespace: req.enforceNamespace });
  const lines: string[] = [];
  const errors: string[] = [];
  for (const d of docs) {
    const r = d.resource;
    const existing = store.get(r.kind, r.metadata.namespace, r.metadata.name);
    if (!existing) {
      if (!req.ignoreNotFound) errors.push(`Error from server (NotFound): ${d.info.plural}${d.info.group ? '.' + d.info.group : ''} "${r.metadata.name}" not found`);
      continue;
    }
    lines.push(remove(existing));
  }
  if (errors.length) throw new AdmissionError(404, [...lines, ...errors].join('\n'));
  return lines;
}

export { ConfigError };
