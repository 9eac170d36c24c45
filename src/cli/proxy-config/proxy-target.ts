// Finds a pod named as istioctl names it (POD[.NS], or TYPE/NAME as kubectl's) and reads its proxy's
// configuration from the admin port, which the CLI reaches directly at the pod's loopback address.

import { request } from 'node:http';
import type { Resource } from '../../config/resource.js';
import type { PodTarget } from '../../runtime/api/protocol.js';
import type { ProxyConfig } from '../../xds/proxy-config.js';
import { ADMIN_PORT } from '../../proxy/admin/admin-server.js';
import { query } from '../client.js';
import type { CommandContext } from '../command.js';
import { CliError } from '../errors.js';

export const SIDECAR_CONTAINER = 'istio-proxy';

export interface PodSpecLite {
  containers: Array<{ name: string; ports?: Array<{ containerPort: number; protocol?: string; name?: string }> }>;
}

export interface PodStatusLite {
  phase?: string;
  hostIP?: string;
  podIP?: string;
  podLoopbackIP?: string;
  containerStatuses?: Array<{ name: string; ready: boolean }>;
}

export type Pod = Resource<PodSpecLite, PodStatusLite>;

/** POD.NS names the namespace as istioctl's; TYPE/NAME[.NS] (deploy/productpage-v1) picks a pod as `weft exec` does. */
export function splitPodRef(ref: string, namespace: string): { ref: string; namespace: string } {
  const dot = ref.lastIndexOf('.');
  return dot <= ref.indexOf('/') ? { ref, namespace } : { ref: ref.slice(0, dot), namespace: ref.slice(dot + 1) };
}

export async function findPod(ctx: CommandContext, arg: string): Promise<{ pod: Pod; host: string | undefined }> {
  const { ref, namespace } = splitPodRef(arg, ctx.namespace);
  const target = await ctx.client().call<PodTarget>('GET', `/v1/pod-target${query({ namespace, ref })}`);
  const pod = await ctx.client().call<Pod>('GET', `/v1/get${query({ kind: 'Pod', namespace, name: target.pod })}`);
  return { pod, host: target.host };
}

export function hasSidecar(pod: Pod): boolean {
  return (pod.spec?.containers ?? []).some((c) => c.name === SIDECAR_CONTAINER);
}

export function podName(pod: Pod): string {
  return `${pod.metadata.name}.${pod.metadata.namespace ?? 'default'}`;
}

/** The proxy's config_dump: Weft's ProxyConfig as the control plane last sent it. */
export async function fetchProxyConfig(pod: Pod, host: string | undefined): Promise<ProxyConfig> {
  if (!hasSidecar(pod)) throw new CliError(`error: ${podName(pod)} is not part of mesh; no Istio sidecar`);
  return readConfigDump(pod, host);
}

/** The config_dump of any pod's proxy, a sidecar's or a gateway's. */
export async function readConfigDump(pod: Pod, host?: string): Promise<ProxyConfig> {
  const address = pod.status?.podLoopbackIP ?? host;
  if (!address || pod.status?.phase !== 'Running') throw new CliError(`error: pod ${podName(pod)} is not running (${pod.status?.phase ?? 'Pending'})`);
  const body = await new Promise<string>((resolve, reject) => {
    const req = request({ host: address, port: ADMIN_PORT, path: '/config_dump', timeout: 5000 }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new CliError(`error: the proxy of ${podName(pod)} answered /config_dump with HTTP ${res.statusCode}`))));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => reject(new CliError(`error: failed to execute command on sidecar: cannot reach the admin port of ${podName(pod)} at ${address}:${ADMIN_PORT}: ${err.message}`)));
    req.end();
  });
  let dump: Partial<ProxyConfig>;
  try {
    dump = JSON.parse(body) as Partial<ProxyConfig>;
  } catch {
    throw new CliError(`error: the proxy of ${podName(pod)} answered /config_dump with something that is not JSON`);
  }
  if (!dump.clusters || !dump.outbound) throw new CliError(`error: the proxy of ${podName(pod)} has no configuration from istiod yet`);
  return dump as ProxyConfig;
}
