// weft version: this client's version and, when it runs, the runtime's.

import { VERSION } from '../../version.js';
import { readRuntimeInfo } from '../client.js';
import { boolOpt, type Command } from '../command.js';

export const version: Command = {
  name: 'version',
  group: 'Settings',
  summary: 'Print the client and runtime versions',
  usage: ['weft version [--short]'],
  options: { short: { type: 'boolean' }, client: { type: 'boolean' } },
  async run(ctx, _args, v) {
    ctx.out(`client version: ${VERSION}\n`);
    if (boolOpt(v, 'client')) return;
    const info = readRuntimeInfo(ctx.paths);
    ctx.out(info ? `runtime version: ${info.version}\n` : 'runtime: not running\n');
    if (boolOpt(v, 'short')) return;
  },
};
