// How a container of a pod becomes a process: its image plan, its environment and the pod's network.

import { basename, isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Container, PodSpec } from '../../config/k8s/pod.js';
import type { Resource } from '../../config/resource.js';
import { planImage, type ImagePlan } from '../images.js';
import { distEntry, packageRoot } from '../paths.js';
import { podNetEnvVars, type PodNetEnv } from '../pod-net/pod-env.js';
import type { LaunchSpec } from '../supervisor.js';
import { SOCKET_ACTIVATION_ENV } from './socket-activation-protocol.js';

export const netShimUrl = pathToFileURL(distEntry('runtime/pod-net/shim.js')).href;
export const fakeServiceMain = distEntry('samples/fake-service/main.js');
export const curlMain = distEntry('tools/curl/main.js');
export const fortioMain = distEntry('tools/fortio/main.js');
export const ncMain = distEntry('tools/nc/main.js');
export const istiodMain = distEntry('control-plane/main.js');
export const proxyMain = distEntry('proxy/main.js');

export const SIDECAR_NAME = 'istio-proxy';
/** Extra node flags for proxy processes, set by the runtime when asked to profile the data plane. */
export const PROXY_NODE_ARGS_ENV = 'WEFT_PROXY_NODE_ARGS';
export const PROXY_NODE_FLAGS = ['--max-semi-space-size=1'];
export const OUTBOUND_CAPTURE_PORT = 15001;

/** A pod is in the mesh when it runs Weft's proxy as its istio-proxy container (sidecar or gateway). */
export function isMeshedPod(pod: Resource<PodSpec>): boolean {
  return (pod.spec?.containers ?? []).some((c) => c.name === SIDECAR_NAME && planImage(c.image, c.name, pod.metadata.annotations).kind === 'proxy');
}
export const guardScript = join(packageRoot, 'libexec', 'guard');
export const shimsDir = join(packageRoot, 'libexec', 'shims');

export interface PodStatusFields {
  /** The node's address: where node ports listen. */
  hostIP?: string;
  podIP?: string;
  podLoopbackIP?: string;
}

/** Looks up ConfigMap and Secret keys for env valueFrom. */
export type KeyLookup = (kind: 'ConfigMap' | 'Secret', namespace: string, name: string, key: string) => string | undefined;

export class LaunchError extends Error {
  constructor(readonly reason: string, message: string) {
    super(message);
  }
}

export function podNetFor(pod: Resource<PodSpec, PodStatusFields>, netTablePath: string, container: Container): PodNetEnv {
  const status = pod.status ?? {};
  if (!status.podIP || !status.podLoopbackIP) throw new Error(`pod ${pod.metadata.name} has no address`);
  const ns = pod.metadata.namespace!;
  if (!isMeshedPod(pod)) {
    // Without a sidecar the app binds the pod IP, which is also its localhost.
    return { bindIP: status.podIP, localhostIP: status.podIP, namespace: ns, netTablePath };
  }
  // With one, the app stays behind it: apps bind the pod's own loopback address (its localhost) and the
  // sidecar owns the pod IP. The apps' outbound connections are captured by the sidecar's listener.
  const net: PodNetEnv = { bindIP: status.podLoopbackIP, localhostIP: status.podLoopbackIP, namespace: ns, netTablePath, podIPs: [status.podIP, status.podLoopbackIP] };
  if (container.name !== SIDECAR_NAME) net.capture = `${status.podLoopbackIP}:${OUTBOUND_CAPTURE_PORT}`;
  return net;
}

export function containerEnv(pod: Resource<PodSpec, PodStatusFields>, c: Container, lookup: KeyLookup): Record<string, string> {
  const ns = pod.metadata.namespace!;
  const env: Record<string, string> = {};
  for (const from of c.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    if (!ref) continue;
    const kind = from.configMapRef ? 'ConfigMap' : 'Secret';
    const keys = lookup(kind, ns, ref.name, '*');
    if (keys === undefined) {
      if (!ref.optional) throw new LaunchError('CreateContainerConfigError', `${kind.toLowerCase()} "${ref.name}" not found`);
      continue;
    }
    for (const [k, v] of Object.entries(JSON.parse(keys) as Record<string, string>)) env[`${from.prefix ?? ''}${k}`] = v;
  }
  for (const e of c.env ?? []) {
    if (e.value !== undefined) {
      env[e.name] = expandVars(e.value, env);
      continue;
    }
    const vf = e.valueFrom;
    if (!vf) {
      env[e.name] = '';
      continue;
    }
    if (vf.fieldRef) env[e.name] = fieldValue(pod, vf.fieldRef.fieldPath);
    else if (vf.configMapKeyRef || vf.secretKeyRef) {
      const ref = (vf.configMapKeyRef ?? vf.secretKeyRef)!;
      const kind = vf.configMapKeyRef ? 'ConfigMap' : 'Secret';
      const v = lookup(kind, ns, ref.name, ref.key);
      if (v === undefined) {
        if (ref.optional) continue;
        throw new LaunchError('CreateContainerConfigError', `couldn't find key ${ref.key} in ${kind} ${ns}/${ref.name}`);
      }
      env[e.name] = v;
    }
  }
  return env;
}

/** $(VAR) references to earlier variables, as Kubernetes expands them; $$ escapes. */
function expandVars(value: string, env: Record<string, string>): string {
  return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, name: string | undefined) => {
    if (m === '$$') return '$';
    return name !== undefined && env[name] !== undefined ? env[name] : m;
  });
}

export function fieldValue(pod: Resource<PodSpec, PodStatusFields>, path: string): string {
  const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (m) return (m[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations)?.[m[2]!] ?? '';
  switch (path) {
    case 'metadata.name':
      return pod.metadata.name;
    case 'metadata.namespace':
      return pod.metadata.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata.uid ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? 'default';
    case 'spec.nodeName':
      return 'weft';
    case 'status.podIP':
    case 'status.podIPs':
      return pod.status?.podIP ?? '';
    case 'status.hostIP':
    case 'status.hostIPs':
      return pod.status?.hostIP ?? '';
    default:
      throw new LaunchError('CreateContainerConfigError', `unsupported fieldRef "${path}"`);
  }
}

/** Environment every container gets besides its own: identity, the network shim, and Weft's curl, fortio and nc on PATH. */
export function baseEnv(pod: Resource, net: PodNetEnv, hostPath: string): Record<string, string> {
  return {
    PATH: `${shimsDir}:${hostPath}`,
    HOSTNAME: pod.metadata.name,
    HOME: '/tmp',
    LANG: 'C.UTF-8',
    WEFT_NODE: process.execPath,
    WEFT_NET_SHIM: netShimUrl,
    WEFT_CURL: curlMain,
    WEFT_FORTIO: fortioMain,
    WEFT_NC: ncMain,
    ...podNetEnvVars(net),
  };
}

export function launchSpecFor(
  plan: ImagePlan,
  c: Container,
  env: Record<string, string>,
  cwd: string,
): LaunchSpec {
  const cmd = [...(c.command ?? []), ...(c.args ?? [])];
  switch (plan.kind) {
    case 'fake-service':
      return { argv: [process.execPath, '--import', netShimUrl, fakeServiceMain], env, cwd, node: true };
    case 'istiod':
      return { argv: [process.execPath, '--import', netShimUrl, istiodMain], env, cwd, node: true };
    case 'proxy':
      // A small young generation keeps a sidecar's resident memory down at little CPU cost (see bench/).
      return { argv: [process.execPath, ...PROXY_NODE_FLAGS, ...(env[PROXY_NODE_ARGS_ENV]?.split(' ').filter(Boolean) ?? []), '--import', netShimUrl, proxyMain, ...(cmd.length ? cmd : ['proxy', 'sidecar'])], env: { ...env, [SOCKET_ACTIVATION_ENV]: '1' }, cwd, node: true };
    case 'tools': {
      // Busybox would exit at once without a command; an idle container is what a workshop wants from it.
      const argv = cmd.length > 0 ? cmd : ['sleep', 'infinity'];
      return { argv: ['bash', guardScript, ...argv], env, cwd, node: false };
    }
    case 'sample':
      return { argv: [process.execPath, '--import', netShimUrl, distEntry(plan.entry), ...cmd], env, cwd, node: true };
    case 'local-command':
      return {
        argv: ['bash', guardScript, 'sh', '-c', plan.command],
        env: { ...env, NODE_OPTIONS: `--import ${netShimUrl}` },
        cwd,
        node: false,
      };
    case 'missing':
      throw new LaunchError('ErrImagePull', plan.message);
  }
}

export function imagePlanFor(pod: Resource, c: Container): ImagePlan {
  return planImage(c.image, c.name, pod.metadata.annotations);
}

/** Weft's shims that stand in for a tool wherever an image keeps it. */
const IMAGE_PATH_TOOLS = new Set(['fortio', 'nc']);

/** The argv and env for `exec` into a container: the command runs with the container's own network view. */
export function execSpec(command: string[], env: Record<string, string>, cwd: string, plan: ImagePlan): LaunchSpec {
  const [program, ...args] = command;
  // Tasks call fortio by its path in the image (/usr/bin/fortio, /usr/local/bin/fortio), and nc as /usr/bin/nc
  // or /bin/nc: the host has no fortio, and its nc would bypass the pod's network.
  if (program !== undefined && isAbsolute(program) && IMAGE_PATH_TOOLS.has(basename(program))) command = [join(shimsDir, basename(program)), ...args];
  const extra: Record<string, string> = plan.kind === 'local-command' ? { NODE_OPTIONS: `--import ${netShimUrl}` } : {};
  return { argv: command, env: { ...env, ...extra }, cwd, node: false };
}
