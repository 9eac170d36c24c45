// apply / create / delete: manifests and named objects.

import { query } from '../client.js';
import { boolOpt, stringOpt, stringsOpt, type Command, type CommandContext } from '../command.js';
import { CliError } from '../errors.js';
import type { LinesAnswer } from '../../runtime/api/protocol.js';
import { readSources } from '../sources.js';
import { splitTypeNames } from './resource-args.js';

/** kubectl says which dry run it was: "(dry run)" for client, "(server dry run)" for server. */
function printLines(ctx: CommandContext, a: LinesAnswer, dryRunMode?: string): void {
  for (const w of a.warnings ?? []) ctx.err(`Warning: ${w}\n`);
  const lines = dryRunMode === 'server' ? a.lines.map((l) => l.replace(/ \(dry run\)$/, ' (server dry run)')) : a.lines;
  if (lines.length) ctx.out(`${lines.join('\n')}\n`);
}

function dryRun(v: string | undefined): boolean {
  if (v === undefined || v === 'none') return false;
  if (v === 'client' || v === 'server') return true;
  throw new CliError(`error: Invalid dry-run value (${v}). Must be "none", "server", or "client".`);
}

export const apply: Command = {
  name: 'apply',
  group: 'Basic',
  summary: 'Apply a configuration from a file, a directory or stdin',
  usage: ['weft apply -f FILENAME [-n NAMESPACE]', 'cat x.yaml | weft apply -f -'],
  details: 'Every document is validated first; if any is invalid nothing is applied and each problem is named by file, document and field.',
  options: { filename: { type: 'string', short: 'f', multiple: true }, recursive: { type: 'boolean', short: 'R' }, 'dry-run': { type: 'string' } },
  optionHelp: { filename: 'file, directory or - for stdin (repeatable)', recursive: 'descend into directories', 'dry-run': 'none|client|server: validate only' },
  async run(ctx, _args, v) {
    const sources = await readSources(stringsOpt(v, 'filename'), boolOpt(v, 'recursive'), ctx.stdin);
    printLines(ctx, await ctx.client().call<LinesAnswer>('POST', '/v1/apply', { sources, namespace: ctx.namespace, enforceNamespace: ctx.namespaceExplicit, mode: 'apply', dryRun: dryRun(stringOpt(v, 'dry-run')) }), stringOpt(v, 'dry-run'));
  },
};

export const create: Command = {
  name: 'create',
  group: 'Basic',
  summary: 'Create objects from a file, or a namespace or service account by name',
  usage: ['weft create -f FILENAME', 'weft create namespace NAME', 'weft create serviceaccount NAME'],
  options: { filename: { type: 'string', short: 'f', multiple: true }, recursive: { type: 'boolean', short: 'R' }, 'dry-run': { type: 'string' } },
  async run(ctx, args, v) {
    let sources;
    if (stringsOpt(v, 'filename').length) sources = await readSources(stringsOpt(v, 'filename'), boolOpt(v, 'recursive'), ctx.stdin);
    else {
      const [what, name] = args;
      if (!what || !name) throw new CliError('error: must specify one of -f, or a kind and a name (weft create namespace NAME)');
      const kind = ({ ns: 'Namespace', namespace: 'Namespace', sa: 'ServiceAccount', serviceaccount: 'ServiceAccount' } as Record<string, string>)[what];
      if (!kind) throw new CliError(`error: weft create ${what} is not supported; write a manifest and use "weft create -f"`);
      sources = [{ name: `<create ${what}>`, text: JSON.stringify({ apiVersion: 'v1', kind, metadata: { name } }) }];
    }
    printLines(ctx, await ctx.client().call<LinesAnswer>('POST', '/v1/apply', { sources, namespace: ctx.namespace, enforceNamespace: ctx.namespaceExplicit, mode: 'create', dryRun: dryRun(stringOpt(v, 'dry-run')) }), stringOpt(v, 'dry-run'));
  },
};

export const del: Command = {
  name: 'delete',
  group: 'Basic',
  summary: 'Delete objects by file, by type and name, or by label',
  usage: ['weft delete -f FILENAME', 'weft delete TYPE NAME...', 'weft delete TYPE/NAME...', 'weft delete TYPE --all | -l key=value'],
  options: {
    filename: { type: 'string', short: 'f', multiple: true },
    recursive: { type: 'boolean', short: 'R' },
    all: { type: 'boolean' },
    selector: { type: 'string', short: 'l' },
    'ignore-not-found': { type: 'boolean' },
    wait: { type: 'string' },
    force: { type: 'boolean' },
    'grace-period': { type: 'string' },
  },
  async run(ctx, args, v) {
    const client = ctx.client();
    if (stringsOpt(v, 'filename').length) {
      const sources = await readSources(stringsOpt(v, 'filename'), boolOpt(v, 'recursive'), ctx.stdin);
      printLines(ctx, await client.call<LinesAnswer>('POST', '/v1/delete-sources', { sources, namespace: ctx.namespace, enforceNamespace: ctx.namespaceExplicit, ignoreNotFound: boolOpt(v, 'ignore-not-found') }));
      return;
    }
    const groups = splitTypeNames(args);
    if (groups.length === 0) throw new CliError('error: You must provide one or more resources by argument or filename.');
    const selector = stringOpt(v, 'selector');
    for (const g of groups) {
      if (g.names.length === 0 && !boolOpt(v, 'all') && !selector) throw new CliError(`error: resource(s) were provided, but no name was specified`);
      const labels = selector ? Object.fromEntries(selector.split(',').map((p) => p.split('=') as [string, string])) : undefined;
      printLines(ctx, await client.call<LinesAnswer>('POST', '/v1/delete', { kind: g.type, namespace: ctx.namespace, names: g.names, all: boolOpt(v, 'all'), labels, ignoreNotFound: boolOpt(v, 'ignore-not-found') }));
    }
  },
};

export { query };
