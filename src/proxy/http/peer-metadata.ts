// Istio's metadata exchange: peers tell each other who they are in request and response headers,
// so each side can label its telemetry with the other's workload.

import type { WorkloadLabels } from '../../telemetry/labels.js';
import { unknownWorkload } from '../../telemetry/labels.js';

export const PEER_METADATA = 'x-envoy-peer-metadata';
export const PEER_METADATA_ID = 'x-envoy-peer-metadata-id';

const cache = new Map<string, WorkloadLabels>();
const MAX_CACHE = 1024;

export function decodePeerMetadata(header: string | string[] | undefined): WorkloadLabels {
  if (typeof header !== 'string' || header === '') return unknownWorkload();
  const hit = cache.get(header);
  if (hit) return hit;
  let labels: WorkloadLabels;
  try {
    const m = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as Partial<WorkloadLabels> & { workload?: string };
    const u = unknownWorkload();
    labels = {
      workload: m.workload ?? u.workload,
      workloadNamespace: (m as { namespace?: string }).namespace ?? u.workloadNamespace,
      principal: u.principal,
      app: m.app ?? u.app,
      version: m.version ?? u.version,
      canonicalService: m.canonicalService ?? u.canonicalService,
      canonicalRevision: m.canonicalRevision ?? u.canonicalRevision,
      cluster: m.cluster ?? u.cluster,
    };
  } catch {
    labels = unknownWorkload();
  }
  if (cache.size >= MAX_CACHE) cache.clear();
  cache.set(header, labels);
  return labels;
}
