// istioctl kube-inject: injects the sidecar into every workload's pod template in a set of manifests.

import { stringify } from 'yaml';
import { formatIssue } from '../../config/errors.js';
import { parseSources, type ParsedDocument, type Source } from '../../config/parse.js';
import type { PodSpec } from '../../config/k8s/pod.js';
import type { Resource } from '../../config/resource.js';
import { isInjected, manualInjectionBlock } from './injection-policy.js';
import type { InjectionSettings } from './injection-settings.js';
import { injectPod, injectTemplate, type PodTemplate, type TemplateMeta } from './injector.js';

type Obj = Record<string, unknown>;

/** Kinds whose pods come from spec.template. */
const TEMPLATE_KINDS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicationController']);

/**
 * Returns the manifests with every workload injected, each document followed by `---`, as istioctl
 * prints them. Documents that hold no pods pass through unchanged. Workloads that opt out are
 * printed uninjected and reported to `warn`, as istioctl reports them on stderr.
 */
export function kubeInject(sources: Source[], settings: InjectionSettings, warn: (message: string) => void = () => {}): string {
  const { documents, issues } = parseSources(sources);
  if (issues.length) throw new Error(formatIssue(issues[0]!));
  let out = '';
  for (const doc of documents) {
    const value = doc.value;
    if (!isObj(value)) throw new Error(`${where(doc)}: not a Kubernetes object (expected a mapping with apiVersion and kind)`);
    const injected = typeof value.kind === 'string' ? injectObject(value, doc, settings, warn) : undefined;
    // istioctl re-encodes workloads the way Go marshals them: keys sorted, empty timestamps and
    // status written out. Everything else is printed as it came.
    out += injected ? stringify(injected, { indentSeq: false, lineWidth: 0, sortMapEntries: true }) : stringify(value, { indentSeq: false, lineWidth: 0 });
    out += '---\n';
  }
  return out;
}

function injectObject(obj: Obj, doc: ParsedDocument, settings: InjectionSettings, warn: (message: string) => void): Obj | undefined {
  const kind = obj.kind as string;
  const meta = isObj(obj.metadata) ? (obj.metadata as TemplateMeta) : {};
  const name = typeof meta.name === 'string' ? meta.name : '';
  const label = `${kind} "${meta.namespace ? `${meta.namespace}/` : ''}${name}"`;
  const at = (path: string): string => `${where(doc)} (${kind} ${name}): ${path}`;

  if (kind === 'Pod') {
    const pod = obj as Resource<PodSpec>;
    if (!isObj(pod.spec) || !Array.isArray(pod.spec.containers)) throw new Error(`${at('spec.containers')} is required`);
    const out = shouldInjectManually({ metadata: meta, spec: pod.spec }, label, warn) ? injectPod(pod, settings) : structuredClone(pod);
    return normalize(out as Obj, []);
  }

  let templatePath: string[];
  if (TEMPLATE_KINDS.has(kind)) templatePath = ['spec', 'template'];
  else if (kind === 'CronJob') templatePath = ['spec', 'jobTemplate', 'spec', 'template'];
  else return undefined;

  const template = getIn(obj, templatePath);
  if (!isObj(template) || !isObj(template.spec) || !Array.isArray(template.spec.containers)) {
    throw new Error(`${at(`${templatePath.join('.')}.spec.containers`)} is required`);
  }
  const tmpl = template as unknown as PodTemplate;
  const namespace = tmpl.metadata?.namespace ?? meta.namespace ?? 'default';
  const podView = { metadata: { ...(tmpl.metadata ?? {}), namespace }, spec: tmpl.spec };
  const out = structuredClone(obj);
  if (shouldInjectManually(podView, label, warn)) {
    const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
    setIn(out, templatePath, injectTemplate(tmpl, namespace, name, settings, { apiVersion, kind }));
  }
  return normalize(out, templatePath);
}

function shouldInjectManually(pod: { metadata: TemplateMeta; spec: PodSpec }, label: string, warn: (message: string) => void): boolean {
  if (isInjected(pod)) return false;
  const block = manualInjectionBlock(pod);
  if (block) warn(`===> Skipping injection because ${label} has ${block}`);
  return block === undefined;
}

/** What Go's encoding adds to an object and its pod template: null timestamps and an empty status. */
function normalize(obj: Obj, templatePath: string[]): Obj {
  withTimestamp(obj);
  if (templatePath.length) withTimestamp(getIn(obj, templatePath) as Obj);
  obj.status ??= {};
  return obj;
}

function withTimestamp(o: Obj): void {
  const meta = isObj(o.metadata) ? o.metadata : {};
  o.metadata = { ...meta, creationTimestamp: meta.creationTimestamp ?? null };
}

function getIn(obj: Obj, path: readonly string[]): unknown {
  let cur: unknown = obj;
  for (const key of path) {
    if (!isObj(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

function setIn(obj: Obj, path: readonly string[], value: unknown): void {
  let cur = obj;
  for (const key of path.slice(0, -1)) cur = cur[key] as Obj;
  cur[path[path.length - 1]!] = value;
}

function where(doc: ParsedDocument): string {
  return `${doc.source.file}${doc.source.line ? `:${doc.source.line}` : ''} document ${doc.source.document}`;
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
