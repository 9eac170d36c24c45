// `weft get` output: tables (default, -o wide), -o yaml|json|name|jsonpath=...|jsonpath-as-json=...

import type { Resource } from '../../config/resource.js';
import { columnsFor } from './columns.js';
import { goJson } from './go-json.js';
import { compileJsonPathTemplate } from './jsonpath.js';
import { kubectlYaml } from './kubectl-yaml.js';
import { formatTable } from './table.js';

export interface PrintOptions {
  /** The -o value: wide, yaml, json, name, jsonpath=TEMPLATE, jsonpath-as-json=TEMPLATE; default a table. */
  output?: string;
  allNamespaces: boolean;
  now: Date;
  /** Several kinds were requested (get pods,svc): names carry their kind, one table per kind. */
  showKind: boolean;
  /** The user named exactly one object: yaml/json/jsonpath see it rather than a List. */
  single?: boolean;
  /** --show-labels: a last LABELS column. */
  showLabels?: boolean;
  /** --no-headers: tables without their header line. */
  noHeaders?: boolean;
  /** --allow-missing-template-keys; kubectl's default is true. */
  allowMissingKeys?: boolean;
}

const ALLOWED_FORMATS = ['json', 'jsonpath', 'jsonpath-as-json', 'name', 'wide', 'yaml'];

/**
 * Renders what `get` found. A table of nothing is '' so that the caller can print
 * noResourcesMessage() instead, as kubectl does (on stderr).
 */
export function printResources(resources: Resource[], opts: PrintOptions): string {
  const output = opts.output ?? '';
  if (output === '' || output === 'wide') return printTables(resources, opts, output === 'wide');
  if (output === 'name') return resources.map((r) => `${kindPrefix(r)}/${r.metadata.name}\n`).join('');
  if (output === 'yaml') return kubectlYaml(subject(resources, opts));
  if (output === 'json') return `${goJson(subject(resources, opts), '    ')}\n`;

  const template = /^(jsonpath|jsonpath-as-json)(?:=(.*))?$/s.exec(output);
  if (template) {
    if (!template[2]) throw new Error('template format specified but no template given');
    const render = compileJsonPathTemplate(template[2], {
      allowMissingKeys: opts.allowMissingKeys ?? true,
      asJson: template[1] === 'jsonpath-as-json',
    });
    return render(subject(resources, opts));
  }
  const format = output.includes('=') ? output.slice(0, output.indexOf('=')) : output;
  throw new Error(`unable to match a printer suitable for the output format "${format}", allowed formats are: ${ALLOWED_FORMATS.join(',')}`);
}

/** kubectl's words when a table would be empty; omit the namespace for --all-namespaces. */
export function noResourcesMessage(namespace?: string): string {
  return namespace === undefined ? 'No resources found' : `No resources found in ${namespace} namespace.`;
}

/** `kind.group` in lower case as kubectl names objects: pod, deployment.apps, virtualservice.networking.istio.io. */
export function kindPrefix(r: Pick<Resource, 'apiVersion' | 'kind'>): string {
  const slash = r.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : r.apiVersion.slice(0, slash);
  return group ? `${r.kind.toLowerCase()}.${group}` : r.kind.toLowerCase();
}

/** One named object prints as itself; anything else as a v1 List, as `kubectl get` does. */
function subject(resources: Resource[], opts: PrintOptions): unknown {
  if (opts.single && resources.length === 1) return withoutManagedFields(resources[0]!);
  return { apiVersion: 'v1', items: resources.map(withoutManagedFields), kind: 'List', metadata: { resourceVersion: '' } };
}

/** kubectl hides managedFields unless --show-managed-fields is given. */
function withoutManagedFields(r: Resource): Resource {
  if (!('managedFields' in r.metadata)) return r;
  const { managedFields: _hidden, ...metadata } = r.metadata as Resource['metadata'] & { managedFields?: unknown };
  return { ...r, metadata };
}

/** kubectl's LABELS cell: key=value pairs in key order, comma-separated, or <none>. */
function labelsCell(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length ? keys.map((k) => `${k}=${labels![k]}`).join(',') : '<none>';
}

function printTables(resources: Resource[], opts: PrintOptions, wide: boolean): string {
  // One table per kind, in the order the kinds first appear.
  const groups = new Map<string, Resource[]>();
  for (const r of resources) {
    const key = opts.showKind ? kindPrefix(r) : r.kind;
    const list = groups.get(key) ?? [];
    list.push(r);
    groups.set(key, list);
  }
  const tables: string[] = [];
  for (const list of groups.values()) {
    const columns = columnsFor(list[0]!.kind);
    // Cluster-scoped kinds get no NAMESPACE column even with --all-namespaces.
    const withNamespace = opts.allNamespaces && list.some((r) => r.metadata.namespace !== undefined);
    const headers = [...(withNamespace ? ['NAMESPACE'] : []), ...(wide ? columns.wideHeaders : columns.headers), ...(opts.showLabels ? ['LABELS'] : [])];
    const rows = list.map((r) => {
      const cells = columns.row(r, opts.now, wide);
      if (opts.showKind) cells[0] = `${kindPrefix(r)}/${cells[0]}`;
      if (opts.showLabels) cells.push(labelsCell(r.metadata.labels));
      return withNamespace ? [r.metadata.namespace ?? '', ...cells] : cells;
    });
    tables.push(formatTable(opts.noHeaders ? undefined : headers, rows));
  }
  return tables.join('\n');
}
