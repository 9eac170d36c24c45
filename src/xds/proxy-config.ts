// What the control plane sends each proxy: its listeners, routes and clusters (endpoints inline),
// shaped after Envoy's listener -> route configuration -> cluster -> endpoint chain.
// Shared by control plane and proxy; the proxy never imports the control plane itself.

export type Protocol = 'http' | 'http2' | 'grpc' | 'tcp' | 'tls' | 'https' | 'auto';

/** Who a workload is, for telemetry labels and (later) identity. */
export interface WorkloadMeta {
  /** Workload name: the Deployment (or the pod for bare pods). */
  workload: string;
  namespace: string;
  serviceAccount: string;
  /** spiffe://TRUST_DOMAIN/ns/NS/sa/SA */
  principal: string;
  app: string;
  version: string;
  canonicalService: string;
  canonicalRevision: string;
  cluster: string;
  podName: string;
  labels: Record<string, string>;
}

export interface Endpoint {
  address: string;
  port: number;
  /** Whether a sidecar stands in front of it (mTLS capable). */
  meshed: boolean;
  workload: WorkloadMeta;
}

export type LoadBalancerPolicy = 'LEAST_REQUEST' | 'ROUND_ROBIN' | 'RANDOM' | 'PASSTHROUGH' | 'RING_HASH';

export interface ServiceRef {
  /** svc.ns.svc.cluster.local */
  host: string;
  name: string;
  namespace: string;
  port: number;
}

/** Consistent hashing (DestinationRule loadBalancer.consistentHash): what a request hashes on. */
export type HashPolicy =
  | { header: string }
  | { cookie: { name: string; path?: string; ttlMs?: number } }
  | { sourceIp: true }
  | { queryParameter: string };

/** DestinationRule connectionPool, as Envoy's circuit breakers and protocol options. */
export interface ConnectionPool {
  /** TCP maxConnections (Envoy max_connections); absent: unlimited (2^32-1). */
  maxConnections?: number;
  /** http1MaxPendingRequests (max_pending_requests). */
  maxPendingRequests?: number;
  /** http2MaxRequests (max_requests): requests in flight to the cluster. */
  maxRequests?: number;
  /** maxRequestsPerConnection; 0 or absent: unlimited. */
  maxRequestsPerConnection?: number;
  /** maxRetries (max_retries): retries in flight to the cluster. */
  maxRetries?: number;
  /** idleTimeout of upstream connections. */
  idleTimeoutMs?: number;
}

/** DestinationRule outlierDetection (Envoy's outlier detection). */
export interface OutlierDetection {
  consecutive5xx?: number;
  consecutiveGatewayErrors?: number;
  intervalMs: number;
  baseEjectionTimeMs: number;
  maxEjectionPercent: number;
  minHealthPercent: number;
}

export interface Cluster {
  /** outbound|80||svc.ns.svc.cluster.local, outbound|80|v1|svc..., inbound|8080||, PassthroughCluster, BlackHoleCluster */
  name: string;
  kind: 'outbound' | 'inbound' | 'passthrough' | 'blackhole';
  service?: ServiceRef;
  /** The DestinationRule subset this cluster's endpoints are limited to. */
  subset?: string;
  /** Upstream protocol: HTTP/1.1 or HTTP/2 (h2c); tcp for L4 clusters. */
  protocol: 'http1' | 'http2' | 'tcp' | 'auto';
  lb: LoadBalancerPolicy;
  /** With lb consistent hashing: what to hash (ring hash over the endpoints). */
  hashPolicy?: HashPolicy;
  connectTimeoutMs: number;
  connectionPool?: ConnectionPool;
  outlierDetection?: OutlierDetection;
  /** The DestinationRule whose policy and subsets this cluster has, "name.namespace". */
  destinationRule?: string;
  /** An external service (ServiceEntry with resolution DNS): endpoints are names resolved at connect time. */
  dns?: boolean;
  endpoints: Endpoint[];
}

/** A string test, as Istio's StringMatch and Envoy's StringMatcher: one of exact, prefix or an RE2 regex (whole value). */
export type StringMatch = { exact: string } | { prefix: string } | { regex: string };

/** A header (or pseudo-header ":method", ":scheme", ":authority") that must match, be present, or (invert) not match. */
export interface HeaderMatch {
  name: string;
  /** Absent: the header must be present (Istio's empty match), whatever its value. */
  match?: StringMatch;
  invert?: boolean;
}

export interface QueryParamMatch {
  name: string;
  /** Absent: the parameter must be present. */
  match?: StringMatch;
}

export interface RouteMatch {
  /** The path test: one of prefix, path (exact) or regex; none means every path. Query strings are not part of the path. */
  prefix?: string;
  path?: string;
  regex?: string;
  ignoreCase?: boolean;
  headers?: HeaderMatch[];
  queryParams?: QueryParamMatch[];
  /** Istio's sourceLabels and sourceNamespace: tested against the proxy's own workload. */
  sourceLabels?: Record<string, string>;
  sourceNamespace?: string;
}

export interface HeaderMutation {
  set?: Record<string, string>;
  add?: Record<string, string>;
  remove?: string[];
}

export interface WeightedCluster {
  cluster: string;
  weight: number;
  requestHeaders?: HeaderMutation;
  responseHeaders?: HeaderMutation;
}

export interface RetryPolicy {
  /** Retries after the first try (Istio's attempts). */
  attempts: number;
  perTryTimeoutMs?: number;
  /** Envoy's retry_on conditions: 5xx, gateway-error, reset, connect-failure, refused-stream, retriable-4xx, retriable-status-codes, ... */
  retryOn: string[];
  retriableStatusCodes?: number[];
  /** Try another endpoint than the ones tried before (Istio sets previous_hosts). */
  otherHosts: boolean;
}

export interface FaultPolicy {
  delay?: { fixedDelayMs: number; percentage: number };
  abort?: { httpStatus: number; percentage: number } | { grpcStatus: string; percentage: number };
}

export interface MirrorPolicy {
  cluster: string;
  /** 0-100, fractions allowed. */
  percentage: number;
}

export interface CorsPolicy {
  allowOrigins: StringMatch[];
  allowMethods?: string[];
  allowHeaders?: string[];
  exposeHeaders?: string[];
  maxAge?: string;
  allowCredentials?: boolean;
  /** unmatchedPreflights: FORWARD (Istio's default) or IGNORE. */
  forwardUnmatchedPreflights: boolean;
}

export interface RouteAction {
  /** One cluster, or weightedClusters (then this is absent). */
  cluster?: string;
  weightedClusters?: WeightedCluster[];
  /** 0 or absent: no timeout (Istio's default). */
  timeoutMs?: number;
  retry?: RetryPolicy;
  /** rewrite.uri: replaces the matched prefix (or the whole path for an exact match). */
  prefixRewrite?: string;
  regexRewrite?: { pattern: string; substitution: string };
  /** rewrite.authority. */
  hostRewrite?: string;
  mirrors?: MirrorPolicy[];
}

export interface RedirectAction {
  /** Replaces the path (and query) when set. */
  path?: string;
  host?: string;
  port?: number;
  /** derivePort FROM_REQUEST_PORT keeps the request's port. */
  portFromRequest?: boolean;
  scheme?: string;
  /** 301 by default. */
  status: number;
}

export interface Route {
  /** Envoy's route name; "default" for the catch-all of a service. */
  name: string;
  match: RouteMatch;
  /** Exactly one of action, redirect and directResponse. */
  action?: RouteAction;
  redirect?: RedirectAction;
  directResponse?: { status: number; body?: string };
  requestHeaders?: HeaderMutation;
  responseHeaders?: HeaderMutation;
  fault?: FaultPolicy;
  cors?: CorsPolicy;
  /** x-envoy-decorator-operation: svc.ns.svc.cluster.local:80/* */
  decorator?: string;
  /** The VirtualService this route came from, "name.namespace" (for proxy-config and describe). */
  virtualService?: string;
}

export interface VirtualHost {
  name: string;
  /** Host header values (without port) that select this virtual host; "*" matches all. */
  domains: string[];
  routes: Route[];
}

export interface RouteConfig {
  name: string;
  virtualHosts: VirtualHost[];
}

/** A VirtualService tcp[] or tls[] rule: the first whose match holds picks the weighted clusters. */
export interface L4Route {
  match?: {
    /** tls[]: server names (wildcards "*.example.com" allowed). */
    sniHosts?: string[];
    sourceLabels?: Record<string, string>;
    sourceNamespace?: string;
    /** Destination addresses (CIDR or IP) the connection went to. */
    destinationSubnets?: string[];
  };
  clusters: Array<{ cluster: string; weight: number }>;
}

/** A service address the app may connect to, and what the sidecar does with it. */
export interface OutboundTarget {
  protocol: Protocol;
  /** For HTTP: the route configuration (by port) that selects the virtual host by Host header. */
  route?: string;
  /** For TCP: the cluster to forward to. */
  cluster?: string;
  /** For TCP and TLS: VirtualService rules, tried before `cluster`. */
  l4Routes?: L4Route[];
}

export interface InboundPort {
  port: number;
  protocol: Protocol;
  /** inbound|PORT|| */
  cluster: string;
  /** The service this port serves (first one selecting the pod), for telemetry. */
  service?: ServiceRef;
}

export interface GatewayListener {
  /** Container port the gateway binds (the gateway Service's targetPort for the server port). */
  port: number;
  protocol: Protocol;
  route: string;
  /** TCP and TLS servers: the tcp[] rules of the VirtualServices bound to them. */
  l4Routes?: L4Route[];
}

/** A listener the application connects to on purpose (Sidecar egress with captureMode NONE). */
export interface EgressListener {
  /** "127.0.0.1" means the pod's own loopback address. */
  bind: string;
  port: number;
  protocol: Protocol;
  route: string;
}

export interface ProxyConfig {
  /** Set by the control plane per push. */
  version: string;
  role: 'sidecar' | 'router';
  self: WorkloadMeta;
  outbound: {
    /** "ip:port" of service addresses. */
    targets: Record<string, OutboundTarget>;
    /** What to do with anything else: ALLOW_ANY passes it to its own address. */
    policy: 'ALLOW_ANY' | 'REGISTRY_ONLY';
  };
  inbound: InboundPort[];
  gateway: GatewayListener[];
  egress?: EgressListener[];
  routes: Record<string, RouteConfig>;
  clusters: Record<string, Cluster>;
}

export const PASSTHROUGH_CLUSTER = 'PassthroughCluster';
/** Where traffic with nowhere to go is sent: nothing answers. */
export const BLACKHOLE_CLUSTER = 'BlackHoleCluster';

export function outboundClusterName(port: number, subset: string, host: string): string {
  return `outbound|${port}|${subset}|${host}`;
}

export function inboundClusterName(port: number): string {
  return `inbound|${port}||`;
}
