// What the request path reads: the current configuration, pools, telemetry and this proxy's identity.

import type { ProxyConfig, WorkloadMeta } from '../xds/proxy-config.js';
import type { IstioMetrics } from '../telemetry/istio-metrics.js';
import type { AccessLogWriter } from '../telemetry/access-log.js';
import type { Upstream } from './upstream/upstream.js';

export interface ProxyState {
  config: ProxyConfig | undefined;
  /** The upstream layer: clusters, endpoint choice, pools. */
  clusters: Upstream;
  metrics: IstioMetrics;
  accessLog: AccessLogWriter;
  /** Node id, sent to peers in x-envoy-peer-metadata-id. */
  nodeId: string;
  /** This proxy's metadata, base64 JSON, sent to peers in x-envoy-peer-metadata. */
  peerMetadata: string;
  podIP: string;
}

export function encodePeerMetadata(meta: WorkloadMeta): string {
  const { workload, namespace, principal, app, version, canonicalService, canonicalRevision, cluster, serviceAccount } = meta;
  return Buffer.from(JSON.stringify({ workload, namespace, principal, app, version, canonicalService, canonicalRevision, cluster, serviceAccount })).toString('base64');
}
