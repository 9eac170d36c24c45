// Entry point of the proxy (the istio-proxy container and the gateways): `proxy sidecar` or `proxy router`.

import { Proxy } from './proxy.js';
import { VERSION } from '../version.js';

function log(msg: string): void {
  process.stderr.write(`${new Date().toISOString()}\tinfo\t${msg}\n`);
}

function fail(msg: string): never {
  process.stderr.write(`istio-proxy: ${msg}\n`);
  process.exit(1);
}

function discoveryAddress(env: NodeJS.ProcessEnv): { host: string; port: number } {
  let addr = 'istiod.istio-system.svc:15010';
  if (env.PROXY_CONFIG) {
    try {
      const pc = JSON.parse(env.PROXY_CONFIG) as { discoveryAddress?: string };
      if (pc.discoveryAddress) addr = pc.discoveryAddress;
    } catch {
      fail('PROXY_CONFIG is not valid JSON');
    }
  }
  const colon = addr.lastIndexOf(':');
  const port = Number(addr.slice(colon + 1));
  // 15012 is Istio's TLS port for xDS; Weft serves its plaintext stream on 15010.
  return { host: addr.slice(0, colon), port: port === 15012 ? 15010 : port };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const role = args[0] === 'proxy' ? args[1] : args[0];
  if (role !== 'sidecar' && role !== 'router') fail('usage: proxy sidecar|router');
  const env = process.env;
  const podName = env.POD_NAME ?? env.HOSTNAME;
  const namespace = env.POD_NAMESPACE;
  const podIP = env.INSTANCE_IP;
  const loopbackIP = env.WEFT_POD_LOCALHOST_IP;
  if (!podName || !namespace || !podIP || !loopbackIP) fail('POD_NAME, POD_NAMESPACE, INSTANCE_IP and WEFT_POD_LOCALHOST_IP must be set');
  const proxy = new Proxy({
    role,
    podName,
    namespace,
    podIP,
    loopbackIP,
    discovery: discoveryAddress(env),
    version: VERSION,
    accessLogOut: process.stdout,
    log,
    drainSeconds: Number(env.TERMINATION_DRAIN_DURATION_SECONDS ?? 5),
  });
  await proxy.start();
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void proxy.shutdown().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  log(`${role} proxy ${VERSION} starting for ${namespace}/${podName}`);
}

main().catch((err: unknown) => fail((err as Error).message));
