// weft label / annotate: set key=value, remove key-.

import { labelValueProblems } from '../../config/k8s/common.js';
import type { LabelBody, LinesAnswer } from '../../runtime/api/protocol.js';
import { boolOpt, type Command, type CommandContext, type OptionValues } from '../command.js';
import { CliError } from '../errors.js';
import { splitTypeNames } from './resource-args.js';

async function change(ctx: CommandContext, args: string[], v: OptionValues, field: 'labels' | 'annotations'): Promise<void> {
  const pairs = args.filter((a) => a.includes('=') || (a.endsWith('-') && !a.includes('/')));
  const targets = args.filter((a) => !pairs.includes(a));
  if (pairs.length === 0) throw new CliError(`error: at least one ${field === 'labels' ? 'label' : 'annotation'} update is required`);
  const set: Record<string, string> = {};
  const remove: string[] = [];
  for (const p of pairs) {
    if (p.endsWith('-') && !p.includes('=')) remove.push(p.slice(0, -1));
    else {
      const i = p.indexOf('=');
      const value = p.slice(i + 1);
      // kubectl checks label values before asking the server, which checks everything else.
      const problems = field === 'labels' ? labelValueProblems(value) : [];
      if (problems.length) throw new CliError(`error: invalid label value: ${JSON.stringify(p)}: ${problems.join(';')}`);
      set[p.slice(0, i)] = value;
    }
  }
  const groups = splitTypeNames(targets);
  if (groups.length === 0 || groups.some((g) => g.names.length === 0)) throw new CliError('error: one or more resources must be specified as TYPE NAME or TYPE/NAME');
  for (const g of groups) {
    const a = await ctx.client().call<LinesAnswer>('POST', '/v1/label', { kind: g.type, namespace: ctx.namespace, names: g.names, field, set, remove, overwrite: boolOpt(v, 'overwrite') } satisfies LabelBody);
    ctx.out(`${a.lines.join('\n')}\n`);
  }
}

export const label: Command = {
  name: 'label',
  group: 'Basic',
  summary: 'Update the labels on a resource',
  usage: ['weft label TYPE NAME KEY=VALUE... [KEY-] [--overwrite]'],
  options: { overwrite: { type: 'boolean' } },
  run: (ctx, args, v) => change(ctx, args, v, 'labels'),
};

export const annotate: Command = {
  name: 'annotate',
  group: 'Basic',
  summary: 'Update the annotations on a resource',
  usage: ['weft annotate TYPE NAME KEY=VALUE... [KEY-] [--overwrite]'],
  options: { overwrite: { type: 'boolean' } },
  run: (ctx, args, v) => change(ctx, args, v, 'annotations'),
};
