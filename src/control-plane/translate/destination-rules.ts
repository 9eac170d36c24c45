// DestinationRules: which one applies to a host as seen from a namespace (Istio's lookup: the client's
// namespace, then the host's, then the root namespace; rules of one namespace for one host merged,
// oldest first), and the cluster settings its traffic policy, port-level settings and subsets give.

import type { DestinationRuleSpec, Subset } from '../../config/istio/destination-rule.js';
import type { TrafficPolicy } from '../../config/istio/traffic-policy.js';
import { parseDurationMs } from '../../config/istio/common.js';
import type { Resource } from '../../config/resource.js';
import type { Cluster, ConnectionPool, HashPolicy, LoadBalancerPolicy, OutlierDetection } from '../../xds/proxy-config.js';
import type { Snapshot } from '../model/snapshot.js';
import { exportedTo, hostMatches, hostSpecificity, resolveHost } from './hosts.js';

export const ROOT_NAMESPACE = 'istio-system';
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** The rule that applies: its namespace's rules for the host merged (subsets of later ones added). */
export interface EffectiveRule {
  /** "name.namespace" of the oldest rule merged. */
  name: string;
  namespace: string;
  trafficPolicy: TrafficPolicy | undefined;
  subsets: Subset[];
}

type Rule = Resource<DestinationRuleSpec>;

/** The DestinationRule for `host` (fully qualified) seen from `fromNamespace`, or undefined. */
export function destinationRuleFor(host: string, fromNamespace: string, snapshot: Snapshot): EffectiveRule | undefined {
  const all = (snapshot.config.get('DestinationRule') ?? []) as Rule[];
  const hostNs = host.endsWith('.svc.cluster.local') ? host.split('.')[1] : undefined;
  const order = [fromNamespace, ...(hostNs && hostNs !== fromNamespace ? [hostNs] : []), ROOT_NAMESPACE];
  for (const ns of order) {
    // Rules with a workload selector apply to chosen workloads only; outbound configuration is shared by a namespace.
    const candidates = all.filter((r) => r.metadata.namespace === ns && r.spec && !r.spec.workloadSelector && (ns === fromNamespace || exportedTo(r, fromNamespace)));
    let best: Rule[] = [];
    let bestScore = -1;
    for (const r of candidates) {
      const pattern = resolveHost(r.spec!.host, r.metadata.namespace!, snapshot);
      if (!hostMatches(pattern, host)) continue;
      const score = hostSpecificity(pattern);
      if (score > bestScore) {
        best = [r];
        bestScore = score;
      } else if (score === bestScore) best.push(r);
    }
    if (best.length === 0) continue;
    const subsets: Subset[] = [];
    for (const r of best) for (const s of r.spec!.subsets ?? []) if (!subsets.some((x) => x.name === s.name)) subsets.push(s);
    return { name: `${best[0]!.metadata.name}.${ns}`, namespace: ns, trafficPolicy: best[0]!.spec!.trafficPolicy, subsets };
  }
  return undefined;
}

/** Cluster settings from a traffic policy for one port: port-level settings override the policy's own. */
export interface ClusterPolicy {
  lb: LoadBalancerPolicy;
  hashPolicy?: HashPolicy;
  connectTimeoutMs: number;
  connectionPool?: ConnectionPool;
  outlierDetection?: OutlierDetection;
}

type PolicyParts = Pick<TrafficPolicy, 'loadBalancer' | 'connectionPool' | 'outlierDetection'>;

/** A policy's parts for one port: its port-level settings for the port replace its own, part by part. */
function forPort(tp: TrafficPolicy | undefined, port: number, base: PolicyParts = {}): PolicyParts {
  const pls = tp?.portLevelSettings?.find((p) => p.port?.number === port);
  return {
    loadBalancer: pls?.loadBalancer ?? tp?.loadBalancer ?? base.loadBalancer,
    connectionPool: pls?.connectionPool ?? tp?.connectionPool ?? base.connectionPool,
    outlierDetection: pls?.outlierDetection ?? tp?.outlierDetection ?? base.outlierDetection,
  };
}

/**
 * The policy of a cluster for one port, as Istio merges it: the rule's policy with its port-level
 * settings, then the subset's policy part by part, then the subset's own port-level settings.
 */
export function clusterPolicy(rulePolicy: TrafficPolicy | undefined, port: number, subsetPolicy?: TrafficPolicy): ClusterPolicy {
  const parts = forPort(subsetPolicy, port, forPort(rulePolicy, port));
  const out: ClusterPolicy = { lb: 'LEAST_REQUEST', connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS };
  const lb = parts.loadBalancer;
  if (lb?.simple && lb.simple !== 'UNSPECIFIED') out.lb = lb.simple === 'LEAST_CONN' ? 'LEAST_REQUEST' : lb.simple;
  const ch = lb?.consistentHash;
  if (ch) {
    out.lb = 'RING_HASH';
    if (ch.httpHeaderName) out.hashPolicy = { header: ch.httpHeaderName.toLowerCase() };
    else if (ch.httpCookie) out.hashPolicy = { cookie: { name: ch.httpCookie.name, ...(ch.httpCookie.path ? { path: ch.httpCookie.path } : {}), ...(ch.httpCookie.ttl ? { ttlMs: parseDurationMs(ch.httpCookie.ttl) } : {}) } };
    else if (ch.useSourceIp) out.hashPolicy = { sourceIp: true };
    else if (ch.httpQueryParameterName) out.hashPolicy = { queryParameter: ch.httpQueryParameterName };
  }
  const cp = parts.connectionPool;
  if (cp) {
    const pool: ConnectionPool = {};
    if (cp.tcp?.maxConnections !== undefined) pool.maxConnections = cp.tcp.maxConnections;
    if (cp.tcp?.connectTimeout) out.connectTimeoutMs = parseDurationMs(cp.tcp.connectTimeout);
    if (cp.http?.http1MaxPendingRequests !== undefined) pool.maxPendingRequests = cp.http.http1MaxPendingRequests;
    if (cp.http?.http2MaxRequests !== undefined) pool.maxRequests = cp.http.http2MaxRequests;
    if (cp.http?.maxRequestsPerConnection) pool.maxRequestsPerConnection = cp.http.maxRequestsPerConnection;
    if (cp.http?.maxRetries !== undefined) pool.maxRetries = cp.http.maxRetries;
    if (cp.http?.idleTimeout) pool.idleTimeoutMs = parseDurationMs(cp.http.idleTimeout);
    if (Object.keys(pool).length) out.connectionPool = pool;
  }
  const od = parts.outlierDetection;
  if (od) {
    // consecutiveErrors (deprecated) meant gateway errors in Istio's translation; 5xx takes its place when set.
    const gateway = od.consecutiveGatewayErrors ?? (od.consecutiveErrors !== undefined && od.consecutive5xxErrors === undefined ? od.consecutiveErrors : undefined);
    out.outlierDetection = {
      ...(od.consecutive5xxErrors !== undefined && od.consecutive5xxErrors !== null ? { consecutive5xx: od.consecutive5xxErrors } : {}),
      ...(gateway !== undefined && gateway !== null ? { consecutiveGatewayErrors: gateway } : {}),
      intervalMs: od.interval ? parseDurationMs(od.interval) : 10_000,
      baseEjectionTimeMs: od.baseEjectionTime ? parseDurationMs(od.baseEjectionTime) : 30_000,
      maxEjectionPercent: od.maxEjectionPercent ?? 10,
      minHealthPercent: od.minHealthPercent ?? 0,
    };
  }
  return out;
}

/** Applies a policy to a cluster built with defaults. */
export function withPolicy(c: Cluster, p: ClusterPolicy): Cluster {
  const out: Cluster = { ...c, lb: p.lb, connectTimeoutMs: p.connectTimeoutMs };
  if (p.hashPolicy) out.hashPolicy = p.hashPolicy;
  if (p.connectionPool) out.connectionPool = p.connectionPool;
  if (p.outlierDetection) out.outlierDetection = p.outlierDetection;
  return out;
}

/** Whether an endpoint's workload labels carry every label of a subset. */
export function inSubset(subset: Subset, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(subset.labels ?? {})) if (labels[k] !== v) return false;
  return true;
}
