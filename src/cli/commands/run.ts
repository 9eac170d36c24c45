// weft run: a single pod from an image, as kubectl run makes one.

import type { LinesAnswer } from '../../runtime/api/protocol.js';
import { stringOpt, stringsOpt, boolOpt, type Command } from '../command.js';
import { CliError } from '../errors.js';

export const run: Command = {
  name: 'run',
  group: 'Basic',
  summary: 'Run a particular image in a pod',
  usage: ['weft run NAME --image=IMAGE [--env=K=V] [--labels=k=v,...] [--restart=Always|OnFailure|Never] [--command] -- [COMMAND] [ARGS...]'],
  details: 'Built-in images: nicholasjackson/fake-service and rinormaloku/happy-service (Weft\'s fake-service); radial/busyboxplus:curl, curlimages/curl, busybox (an idle tools container whose exec offers curl).',
  options: {
    image: { type: 'string' },
    env: { type: 'string', multiple: true },
    labels: { type: 'string', short: 'l' },
    restart: { type: 'string' },
    command: { type: 'boolean' },
    port: { type: 'string' },
    annotations: { type: 'string', multiple: true },
    'dry-run': { type: 'string' },
  },
  async run(ctx, args, v, rest) {
    const [name, ...legacy] = args;
    const image = stringOpt(v, 'image');
    if (!name) throw new CliError('error: NAME is required for run');
    if (!image) throw new CliError('error: --image is required');
    const extra = rest.length ? rest : legacy;
    const labels = stringOpt(v, 'labels')
      ? Object.fromEntries(stringOpt(v, 'labels')!.split(',').map((p) => p.split('=') as [string, string]))
      : { run: name };
    const annotations = Object.fromEntries(stringsOpt(v, 'annotations').map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
    const container: Record<string, unknown> = { name, image };
    if (extra.length) container[boolOpt(v, 'command') ? 'command' : 'args'] = extra;
    const env = stringsOpt(v, 'env').map((e) => ({ name: e.slice(0, e.indexOf('=')), value: e.slice(e.indexOf('=') + 1) }));
    if (env.length) container.env = env;
    if (stringOpt(v, 'port')) container.ports = [{ containerPort: Number(stringOpt(v, 'port')) }];
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, labels, ...(Object.keys(annotations).length ? { annotations } : {}) },
      spec: { containers: [container], restartPolicy: stringOpt(v, 'restart') ?? 'Always' },
    };
    const a = await ctx.client().call<LinesAnswer>('POST', '/v1/apply', {
      sources: [{ name: '<run>', text: JSON.stringify(pod) }],
      namespace: ctx.namespace,
      enforceNamespace: false,
      mode: 'create',
      dryRun: (stringOpt(v, 'dry-run') ?? 'none') !== 'none',
    });
    ctx.out(`${a.lines.join('\n')}\n`);
  },
};
