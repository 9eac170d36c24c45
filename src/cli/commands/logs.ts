// weft logs: a container's output, optionally followed.

import { query } from '../client.js';
import { boolOpt, stringOpt, type Command } from '../command.js';
import { CliError, serverErrorPrefix } from '../errors.js';
import { readAll } from '../client.js';

export const logs: Command = {
  name: 'logs',
  group: 'Troubleshooting',
  summary: 'Print the logs for a container in a pod',
  usage: ['weft logs POD|TYPE/NAME [-c CONTAINER] [-f] [--tail N]'],
  options: { container: { type: 'string', short: 'c' }, follow: { type: 'boolean', short: 'f' }, tail: { type: 'string' }, timestamps: { type: 'boolean' } },
  async run(ctx, args, v) {
    const ref = args[0];
    if (!ref || args.length > 2) throw new CliError('error: expected POD or TYPE/NAME, e.g. "weft logs deploy/service-a -c istio-proxy"');
    const container = stringOpt(v, 'container') ?? args[1];
    const res = await ctx.client().raw('GET', `/v1/logs${query({ namespace: ctx.namespace, ref, container, follow: boolOpt(v, 'follow'), tail: stringOpt(v, 'tail') })}`);
    if ((res.statusCode ?? 500) >= 400) {
      const body = JSON.parse(await readAll(res)) as { error?: string };
      throw new CliError(`${serverErrorPrefix(res.statusCode ?? 500)}${body.error ?? 'failed'}`);
    }
    const all = String(res.headers['x-weft-containers'] ?? '').split(',').filter(Boolean);
    if (!container && all.length > 1) ctx.err(`Defaulted container "${String(res.headers['x-weft-container'])}" out of: ${all.join(', ')}\n`);
    const stop = () => res.destroy();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      for await (const chunk of res) ctx.out((chunk as Buffer).toString('utf8'));
    } catch {
      // Interrupted by the user.
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  },
};
