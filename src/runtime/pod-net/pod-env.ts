// The environment that tells a pod's processes who they are on the network. Read once by the shim's entry point.

export interface PodNetEnv {
  /** Where wildcard and localhost listens bind. */
  bindIP: string;
  /** What localhost / 127.0.0.1 means inside this pod. */
  localhostIP: string;
  namespace: string;
  netTablePath: string;
  /** Sidecar's outbound listener ("ip:port"): set for app containers of meshed pods, whose traffic it captures. */
  capture?: string;
  /** Addresses that stay local to the pod (never captured). */
  podIPs?: string[];
}

export const POD_ENV = {
  bindIP: 'WEFT_POD_BIND_IP',
  localhostIP: 'WEFT_POD_LOCALHOST_IP',
  namespace: 'WEFT_POD_NAMESPACE',
  netTablePath: 'WEFT_NET_TABLE',
  capture: 'WEFT_CAPTURE',
  podIPs: 'WEFT_POD_IPS',
} as const;

export function readPodNetEnv(env: NodeJS.ProcessEnv): PodNetEnv | undefined {
  const bindIP = env[POD_ENV.bindIP];
  const localhostIP = env[POD_ENV.localhostIP];
  const namespace = env[POD_ENV.namespace];
  const netTablePath = env[POD_ENV.netTablePath];
  if (!bindIP || !localhostIP || !namespace || !netTablePath) return undefined;
  const capture = env[POD_ENV.capture];
  const podIPs = env[POD_ENV.podIPs];
  return { bindIP, localhostIP, namespace, netTablePath, ...(capture ? { capture } : {}), ...(podIPs ? { podIPs: podIPs.split(',') } : {}) };
}

export function podNetEnvVars(p: PodNetEnv): Record<string, string> {
  return {
    [POD_ENV.bindIP]: p.bindIP,
    [POD_ENV.localhostIP]: p.localhostIP,
    [POD_ENV.namespace]: p.namespace,
    [POD_ENV.netTablePath]: p.netTablePath,
    ...(p.capture ? { [POD_ENV.capture]: p.capture } : {}),
    ...(p.podIPs ? { [POD_ENV.podIPs]: p.podIPs.join(',') } : {}),
  };
}
