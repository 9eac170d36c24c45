// weft describe: a readable account of one object, in kubectl's layout.

import { stringify } from 'yaml';
import type { Resource } from '../../config/resource.js';
import { resolveKindName } from '../../config/registry.js';
import { query } from '../client.js';
import { stringOpt, type Command } from '../command.js';
import { CliError } from '../errors.js';
import { splitTypeNames } from './resource-args.js';

type Obj = Record<string, unknown>;

function kv(pairs: Array<[string, string]>, indent = ''): string {
  const width = Math.max(...pairs.map(([k]) => k.length)) + 2;
  return pairs.map(([k, v]) => `${indent}${`${k}:`.padEnd(width)}${v}\n`).join('');
}

function mapLines(m: Record<string, string> | undefined, pad: number): string {
  const entries = Object.entries(m ?? {});
  if (entries.length === 0) return '<none>';
  return entries.map(([k, v], i) => `${i ? ' '.repeat(pad) : ''}${k}=${v}`).join('\n');
}

function header(r: Resource): Array<[string, string]> {
  const rows: Array<[string, string]> = [['Name', r.metadata.name]];
  if (r.metadata.namespace) rows.push(['Namespace', r.metadata.namespace]);
  rows.push(['Labels', mapLines(r.metadata.labels, 14)]);
  rows.push(['Annotations', mapLines(r.metadata.annotations, 14)]);
  return rows;
}

function describePod(r: Resource): string {
  const spec = r.spec as Obj & { containers: Obj[] };
  const st = (r.status ?? {}) as Obj & { containerStatuses?: Obj[]; conditions?: Obj[] };
  let out = kv([
    ...header(r),
    ['Service Account', String(spec.serviceAccountName ?? 'default')],
    ['Node', `weft/${String(st.hostIP ?? '')}`],
    ['Start Time', String(st.startTime ?? '<none>')],
    ['Status', r.metadata.deletionTimestamp ? 'Terminating' : String(st.phase ?? 'Pending')],
    ['IP', String(st.podIP ?? '')],
    ['Localhost IP', String(st.podLoopbackIP ?? '')],
  ]);
  out += 'Containers:\n';
  for (const c of spec.containers) {
    const cs = st.containerStatuses?.find((s) => s.name === c.name) as { state?: Obj; lastState?: Obj; ready?: boolean; restartCount?: number; containerID?: string } | undefined;
    out += `  ${String(c.name)}:\n`;
    const rows: Array<[string, string]> = [
      ['Container ID', cs?.containerID ?? ''],
      ['Image', String(c.image)],
      ['Port', ((c.ports as Array<{ containerPort: number; protocol?: string }> | undefined) ?? []).map((p) => `${p.containerPort}/${p.protocol ?? 'TCP'}`).join(', ') || '<none>'],
    ];
    rows.push(...stateRows('State', cs?.state));
    if (cs?.lastState && Object.keys(cs.lastState).length) rows.push(...stateRows('Last State', cs.lastState));
    rows.push(['Ready', cs?.ready ? 'True' : 'False'], ['Restart Count', String(cs?.restartCount ?? 0)]);
    const env = (c.env as Array<{ name: string; value?: string; valueFrom?: Obj }> | undefined) ?? [];
    out += kv(rows, '    ');
    out += `    Environment:${env.length ? '\n' + env.map((e) => `      ${e.name}:  ${e.value ?? `(${Object.keys(e.valueFrom ?? {})[0] ?? ''})`}`).join('\n') : '  <none>'}\n`;
  }
  out += 'Conditions:\n  Type              Status\n';
  for (const c of st.conditions ?? []) out += `  ${String(c.type).padEnd(18)}${String(c.status)}\n`;
  out += 'Events:  <none>\n';
  return out;
}

function stateRows(label: string, state: Obj | undefined): Array<[string, string]> {
  if (!state) return [[label, 'Waiting']];
  const [name, detail] = Object.entries(state)[0] ?? ['waiting', {}];
  const d = (detail ?? {}) as Obj;
  const rows: Array<[string, string]> = [[label, name[0]!.toUpperCase() + name.slice(1)]];
  if (d.reason) rows.push(['  Reason', String(d.reason)]);
  if (d.message) rows.push(['  Message', String(d.message)]);
  if (d.exitCode !== undefined) rows.push(['  Exit Code', String(d.exitCode)]);
  if (d.startedAt) rows.push(['  Started', String(d.startedAt)]);
  if (d.finishedAt) rows.push(['  Finished', String(d.finishedAt)]);
  return rows;
}

function describeService(r: Resource): string {
  const spec = r.spec as { type?: string; clusterIP?: string; selector?: Record<string, string>; ports?: Array<{ name?: string; port: number; targetPort?: number | string; protocol?: string }> };
  const st = r.status as { loadBalancer?: { ingress?: Array<{ ip?: string }> } } | undefined;
  const rows: Array<[string, string]> = [
    ...header(r),
    ['Selector', Object.entries(spec.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>'],
    ['Type', spec.type ?? 'ClusterIP'],
    ['IP', spec.clusterIP ?? '<none>'],
  ];
  const lb = st?.loadBalancer?.ingress?.map((i) => i.ip).filter(Boolean).join(',');
  if (lb) rows.push(['LoadBalancer Ingress', lb]);
  for (const p of spec.ports ?? []) {
    rows.push(['Port', `${p.name ?? '<unset>'}  ${p.port}/${p.protocol ?? 'TCP'}`]);
    rows.push(['TargetPort', `${p.targetPort ?? p.port}/${p.protocol ?? 'TCP'}`]);
  }
  return kv(rows) + 'Events:  <none>\n';
}

function describeGeneric(r: Resource): string {
  const { apiVersion, kind, metadata, ...rest } = r;
  let out = kv([...header(r), ['API Version', apiVersion], ['Kind', kind]]);
  out += `Metadata:\n  Creation Timestamp:  ${metadata.creationTimestamp ?? ''}\n  Generation:          ${metadata.generation ?? 1}\n  UID:                 ${metadata.uid ?? ''}\n`;
  for (const [k, v] of Object.entries(rest)) {
    if (v === undefined) continue;
    out += `${k[0]!.toUpperCase()}${k.slice(1)}:\n${stringify(v).trimEnd().split('\n').map((l) => `  ${l}`).join('\n')}\n`;
  }
  return out + 'Events:  <none>\n';
}

export function describeResource(r: Resource): string {
  if (r.kind === 'Pod') return describePod(r);
  if (r.kind === 'Service') return describeService(r);
  return describeGeneric(r);
}

export const describe: Command = {
  name: 'describe',
  group: 'Basic',
  summary: 'Show details of a resource or group of resources',
  usage: ['weft describe TYPE NAME...', 'weft describe TYPE/NAME', 'weft describe TYPE [-l key=value]'],
  options: { selector: { type: 'string', short: 'l' }, 'all-namespaces': { type: 'boolean', short: 'A' } },
  async run(ctx, args, v) {
    const client = ctx.client();
    const groups = splitTypeNames(args);
    if (groups.length === 0) throw new CliError('error: You must specify the type of resource to describe.');
    const parts: string[] = [];
    for (const g of groups) {
      const info = resolveKindName(g.type);
      if (!info) throw new CliError(`error: the server doesn't have a resource type "${g.type}"`);
      const items = g.names.length
        ? await Promise.all(g.names.map((name) => client.call<Resource>('GET', `/v1/get${query({ kind: info.kind, namespace: ctx.namespace, name })}`)))
        : (await client.call<{ items: Resource[] }>('GET', `/v1/list${query({ kind: info.kind, namespace: v['all-namespaces'] ? undefined : ctx.namespace, selector: stringOpt(v, 'selector') })}`)).items;
      parts.push(...items.map(describeResource));
    }
    if (parts.length === 0) ctx.err(`No resources found in ${ctx.namespace} namespace.\n`);
    ctx.out(parts.join('\n\n'));
  },
};
