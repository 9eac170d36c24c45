// weft wait --for condition=Ready | --for=delete: polls until every matching object meets the condition.

import type { Resource } from '../../config/resource.js';
import { resolveKindName, qualifiedKindName } from '../../config/registry.js';
import { query } from '../client.js';
import { boolOpt, stringOpt, type Command } from '../command.js';
import { CliError } from '../errors.js';
import { parseDuration } from '../duration.js';
import { splitTypeNames } from './resource-args.js';

function conditionMet(r: Resource, type: string, want: string): boolean {
  const conds = ((r.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? []);
  return conds.some((c) => c.type.toLowerCase() === type.toLowerCase() && c.status.toLowerCase() === want.toLowerCase());
}

export const wait: Command = {
  name: 'wait',
  group: 'Troubleshooting',
  summary: 'Wait for a condition on one or many resources',
  usage: ['weft wait TYPE[/NAME] [NAME...] --for condition=Ready [--all | -l key=value] [--timeout 30s]', 'weft wait TYPE/NAME --for=delete'],
  details: 'Pods already being deleted are not waited on: after a rollout the old pods are going away and the new ones count.',
  options: { for: { type: 'string' }, all: { type: 'boolean' }, selector: { type: 'string', short: 'l' }, timeout: { type: 'string' }, 'all-namespaces': { type: 'boolean', short: 'A' } },
  async run(ctx, args, v) {
    const forArg = stringOpt(v, 'for');
    if (!forArg) throw new CliError('error: --for must be set: condition=NAME[=VALUE] or delete');
    let cond: { type: string; value: string } | undefined;
    if (forArg !== 'delete') {
      const m = /^condition=([^=]+)(?:=(.+))?$/.exec(forArg);
      if (!m) throw new CliError(`error: unrecognized condition: "${forArg}"`);
      cond = { type: m[1]!, value: m[2] ?? 'True' };
    }
    const timeoutMs = parseDuration(stringOpt(v, 'timeout') ?? '30s');
    const groups = splitTypeNames(args);
    if (groups.length !== 1) throw new CliError('error: wait needs one resource type, e.g. "weft wait pods --for condition=Ready --all"');
    const g = groups[0]!;
    const info = resolveKindName(g.type);
    if (!info) throw new CliError(`error: the server doesn't have a resource type "${g.type}"`);
    if (g.names.length === 0 && !boolOpt(v, 'all') && !stringOpt(v, 'selector')) throw new CliError('error: resource(s) were provided, but no name was specified');
    const client = ctx.client();
    const ns = boolOpt(v, 'all-namespaces') ? undefined : ctx.namespace;
    const deadline = Date.now() + timeoutMs;
    const reported = new Set<string>();
    for (;;) {
      let items: Resource[];
      if (g.names.length) {
        const all = (await client.call<{ items: Resource[] }>('GET', `/v1/list${query({ kind: info.kind, namespace: ns })}`)).items;
        const missing = g.names.filter((n) => !all.some((r) => r.metadata.name === n));
        if (missing.length && cond) throw new CliError(`Error from server (NotFound): ${info.plural} "${missing[0]}" not found`);
        items = all.filter((r) => g.names.includes(r.metadata.name));
      } else {
        items = (await client.call<{ items: Resource[] }>('GET', `/v1/list${query({ kind: info.kind, namespace: ns, selector: stringOpt(v, 'selector') })}`)).items;
        if (items.length === 0 && cond) throw new CliError('error: no matching resources found');
      }
      const name = (r: Resource) => `${qualifiedKindName(info)}/${r.metadata.name}`;
      let pending: Resource[];
      if (cond) {
        const live = items.filter((r) => !r.metadata.deletionTimestamp);
        for (const r of live) {
          if (conditionMet(r, cond.type, cond.value) && !reported.has(name(r))) {
            reported.add(name(r));
            ctx.out(`${name(r)} condition met\n`);
          }
        }
        pending = live.filter((r) => !conditionMet(r, cond!.type, cond!.value));
        if (live.length === 0) pending = items;
      } else {
        pending = items;
        if (pending.length === 0) {
          for (const n of g.names) ctx.out(`${qualifiedKindName(info)}/${n} condition met\n`);
          return 0;
        }
      }
      if (pending.length === 0) return 0;
      if (Date.now() > deadline) {
        throw new CliError(`error: timed out waiting for the condition on ${info.plural}/${pending[0]!.metadata.name}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  },
};
