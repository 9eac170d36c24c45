// weft port-forward: a local port to a pod's port. The pod is looked up for each connection,
// so a forward keeps working across a rollout (kubectl's would break when its pod goes).

import { createServer, connect, type Server } from 'node:net';
import type { PodTarget } from '../../runtime/api/protocol.js';
import { query } from '../client.js';
import { stringsOpt, type Command } from '../command.js';
import { CliError } from '../errors.js';

interface Mapping {
  local: number;
  remote: number;
}

function parseMapping(s: string): Mapping {
  const m = /^(?:(\d*):)?(\d+)$/.exec(s);
  if (!m) throw new CliError(`error: invalid port mapping "${s}": use [LOCAL:]REMOTE`);
  const remote = Number(m[2]);
  const local = m[1] === undefined ? remote : m[1] === '' ? 0 : Number(m[1]);
  if (remote < 1 || remote > 65535 || local < 0 || local > 65535) throw new CliError(`error: invalid port mapping "${s}"`);
  return { local, remote };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const a = server.address();
      resolve(typeof a === 'object' && a ? a.port : port);
    });
  });
}

export const portForward: Command = {
  name: 'port-forward',
  group: 'Troubleshooting',
  summary: 'Forward one or more local ports to a pod',
  usage: ['weft port-forward POD|TYPE/NAME [LOCAL:]REMOTE...', 'weft port-forward deploy/service-a 8080', 'weft port-forward deploy/service-a :8080   (a free local port)'],
  options: { address: { type: 'string', multiple: true } },
  optionHelp: { address: 'local addresses to listen on (default localhost)' },
  async run(ctx, args, v) {
    const [ref, ...ports] = args;
    if (!ref || ports.length === 0) throw new CliError('error: TYPE/NAME and list of ports are required for port-forward');
    const mappings = ports.map(parseMapping);
    const client = ctx.client();
    const target = () => client.call<PodTarget>('GET', `/v1/pod-target${query({ namespace: ctx.namespace, ref })}`);
    await target(); // fail early when the pod does not exist
    const addresses = stringsOpt(v, 'address');
    const hosts = addresses.length ? addresses.map((a) => (a === 'localhost' ? '127.0.0.1' : a)) : ['127.0.0.1', '::1'];
    const servers: Server[] = [];
    for (const m of mappings) {
      let bound = m.local;
      for (const host of hosts) {
        const server = createServer((sock) => {
          ctx.out(`Handling connection for ${bound}\n`);
          sock.pause();
          target().then(
            (t) => {
              const up = connect({ host: t.host, port: m.remote });
              up.once('connect', () => {
                sock.pipe(up);
                up.pipe(sock);
                sock.resume();
              });
              up.on('error', (err) => {
                ctx.err(`E: an error occurred forwarding ${bound} -> ${m.remote}: ${err.message}\n`);
                sock.destroy();
              });
              sock.on('error', () => up.destroy());
              sock.on('close', () => up.destroy());
            },
            (err: Error) => {
              ctx.err(`E: ${err.message}\n`);
              sock.destroy();
            },
          );
        });
        try {
          bound = await listen(server, bound, host);
        } catch (err) {
          if (host === '::1' && !addresses.length) continue; // no IPv6 loopback here
          for (const s of servers) s.close();
          throw new CliError(`error: unable to listen on port ${m.local}: ${(err as Error).message}`);
        }
        servers.push(server);
        ctx.out(`Forwarding from ${host.includes(':') ? `[${host}]` : host}:${bound} -> ${m.remote}\n`);
      }
    }
    await new Promise<void>((resolve) => {
      const stop = () => {
        for (const s of servers) {
          s.close();
        }
        resolve();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return 0;
  },
};
