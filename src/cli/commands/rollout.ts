// weft rollout restart|status and weft scale.

import type { Resource } from '../../config/resource.js';
import type { LinesAnswer } from '../../runtime/api/protocol.js';
import { query } from '../client.js';
import { stringOpt, type Command } from '../command.js';
import { CliError } from '../errors.js';
import { parseDuration } from '../duration.js';
import { splitTypeNames } from './resource-args.js';

function deploymentNames(args: string[]): string[] {
  const groups = splitTypeNames(args);
  const names: string[] = [];
  for (const g of groups) {
    if (!['deploy', 'deployment', 'deployments', 'deployment.apps', 'deployments.apps'].includes(g.type)) {
      throw new CliError(`error: no rollout support for "${g.type}": only deployments`);
    }
    names.push(...g.names);
  }
  if (names.length === 0) throw new CliError('error: a deployment name is required, e.g. "weft rollout restart deploy service-a"');
  return names;
}

export const rollout: Command = {
  name: 'rollout',
  group: 'Deploy',
  summary: 'Restart a deployment\'s pods, or watch a rollout finish',
  usage: ['weft rollout restart deploy NAME...', 'weft rollout status deploy/NAME [--timeout 5m]'],
  options: { timeout: { type: 'string' } },
  async run(ctx, args, v) {
    const [verb, ...rest] = args;
    const client = ctx.client();
    if (verb === 'restart') {
      const a = await client.call<LinesAnswer>('POST', '/v1/rollout-restart', { namespace: ctx.namespace, names: deploymentNames(rest) });
      ctx.out(`${a.lines.join('\n')}\n`);
      return;
    }
    if (verb === 'status') {
      const [name] = deploymentNames(rest);
      const deadline = Date.now() + parseDuration(stringOpt(v, 'timeout') ?? '10m');
      let last = '';
      for (;;) {
        const d = await client.call<Resource>('GET', `/v1/get${query({ kind: 'Deployment', namespace: ctx.namespace, name })}`);
        const want = (d.spec as { replicas?: number }).replicas ?? 1;
        const st = (d.status ?? {}) as { updatedReplicas?: number; readyReplicas?: number; replicas?: number };
        const updated = st.updatedReplicas ?? 0;
        let msg = '';
        if (updated < want) msg = `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${want} new replicas have been updated...`;
        else if ((st.replicas ?? 0) > updated) msg = `Waiting for deployment "${name}" rollout to finish: ${(st.replicas ?? 0) - updated} old replicas are pending termination...`;
        else if ((st.readyReplicas ?? 0) < want) msg = `Waiting for deployment "${name}" rollout to finish: ${st.readyReplicas ?? 0} of ${want} updated replicas are available...`;
        else {
          ctx.out(`deployment "${name}" successfully rolled out\n`);
          return;
        }
        if (msg !== last) ctx.out(`${msg}\n`);
        last = msg;
        if (Date.now() > deadline) throw new CliError('error: timed out waiting for the condition');
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    throw new CliError(`error: unknown rollout command "${verb ?? ''}": use restart or status`);
  },
};

export const scale: Command = {
  name: 'scale',
  group: 'Deploy',
  summary: 'Set a new size for a deployment',
  usage: ['weft scale deploy NAME --replicas=N'],
  options: { replicas: { type: 'string' } },
  async run(ctx, args, v) {
    const replicas = Number(stringOpt(v, 'replicas'));
    if (!Number.isInteger(replicas) || replicas < 0) throw new CliError('error: --replicas=COUNT is required, and COUNT must be a non-negative integer');
    const a = await ctx.client().call<LinesAnswer>('POST', '/v1/scale', { namespace: ctx.namespace, names: deploymentNames(args), replicas });
    ctx.out(`${a.lines.join('\n')}\n`);
  },
};
