// The push stream between control plane and proxies: xDS's semantics (versions, nonces, ACK/NACK,
// last good config kept) over one HTTP/2 stream carrying newline-delimited JSON both ways.


export const DISCOVERY_PATH = '/weft.discovery.v1.AggregatedDiscovery/Stream';

export interface NodeInfo {
  /** sidecar~IP~POD.NS~NS.svc.cluster.local, as Envoy's node id. */
  id: string;
  role: 'sidecar' | 'router';
  podName: string;
  namespace: string;
  ip: string;
  proxyVersion: string;
}

/** Proxy -> control plane. The first names the node; later ones ACK (no error) or NACK (error) a push. */
export interface DiscoveryRequest {
  node?: NodeInfo;
  versionInfo: string;
  responseNonce: string;
  errorDetail?: string;
}

/** Control plane -> proxy: the resources that changed since the last push (all of them when full). */
export interface DiscoveryResponse {
  versionInfo: string;
  nonce: string;
  /** Replace everything held (the first push, and after a NACK). */
  full: boolean;
  /** Added or changed resources by name (see resources.ts). */
  resources: Record<string, unknown>;
  removed: string[];
}

/** Splits a byte stream into JSON messages, one per line. */
export class LineDecoder {
  private buf = '';
  constructor(private readonly onMessage: (msg: unknown) => void) {}

  push(chunk: Buffer | string): void {
    this.buf += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    let i: number;
    while ((i = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, i);
      this.buf = this.buf.slice(i + 1);
      if (line.trim()) this.onMessage(JSON.parse(line));
    }
  }
}

export function encode(msg: DiscoveryRequest): string {
  return `${JSON.stringify(msg)}\n`;
}
