// Turns parsed documents into validated resources, or issues that name file, document and field.

import type { z } from 'zod';
import { ConfigError, formatPath, type ConfigIssue } from './errors.js';
import { isDnsLabel, isDnsSubdomain, labelMap, annotationMap } from './k8s/common.js';
import { apiVersionsOf, type KindInfo } from './kind-info.js';
import { describeProblem, valueProblem } from './limits.js';
import { parseSources, type ParsedDocument, type Source } from './parse.js';
import { describeRef, type Resource, type SourceRef } from './resource.js';
import { allKinds, kindInfo, servesApiVersion } from './registry.js';

const metadataFields = new Set([
  'name', 'namespace', 'labels', 'annotations', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'deletionTimestamp', 'ownerReferences', 'finalizers', 'managedFields', 'selfLink', 'generateName',
]);

export interface ValidateOptions {
  /** Namespace for namespaced objects that name none (from -n or the current context). */
  defaultNamespace: string;
  /** When set (kubectl's -n), an object naming another namespace is an error. */
  enforceNamespace?: boolean;
}

export interface ValidatedDocument {
  resource: Resource;
  info: KindInfo;
  doc: ParsedDocument;
  /** What the object is accepted with but should change (Istio's deprecations); printed as kubectl prints admission warnings. */
  warnings: ConfigIssue[];
}

export function validateDocument(doc: ParsedDocument, opts: ValidateOptions): { ok: ValidatedDocument } | { issues: ConfigIssue[] } {
  const r = validateValue(doc.value, doc, opts);
  return 'issues' in r ? r : { ok: { ...r.ok, doc } };
}

/**
 * Validates an object the runtime holds after a change that did not come from a manifest (label,
 * annotate), exactly as apply validates a document, size limits included. Issues name the object.
 */
export function validateObject(obj: Resource): ConfigIssue[] {
  const object = `${obj.kind} ${obj.metadata.name}`;
  const problem = valueProblem(obj);
  if (problem) {
    const { field, message } = describeProblem(problem);
    return [{ object, path: field, message }];
  }
  const r = validateValue(obj, { lineOf: () => undefined }, { defaultNamespace: obj.metadata.namespace ?? 'default' });
  return 'issues' in r ? r.issues.map((i) => ({ ...i, object: i.object ?? object })) : [];
}

interface Origin {
  source?: SourceRef;
  lineOf: ParsedDocument['lineOf'];
}

function validateValue(v: unknown, origin: Origin, opts: ValidateOptions): { ok: Omit<ValidatedDocument, 'doc'> } | { issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const where = origin.source ? { source: origin.source } : {};
  const add = (path: ReadonlyArray<PropertyKey>, message: string, object?: string): void => {
    const line = origin.lineOf(path);
    issues.push({ ...where, path: formatPath(path), message, ...(object ? { object } : {}), ...(line ? { line } : {}) });
  };
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    add([], 'a document must be a mapping with apiVersion, kind and metadata');
    return { issues };
  }
  const raw = v as Record<string, unknown>;
  if (typeof raw.kind !== 'string' || raw.kind === '') add(['kind'], 'kind is required');
  if (typeof raw.apiVersion !== 'string' || raw.apiVersion === '') add(['apiVersion'], 'apiVersion is required');
  if (issues.length) return { issues };
  const kind = raw.kind as string;
  const apiVersion = raw.apiVersion as string;
  const info = kindInfo(kind);
  if (!info) {
    add(['kind'], `no kind "${kind}" is known in version "${apiVersion}" (known kinds: ${allKinds.map((k) => k.kind).join(', ')})`);
    return { issues };
  }
  // Istio's own kinds keep nulls: `mtls:` with nothing after it means mTLS on in a Policy's peers.
  const o = (info.group.endsWith('istio.io') ? { ...raw, metadata: withoutNulls(raw.metadata) } : withoutNulls(raw)) as Record<string, unknown>;
  if (!servesApiVersion(info, apiVersion)) {
    const versions = apiVersionsOf(info).join(', ');
    add(['apiVersion'], `${kind} is not served in "${apiVersion}" (served: ${versions})`);
    return { issues };
  }
  const meta = o.metadata;
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) {
    add(['metadata'], 'metadata with a name is required');
    return { issues };
  }
  const m = meta as Record<string, unknown>;
  const name = m.name;
  const label = typeof name === 'string' ? `${kind} ${name}` : kind;
  if (typeof name !== 'string' || name === '') {
    add(['metadata', 'name'], m.generateName ? 'generateName is not supported; give a name' : 'a name is required');
  } else if (info.nameIsLabel ? !isDnsLabel(name) : !isDnsSubdomain(name)) {
    add(['metadata', 'name'], `invalid name "${name}": must be a lowercase RFC 1123 ${info.nameIsLabel ? 'label' : 'subdomain'}`, label);
  }
  for (const key of Object.keys(m)) {
    if (!metadataFields.has(key)) add(['metadata', key], `unknown field "metadata.${key}"`, label);
  }
  let namespace: string | undefined;
  if (info.namespaced) {
    if (m.namespace !== undefined && typeof m.namespace !== 'string') add(['metadata', 'namespace'], 'must be a string', label);
    namespace = typeof m.namespace === 'string' && m.namespace !== '' ? m.namespace : opts.defaultNamespace;
    if (opts.enforceNamespace && typeof m.namespace === 'string' && m.namespace !== '' && m.namespace !== opts.defaultNamespace) {
      add(['metadata', 'namespace'], `the namespace from the provided object "${m.namespace}" does not match the namespace "${opts.defaultNamespace}"; you must pass '--namespace=${m.namespace}' to perform this operation`, label);
    }
    if (!isDnsLabel(namespace)) add(['metadata', 'namespace'], `invalid namespace "${namespace}"`, label);
  }
  zodIssues(labelMap, m.labels, ['metadata', 'labels'], add, label);
  zodIssues(annotationMap, m.annotations, ['metadata', 'annotations'], add, label);

  const allowedTop = new Set(['apiVersion', 'kind', 'metadata', 'status', ...(info.spec ? ['spec'] : []), ...Object.keys(info.extra ?? {})]);
  for (const key of Object.keys(o)) {
    if (!allowedTop.has(key)) add([key], `unknown field "${key}"`, label);
  }
  let spec: unknown;
  if (info.spec) {
    if (o.spec === undefined || o.spec === null) {
      if (info.specRequired) add(['spec'], 'spec is required', label);
      else spec = undefined;
    } else {
      const raw = info.upgradeSpec ? info.upgradeSpec(apiVersion, o.spec) : o.spec;
      spec = zodIssues(info.spec, raw, ['spec'], add, label);
    }
  }
  const extra: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(info.extra ?? {})) {
    if (o[key] !== undefined && o[key] !== null) extra[key] = zodIssues(schema, o[key], [key], add, label);
  }
  if (issues.length) return { issues };

  const metadata: Resource['metadata'] = { name: name as string };
  if (namespace !== undefined) metadata.namespace = namespace;
  if (m.labels) metadata.labels = { ...(m.labels as Record<string, string>) };
  if (m.annotations) metadata.annotations = { ...(m.annotations as Record<string, string>) };
  const stored = info.storageVersion ? (info.group ? `${info.group}/${info.storageVersion}` : info.storageVersion) : apiVersion;
  const resource: Resource = { apiVersion: stored, kind, metadata, ...extra };
  if (spec !== undefined) resource.spec = spec;
  // Kinds without a spec (ConfigMap, Secret) check their other fields.
  const warnings: ConfigIssue[] = [];
  if (info.check && (spec !== undefined || !info.spec)) {
    for (const [path, message, severity] of info.check({ metadata, spec, ...extra })) {
      const line = origin.lineOf(splitPath(path));
      (severity === 'warning' ? warnings : issues).push({ ...where, path, message, object: describeRef(resource), ...(line ? { line } : {}) });
    }
  }
  if (issues.length) return { issues };
  return { ok: { resource, info, warnings } };
}

/** Parses and validates every document; throws one ConfigError listing every issue, so nothing is half-applied. */
export function loadResources(sources: Source[], opts: ValidateOptions): ValidatedDocument[] {
  const { documents, issues } = parseSources(sources);
  const out: ValidatedDocument[] = [];
  for (const doc of documents) {
    const r = validateDocument(doc, opts);
    if ('issues' in r) issues.push(...r.issues);
    else out.push(r.ok);
  }
  if (issues.length) throw new ConfigError(issues);
  return out;
}

function zodIssues(
  schema: z.ZodType,
  value: unknown,
  base: PropertyKey[],
  add: (path: ReadonlyArray<PropertyKey>, message: string, object?: string) => void,
  label: string,
): unknown {
  if (value === undefined) return undefined;
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  for (const issue of r.error.issues) {
    const path = [...base, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) add([...path, key], `unknown field "${key}"`, label);
    } else if (issue.code === 'invalid_type' && issue.message.includes('received undefined')) {
      add(path, 'required field is missing', label);
    } else {
      add(path, issue.message.replace(/^Invalid input: /, ''), label);
    }
  }
  return undefined;
}

/**
 * A field set to null is a field left out: Kubernetes decodes it so, and prunes it from custom
 * resources. Helm-rendered manifests (Istio's addons) write `annotations:` with nothing after it.
 */
function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = withoutNulls(x);
  return out;
}

/** "spec.http[0].route" -> ['spec','http',0,'route'] */
export function splitPath(path: string): PropertyKey[] {
  const out: PropertyKey[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push(m[1]!);
  }
  return out;
}
