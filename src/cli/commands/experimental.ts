// weft experimental (x) describe pod: istioctl's summary of the Istio configuration that applies to a pod.

import type { Resource } from '../../config/resource.js';
import { query } from '../client.js';
import type { Command, CommandContext } from '../command.js';
import { CliError } from '../errors.js';
import { describePodText, type IngressGatewayPod } from '../describe-pod/describe-pod.js';
import type { DestinationRule, Gateway, PeerAuthentication, Service, VirtualService } from '../describe-pod/istio-resources.js';
import { fetchProxyConfig, findPod, hasSidecar, readConfigDump, type Pod } from '../proxy-config/proxy-target.js';

const ROOT_NAMESPACE = 'istio-system';

async function list<T extends Resource>(ctx: CommandContext, kind: string, namespace?: string, selector?: string): Promise<T[]> {
  return (await ctx.client().call<{ items: T[] }>('GET', `/v1/list${query({ kind, namespace, selector })}`)).items;
}

async function describePod(ctx: CommandContext, ref: string): Promise<string> {
  const { pod, host } = await findPod(ctx, ref);
  const ns = pod.metadata.namespace ?? 'default';
  const running = pod.status?.phase === 'Running';
  const config = running && hasSidecar(pod) ? await fetchProxyConfig(pod, host) : undefined;
  const [services, destinationRules, virtualServices, gateways, peerAuthentications, gatewayPods] = await Promise.all([
    list<Service>(ctx, 'Service', ns),
    list<DestinationRule>(ctx, 'DestinationRule'),
    list<VirtualService>(ctx, 'VirtualService'),
    list<Gateway>(ctx, 'Gateway'),
    list<PeerAuthentication>(ctx, 'PeerAuthentication'),
    list<Pod>(ctx, 'Pod', undefined, 'istio=ingressgateway'),
  ]);
  const ingressPods: IngressGatewayPod[] = [];
  for (const p of gatewayPods.filter((g) => g.status?.phase === 'Running')) {
    // A gateway that cannot be asked leaves its part out, as a stale proxy would.
    ingressPods.push({ pod: p, config: await readConfigDump(p).catch(() => undefined) });
  }
  const ingressNamespaces = [...new Set(ingressPods.map((p) => p.pod.metadata.namespace ?? 'default'))];
  const ingressServices = (await Promise.all(ingressNamespaces.map((n) => list<Service>(ctx, 'Service', n)))).flat();
  return describePodText({ pod, namespace: ctx.namespace, services, config, destinationRules, virtualServices, gateways, peerAuthentications, rootNamespace: ROOT_NAMESPACE, ingressPods, ingressServices });
}

export const experimental: Command = {
  name: 'experimental',
  aliases: ['x', 'exp'],
  group: 'Mesh',
  summary: 'Experimental istioctl commands: describe pod',
  usage: ['weft x describe pod POD[.NS]', 'weft experimental describe pod TYPE/NAME[.NS]'],
  details: 'As `istioctl x describe pod`: the pod, the Services that select it, the DestinationRule and VirtualService its proxy applies to each (with the subsets the pod matches and the routes that reach it), the effective PeerAuthentication, and the ingress gateways that expose it.',
  options: {},
  async run(ctx, args) {
    const [verb, type, ref, ...extra] = args;
    if (verb !== 'describe' && verb !== 'des') throw new CliError(`error: unknown command "${verb ?? ''}" for "weft experimental"; available: describe pod`);
    if (type !== 'pod' && type !== 'po') throw new CliError(`error: unknown resource type "${type ?? ''}": weft x describe pod POD[.NS]`);
    if (!ref || extra.length) throw new CliError('error: expecting pod name');
    ctx.out(await describePod(ctx, ref));
  },
};
