// weft proxy-config (pc): istioctl's view of one proxy's listeners, routes, clusters and endpoints,
// read from the proxy's admin config_dump.

import { stringify } from 'yaml';
import type { ProxyConfig } from '../../xds/proxy-config.js';
import { stringOpt, type Command, type OptionValues } from '../command.js';
import { CliError } from '../errors.js';
import { clusterTable, selectClusters, type ClusterFilter } from '../proxy-config/cluster-table.js';
import { endpointTable, selectEndpoints, type EndpointFilter } from '../proxy-config/endpoint-table.js';
import { listenerTable, selectListenerConfig, type ListenerFilter } from '../proxy-config/listener-table.js';
import { routeTable, selectRoutes, type RouteFilter } from '../proxy-config/route-table.js';
import { fetchProxyConfig, findPod } from '../proxy-config/proxy-target.js';

type Section = 'clusters' | 'listeners' | 'routes' | 'endpoints' | 'all';

/** istioctl's subcommand names and aliases. */
const SECTIONS: Record<string, Section> = {
  clusters: 'clusters', cluster: 'clusters', c: 'clusters',
  listeners: 'listeners', listener: 'listeners', l: 'listeners',
  routes: 'routes', route: 'routes', r: 'routes',
  endpoints: 'endpoints', endpoint: 'endpoints', ep: 'endpoints',
  all: 'all', a: 'all',
};

function portOpt(v: OptionValues): number | undefined {
  const s = stringOpt(v, 'port');
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new CliError(`error: invalid argument "${s}" for "--port" flag: must be a port number`);
  return n || undefined;
}

function render(value: unknown, output: string): string {
  // istioctl prints JSON indented by four spaces, and YAML converted from it.
  return output === 'yaml' ? stringify(value) : `${JSON.stringify(value, null, 4)}\n`;
}

function print(section: Exclude<Section, 'all'>, config: ProxyConfig, v: OptionValues, output: string): string {
  const port = portOpt(v);
  switch (section) {
    case 'clusters': {
      const f: ClusterFilter = { fqdn: stringOpt(v, 'fqdn'), port, subset: stringOpt(v, 'subset'), direction: stringOpt(v, 'direction') };
      return output === 'short' ? clusterTable(config, f) : render(selectClusters(config, f), output);
    }
    case 'listeners': {
      const f: ListenerFilter = { port, address: stringOpt(v, 'address') };
      return output === 'short' ? listenerTable(config, f) : render(selectListenerConfig(config, f), output);
    }
    case 'routes': {
      const f: RouteFilter = { name: stringOpt(v, 'name') };
      return output === 'short' ? routeTable(config, f) : render(selectRoutes(config, f), output);
    }
    case 'endpoints': {
      const f: EndpointFilter = { cluster: stringOpt(v, 'cluster'), port, address: stringOpt(v, 'address'), status: stringOpt(v, 'status') };
      return output === 'short' ? endpointTable(config, f) : render(selectEndpoints(config, f), output);
    }
  }
}

export const proxyConfig: Command = {
  name: 'proxy-config',
  aliases: ['pc'],
  group: 'Mesh',
  summary: 'Show a proxy\'s listeners, routes, clusters or endpoints',
  usage: [
    'weft proxy-config clusters POD[.NS] [--fqdn HOST] [--port N] [--subset NAME] [--direction inbound|outbound] [-o short|json|yaml]',
    'weft proxy-config listeners POD[.NS] [--port N] [--address IP] [-o short|json|yaml]',
    'weft proxy-config routes POD[.NS] [--name NAME] [-o short|json|yaml]',
    'weft proxy-config endpoints POD[.NS] [--cluster NAME] [--port N] [--address IP] [--status HEALTHY] [-o short|json|yaml]',
    'weft proxy-config all POD[.NS] [-o short|json|yaml]',
  ],
  details:
    'As istioctl\'s, in its columns; POD may also be TYPE/NAME (deploy/productpage-v1). The data is the proxy\'s own configuration (GET /config_dump on its admin port 15000), which is Weft\'s ProxyConfig rather than Envoy\'s: -o json prints that part of it. "all" prints clusters, listeners and routes (-o json: the whole dump). Endpoints are all HEALTHY: Weft\'s proxy keeps no health state in its configuration.',
  options: {
    output: { type: 'string', short: 'o' },
    fqdn: { type: 'string' },
    port: { type: 'string' },
    subset: { type: 'string' },
    direction: { type: 'string' },
    name: { type: 'string' },
    cluster: { type: 'string' },
    address: { type: 'string' },
    status: { type: 'string' },
  },
  optionHelp: {
    output: 'short (tables, the default), json or yaml',
    fqdn: 'clusters whose name contains this host',
    port: 'clusters, listeners or endpoints of this port',
    subset: 'clusters of this subset',
    direction: 'clusters of this direction (inbound|outbound)',
    name: 'the route configuration of this name',
    cluster: 'endpoints of this cluster',
    address: 'listeners or endpoints of this address',
    status: 'endpoints of this status',
  },
  async run(ctx, args, v) {
    const [word, ref, ...extra] = args;
    const section = word === undefined ? undefined : SECTIONS[word];
    if (!section) throw new CliError(`error: ${word === undefined ? 'expected' : `unknown proxy-config type "${word}"; expected`} one of clusters, listeners, routes, endpoints, all: weft proxy-config clusters POD[.NS]`);
    if (!ref) throw new CliError(`error: pod name or --file is required: weft proxy-config ${section} POD[.NS]`);
    if (extra.length) throw new CliError(`error: unexpected arguments: ${extra.join(' ')}`);
    const output = stringOpt(v, 'output') ?? 'short';
    if (!['short', 'json', 'yaml'].includes(output)) throw new CliError(`error: unknown output format "${output}" (short, json or yaml)`);
    const { pod, host } = await findPod(ctx, ref);
    const config = await fetchProxyConfig(pod, host);
    if (section !== 'all') {
      ctx.out(print(section, config, v, output));
      return;
    }
    if (output !== 'short') {
      ctx.out(render(config, output));
      return;
    }
    ctx.out([print('clusters', config, v, output), print('listeners', config, v, output), print('routes', config, v, output)].join('\n'));
  },
};
