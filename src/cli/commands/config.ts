// weft config: the current context and its namespace (kubeconfig's role).

import { boolOpt, type Command } from '../command.js';
import { saveClientConfig } from '../context.js';
import { CliError } from '../errors.js';

export const config: Command = {
  name: 'config',
  group: 'Settings',
  summary: 'Show or change the current context and its default namespace',
  usage: ['weft config current-context', 'weft config set-context [NAME | --current] --namespace=NS', 'weft config use-context NAME', 'weft config get-contexts', 'weft config view'],
  options: { current: { type: 'boolean' } },
  async run(ctx, args, v) {
    const [verb, name] = args;
    const c = ctx.config;
    switch (verb) {
      case 'current-context':
        ctx.out(`${c.currentContext}\n`);
        return;
      case 'set-context': {
        const target = boolOpt(v, 'current') ? c.currentContext : name;
        if (!target) throw new CliError('error: you must specify a context name or --current');
        const existed = target in c.contexts;
        const ns = ctx.namespaceFlag;
        c.contexts[target] = { ...(c.contexts[target] ?? {}), ...(ns !== undefined ? { namespace: ns } : {}) };
        saveClientConfig(ctx.paths.clientConfig, c);
        ctx.out(`Context "${target}" ${existed ? 'modified' : 'created'}.\n`);
        return;
      }
      case 'use-context':
        if (!name || !(name in c.contexts)) throw new CliError(`error: no context exists with the name: "${name ?? ''}"`);
        c.currentContext = name;
        saveClientConfig(ctx.paths.clientConfig, c);
        ctx.out(`Switched to context "${name}".\n`);
        return;
      case 'get-contexts': {
        const rows = Object.entries(c.contexts).map(([n, x]) => [n === c.currentContext ? '*' : '', n, 'weft', 'weft', x.namespace ?? '']);
        const { formatTable } = await import('../printers/table.js');
        ctx.out(formatTable(['CURRENT', 'NAME', 'CLUSTER', 'AUTHINFO', 'NAMESPACE'], rows));
        return;
      }
      case 'view':
        ctx.out(`apiVersion: v1\nkind: Config\ncurrent-context: ${c.currentContext}\ncontexts:\n${Object.entries(c.contexts).map(([n, x]) => `- name: ${n}\n  context:\n    cluster: weft\n    user: weft\n${x.namespace ? `    namespace: ${x.namespace}\n` : ''}`).join('')}clusters:\n- name: weft\n  cluster:\n    server: ${ctx.paths.home}\n`);
        return;
      default:
        throw new CliError(`error: unknown config command "${verb ?? ''}": use current-context, set-context, use-context, get-contexts or view`);
    }
  },
};
