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

export type LoadBalancerPolicy = 'LEAST_REQUEST' | 'ROUND_ROBIN' | 'RANDOM' | 'PASSTHROUGH';

export interface ServiceRef {
  /** svc.ns.svc.cluster.local */
  host: string;
  name: string;
  namespace: string;
  port: number;
}

export interface Cluster {
  /** outbound|80||svc.ns.svc.cluster.local, outbound|80|v1|svc..., inbound|8080||, PassthroughCluster, BlackHoleCluster */
  name: string;
  kind: 'outbound' | 'inbound' | 'passthrough' | 'blackhole';
  service?: ServiceRef;
  /** Upstream protocol: HTTP/1.1 or HTTP/2 (h2c); tcp for L4 clusters. */
  protocol: 'http1' | 'http2' | 'tcp' | 'auto';
  lb: LoadBalancerPolicy;
  connectTimeoutMs: number;
  endpoints: Endpoint[];
}

export interface RouteAction {
  cluster: string;
  /** 0 or absent: no timeout (Istio's default). */
  timeoutMs?: number;
}

export interface Route {
  /** Envoy's route name; "default" for the catch-all of a service. */
  name: string;
  /** Only prefix "/" until VirtualService routing arrives. */
  match: { prefix: string };
  action: RouteAction;
  /** x-envoy-decorator-operation: svc.ns.svc.cluster.local:80/* */
  decorator?: string;
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

/** A service address the app may connect to, and what the sidecar does with it. */
export interface OutboundTarget {
  protocol: Protocol;
  /** For HTTP: the route configuration (by port) that selects the virtual host by Host header. */
  route?: string;
  /** For TCP: the cluster to forward to. */
  cluster?: string;
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

export function outboundClusterName(port: number, subset: string, host: string): string {
  return `outbound|${port}|${subset}|${host}`;
}

export function inboundClusterName(port: number): string {
  return `inbound|${port}||`;
}
