// Istio's standard metric labels for one side of a connection, as the istio_stats filter fills them.

/** Value Istio reports for any label it cannot determine. */
export const UNKNOWN = 'unknown';

/**
 * Istio reports a missing canonical revision as "latest", not "unknown" (istio/proxy
 * istio_stats.cc falls back to `latest_` for both source and destination canonical revision).
 */
export const DEFAULT_CANONICAL_REVISION = 'latest';

/** The `source_*` or `destination_*` workload labels. Empty strings are reported as the defaults above. */
export interface WorkloadLabels {
  workload: string;
  workloadNamespace: string;
  /** Full SPIFFE URI, e.g. `spiffe://cluster.local/ns/default/sa/bookinfo-ratings`. */
  principal: string;
  app: string;
  version: string;
  canonicalService: string;
  canonicalRevision: string;
  cluster: string;
}

/** `destination_service`, `destination_service_name`, `destination_service_namespace`. */
export interface DestinationServiceLabels {
  /** Host, e.g. `reviews.default.svc.cluster.local`. */
  service: string;
  /** Short name, e.g. `reviews`, or `PassthroughCluster` / `BlackHoleCluster`. */
  serviceName: string;
  serviceNamespace: string;
}

/** A peer Istio knows nothing about (no metadata exchange, no mTLS). */
export function unknownWorkload(): WorkloadLabels {
  return {
    workload: UNKNOWN,
    workloadNamespace: UNKNOWN,
    principal: UNKNOWN,
    app: UNKNOWN,
    version: UNKNOWN,
    canonicalService: UNKNOWN,
    canonicalRevision: DEFAULT_CANONICAL_REVISION,
    cluster: UNKNOWN,
  };
}
