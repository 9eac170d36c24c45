// weft exec: run a command in a container, with that container's view of the network.

import { spawn } from 'node:child_process';
import type { ExecAnswer } from '../../runtime/api/protocol.js';
import { boolOpt, stringOpt, type Command } from '../command.js';
import { CliError } from '../errors.js';

export const exec: Command = {
  name: 'exec',
  group: 'Troubleshooting',
  summary: 'Execute a command in a container',
  usage: ['weft exec [-i] [-t] POD|TYPE/NAME [-c CONTAINER] -- COMMAND [ARGS...]'],
  details: 'The command runs as a process on this machine with the container\'s environment and network view: curl is Weft\'s own, and (in the mesh) the app container\'s traffic goes through its sidecar while the istio-proxy container\'s does not.',
  options: { container: { type: 'string', short: 'c' }, stdin: { type: 'boolean', short: 'i' }, tty: { type: 'boolean', short: 't' }, quiet: { type: 'boolean', short: 'q' } },
  async run(ctx, args, v, rest) {
    const [ref, ...legacy] = args;
    const command = rest.length ? rest : legacy;
    if (!ref) throw new CliError('error: expected POD or TYPE/NAME and a command: weft exec POD -- COMMAND');
    if (command.length === 0) throw new CliError('error: you must specify at least one command for the container');
    const spec = await ctx.client().call<ExecAnswer>('POST', '/v1/exec-spec', { namespace: ctx.namespace, ref, container: stringOpt(v, 'container'), command });
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(spec.argv[0]!, spec.argv.slice(1), {
        env: spec.env,
        cwd: spec.cwd,
        stdio: [boolOpt(v, 'stdin') ? 'inherit' : 'ignore', 'inherit', 'inherit'],
      });
      const forward = (sig: NodeJS.Signals) => () => child.kill(sig);
      const onInt = forward('SIGINT');
      const onTerm = forward('SIGTERM');
      process.on('SIGINT', onInt);
      process.on('SIGTERM', onTerm);
      child.once('error', (err: NodeJS.ErrnoException) => {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
        if (err.code === 'ENOENT') {
          ctx.err(`error: exec: "${spec.argv[0]}": executable file not found in $PATH\n`);
          resolve(127);
        } else reject(new CliError(`error: ${err.message}`));
      });
      child.once('exit', (c, sig) => {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
        resolve(c ?? 128 + (sig === 'SIGKILL' ? 9 : sig === 'SIGINT' ? 2 : 15));
      });
    });
    if (code !== 0) ctx.err(`command terminated with exit code ${code}\n`);
    return code;
  },
};
