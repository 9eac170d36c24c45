// A port's protocol from its name or appProtocol, Istio's explicit protocol selection.

import type { Protocol } from '../../xds/proxy-config.js';

const KNOWN: Record<string, Protocol> = {
  http: 'http', http2: 'http2', grpc: 'grpc', 'grpc-web': 'http', h2c: 'http2',
  tcp: 'tcp', tls: 'tls', https: 'https', mongo: 'tcp', mysql: 'tcp', redis: 'tcp', udp: 'tcp',
};

export function portProtocol(name: string | undefined, appProtocol?: string): Protocol {
  const ap = appProtocol?.toLowerCase();
  if (ap) {
    const p = KNOWN[ap] ?? KNOWN[ap.replace(/^kubernetes\.io\//, '')];
    if (p) return p;
  }
  if (!name) return 'auto';
  const prefix = name.toLowerCase().split('-')[0]!;
  return KNOWN[prefix] ?? 'auto';
}

export function isHttp(p: Protocol): boolean {
  return p === 'http' || p === 'http2' || p === 'grpc';
}
