// DestinationRule's TrafficPolicy and its parts; Sidecar reuses the connection pool settings.

import { z } from 'zod';
import {
  atMostOne,
  count,
  int32,
  duration,
  nullableBool,
  fqdnProblem,
  ipProblem,
  portProblem,
  portSelector,
  positiveDuration,
  present,
  Problems,
  stringList,
  uint32,
} from './common.js';

const percentInt = int32.refine((v) => v >= 0 && v <= 100, { error: (iss) => `percentage ${String(iss.input)} is not in range 0..100` });

/** A count Istio's validation refuses below zero, with its message. */
const nonNegative = (what: string) => int32.refine((v) => v >= 0, `${what} must be non-negative`);

export const connectionPoolSettings = z.strictObject({
  tcp: z
    .strictObject({
      maxConnections: nonNegative('max connections').optional(),
      connectTimeout: positiveDuration.optional(),
      tcpKeepalive: z
        .strictObject({
          probes: uint32.optional(),
          time: positiveDuration.optional(),
          interval: positiveDuration.optional(),
        })
        .optional(),
      maxConnectionDuration: positiveDuration.optional(),
      // 0s disables the idle timeout, so no 1ms floor here
      idleTimeout: duration.optional(),
    })
    .optional(),
  http: z
    .strictObject({
      http1MaxPendingRequests: nonNegative('http1 max pending requests').optional(),
      http2MaxRequests: nonNegative('http2 max requests').optional(),
      maxRequestsPerConnection: nonNegative('max requests per connection').optional(),
      maxRetries: nonNegative('max retries').optional(),
      idleTimeout: positiveDuration.optional(),
      h2UpgradePolicy: z.enum(['DEFAULT', 'DO_NOT_UPGRADE', 'UPGRADE']).optional(),
      useClientProtocol: z.boolean().optional(),
      maxConcurrentStreams: nonNegative('max concurrent streams').optional(),
    })
    .optional(),
});
export type ConnectionPoolSettings = z.infer<typeof connectionPoolSettings>;

const hashKeys = ['httpHeaderName', 'httpCookie', 'useSourceIp', 'httpQueryParameterName'] as const;

const consistentHash = z
  .strictObject({
    httpHeaderName: z.string().optional(),
    httpCookie: z
      .strictObject({
        name: z.string().min(1, 'name required for HttpCookie'),
        path: z.string().optional(),
        ttl: duration.optional(),
        attributes: z.array(z.strictObject({ name: z.string(), value: z.string().optional() })).optional(),
      })
      .optional(),
    useSourceIp: z.boolean().optional(),
    httpQueryParameterName: z.string().optional(),
    ringHash: z.strictObject({ minimumRingSize: uint32.optional() }).optional(),
    maglev: z.strictObject({ tableSize: uint32.optional() }).optional(),
    /** Deprecated: use ringHash.minimumRingSize. */
    minimumRingSize: uint32.optional(),
  })
  .superRefine(atMostOne(hashKeys))
  .superRefine(atMostOne(['ringHash', 'maglev']));

export const localityLbSetting = z.strictObject({
  distribute: z
    .array(z.strictObject({ from: z.string().optional(), to: z.record(z.string(), uint32).optional() }))
    .optional(),
  failover: z.array(z.strictObject({ from: z.string().optional(), to: z.string().optional() })).optional(),
  failoverPriority: stringList.optional(),
  enabled: nullableBool,
});

export const loadBalancerSettings = z
  .strictObject({
    simple: z.enum(['UNSPECIFIED', 'LEAST_CONN', 'RANDOM', 'PASSTHROUGH', 'ROUND_ROBIN', 'LEAST_REQUEST']).optional(),
    consistentHash: consistentHash.optional(),
    localityLbSetting: localityLbSetting.optional(),
    /** Deprecated: use warmup. */
    warmupDurationSecs: positiveDuration.optional(),
    warmup: z
      .strictObject({
        duration: positiveDuration,
        minimumPercent: z.number().min(0).max(100).nullish(),
        aggression: z.number().min(0).nullish(),
      })
      .optional(),
  })
  .superRefine(atMostOne(['simple', 'consistentHash']));
export type LoadBalancerSettings = z.infer<typeof loadBalancerSettings>;


export const outlierDetection = z.strictObject({
  splitExternalLocalOriginErrors: z.boolean().optional(),
  consecutiveLocalOriginFailures: uint32.nullish(),
  consecutiveGatewayErrors: uint32.nullish(),
  consecutive5xxErrors: uint32.nullish(),
  /** Deprecated: use consecutive5xxErrors or consecutiveGatewayErrors. */
  consecutiveErrors: count.optional(),
  interval: positiveDuration.optional(),
  baseEjectionTime: positiveDuration.optional(),
  maxEjectionPercent: percentInt.optional(),
  minHealthPercent: percentInt.optional(),
});
export type OutlierDetection = z.infer<typeof outlierDetection>;

export const clientTlsSettings = z.strictObject({
  mode: z.enum(['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL']).optional(),
  clientCertificate: z.string().optional(),
  privateKey: z.string().optional(),
  caCertificates: z.string().optional(),
  credentialName: z.string().optional(),
  subjectAltNames: stringList.optional(),
  sni: z.string().optional(),
  insecureSkipVerify: nullableBool,
  caCrl: z.string().optional(),
});
export type ClientTlsSettings = z.infer<typeof clientTlsSettings>;

const portTrafficPolicy = z.strictObject({
  port: portSelector.optional(),
  loadBalancer: loadBalancerSettings.optional(),
  connectionPool: connectionPoolSettings.optional(),
  outlierDetection: outlierDetection.optional(),
  tls: clientTlsSettings.optional(),
});

export const trafficPolicy = z.strictObject({
  loadBalancer: loadBalancerSettings.optional(),
  connectionPool: connectionPoolSettings.optional(),
  outlierDetection: outlierDetection.optional(),
  tls: clientTlsSettings.optional(),
  portLevelSettings: z.array(portTrafficPolicy).max(4096).optional(),
  tunnel: z
    .strictObject({
      protocol: z.string().optional(),
      targetHost: z.string(),
      targetPort: uint32,
    })
    .optional(),
  proxyProtocol: z.strictObject({ version: z.enum(['V1', 'V2']).optional() }).optional(),
  retryBudget: z
    .strictObject({
      percent: z.number().min(0).max(100).nullish(),
      minRetryConcurrency: uint32.optional(),
    })
    .optional(),
});
export type TrafficPolicy = z.infer<typeof trafficPolicy>;

/** Istio's validateTrafficPolicy: the cross-field rules, deprecations as warnings, at `path`. */
export function checkTrafficPolicy(tp: TrafficPolicy, path: string, out: Problems): void {
  const fields = present(tp, ['outlierDetection', 'connectionPool', 'loadBalancer', 'tls', 'portLevelSettings', 'tunnel', 'proxyProtocol', 'retryBudget']);
  if (fields.length === 0) {
    out.add(path, 'traffic policy must have at least one field');
    return;
  }
  if (tp.tunnel && tp.proxyProtocol) {
    out.add(path, 'tunnel and proxyProtocol must not be set together');
    return;
  }
  checkOutlierDetection(tp.outlierDetection, `${path}.outlierDetection`, out);
  checkConnectionPool(tp.connectionPool, `${path}.connectionPool`, out);
  checkLoadBalancer(tp.loadBalancer, tp.outlierDetection, `${path}.loadBalancer`, out);
  checkClientTls(tp.tls, `${path}.tls`, out);
  tp.portLevelSettings?.forEach((pls, i) => {
    const at = `${path}.portLevelSettings[${i}]`;
    if (!pls.port) out.add(`${at}.port`, 'portTrafficPolicy must have valid port');
    if (present(pls, ['outlierDetection', 'connectionPool', 'loadBalancer', 'tls']).length === 0) {
      out.add(at, 'port traffic policy must have at least one field');
      return;
    }
    checkOutlierDetection(pls.outlierDetection, `${at}.outlierDetection`, out);
    checkConnectionPool(pls.connectionPool, `${at}.connectionPool`, out);
    checkLoadBalancer(pls.loadBalancer, pls.outlierDetection, `${at}.loadBalancer`, out);
    checkClientTls(pls.tls, `${at}.tls`, out);
  });
  const t = tp.tunnel;
  if (t) {
    if (t.protocol && t.protocol !== 'CONNECT' && t.protocol !== 'POST') out.add(`${path}.tunnel.protocol`, 'tunnel protocol must be "CONNECT" or "POST"');
    const fqdn = fqdnProblem(t.targetHost);
    const ip = ipProblem(t.targetHost);
    if (fqdn && ip) out.add(`${path}.tunnel.targetHost`, `tunnel target host must be valid FQDN or IP address: ${fqdn}; ${ip}`);
    const port = portProblem(t.targetPort);
    if (port) out.add(`${path}.tunnel.targetPort`, `tunnel target port is invalid: ${port}`);
  }
}

function checkOutlierDetection(o: OutlierDetection | undefined, path: string, out: Problems): void {
  if (!o) return;
  if (o.consecutiveErrors) {
    out.warn(`${path}.consecutiveErrors`, 'outlier detection consecutive errors is deprecated, use consecutiveGatewayErrors or consecutive5xxErrors instead');
  }
  if (!o.splitExternalLocalOriginErrors && (o.consecutiveLocalOriginFailures ?? 0) > 0) {
    out.add(`${path}.consecutiveLocalOriginFailures`, 'outlier detection consecutive local origin failures is specified, but split external local origin errors is set to false');
  }
}

export function checkConnectionPool(cp: ConnectionPoolSettings | undefined, path: string, out: Problems): void {
  if (!cp) return;
  if (!cp.http && !cp.tcp) {
    out.add(path, 'connection pool must have at least one field');
    return;
  }
  if (cp.http?.h2UpgradePolicy === 'UPGRADE' && cp.http.useClientProtocol) {
    out.add(`${path}.http`, 'use client protocol must not be true when H2UpgradePolicy is UPGRADE');
  }
}

/** Envoy's primality test for Maglev table sizes. */
function isPrime(x: number): boolean {
  if (x !== 0 && x < 4) return true;
  if (x % 2 === 0) return false;
  const limit = Math.floor(Math.sqrt(x));
  for (let f = 3; f <= limit; f += 2) if (x % f === 0) return false;
  return true;
}

function checkLoadBalancer(lb: LoadBalancerSettings | undefined, outlier: OutlierDetection | undefined, path: string, out: Problems): void {
  if (!lb) return;
  const ch = lb.consistentHash;
  if (ch) {
    if (ch.minimumRingSize) {
      out.warn(`${path}.consistentHash.minimumRingSize`, "consistent hash MinimumRingSize is deprecated, use ConsistentHashLB's RingHash configuration instead");
      if (ch.ringHash || ch.maglev) out.add(`${path}.consistentHash`, 'only one of MinimumRingSize or Maglev/Ringhash can be specified');
    }
    if (ch.maglev) {
      const size = ch.maglev.tableSize ?? 0;
      const at = `${path}.consistentHash.maglev.tableSize`;
      if (size === 0) out.add(at, 'tableSize must be set for maglev');
      if (size >= 5000011) out.add(at, 'tableSize must be less than 5000011 for maglev');
      if (!isPrime(size)) out.add(at, 'tableSize must be a prime number for maglev');
    }
  }
  checkLocality(lb.localityLbSetting, outlier, `${path}.localityLbSetting`, out);
}

const topologyLabels = ['topology.kubernetes.io/region', 'topology.kubernetes.io/zone', 'topology.istio.io/subzone'];

/** ValidateLocalityLbSetting: Istio stops at the first problem of most kinds, so this does too. */
function checkLocality(l: LoadBalancerSettings['localityLbSetting'], outlier: OutlierDetection | undefined, path: string, out: Problems): void {
  if (!l) return;
  if (l.distribute?.length && l.failover?.length) {
    out.add(path, "can not simultaneously specify 'distribute' and 'failover'");
    return;
  }
  if (l.failover?.length && l.failoverPriority?.length) {
    const topo = l.failoverPriority.find((p) => topologyLabels.includes(p));
    if (topo) {
      out.add(path, `can not simultaneously set 'failover' and topology label '${topo}' in 'failover_priority'`);
      return;
    }
  }
  const sources: string[] = [];
  for (const [i, d] of (l.distribute ?? []).entries()) {
    sources.push(d.from ?? '');
    let total = 0;
    for (const w of Object.values(d.to ?? {})) {
      if (w <= 0 || w > 100) {
        out.add(`${path}.distribute[${i}].to`, 'locality weight must be in range [1, 100]');
        return;
      }
      total += w;
    }
    if (total !== 100) {
      out.add(`${path}.distribute[${i}].to`, `total locality weight ${total} != 100`);
      return;
    }
    const bad = localitiesProblem(Object.keys(d.to ?? {}));
    if (bad) out.add(`${path}.distribute[${i}].to`, bad);
  }
  const bad = localitiesProblem(sources);
  if (bad) out.add(`${path}.distribute`, bad);
  if ((l.failover?.length || l.failoverPriority?.length) && !outlier) {
    out.warn(path, 'outlier detection policy must be provided for failover');
  }
  l.failover?.forEach((f, i) => {
    const at = `${path}.failover[${i}]`;
    const from = f.from ?? '';
    const to = f.to ?? '';
    if (from === to) out.add(at, 'locality lb failover settings must specify different regions');
    if (from.includes('/') || to.includes('/')) out.add(at, 'locality lb failover only specify region');
    if (from.includes('*') || to.includes('*')) out.add(at, "locality lb failover region should not contain '*' wildcard");
  });
}

/** validateLocalities: region[/zone[/subzone]] with at most one trailing '*', none overlapping. */
function localitiesProblem(localities: string[]): string | undefined {
  const seen = new Map<string, Map<string, Set<string>>>();
  for (const loc of localities) {
    const stars = loc.split('*').length - 1;
    if (stars > 1 || (stars === 1 && !loc.endsWith('*'))) return `locality ${loc} wildcard '*' number can not exceed 1 and must be in the end`;
    if (seen.has('*')) return `locality ${loc} overlap with previous specified ones`;
    const items = loc.split('/');
    if (items.length > 3) items.splice(2, items.length - 2, items.slice(2).join('/'));
    if (items.some((x) => x === '')) return `locality ${loc} must not contain empty region/zone/subzone info`;
    const [region, zone, sub] = items as [string, string?, string?];
    const zones = seen.get(region);
    if (zone === undefined) {
      if (zones) return `locality ${loc} overlap with previous specified ones`;
      seen.set(region, new Map([['*', new Set(['*'])]]));
    } else if (sub === undefined) {
      if (zones?.has('*') || zones?.has(zone)) return `locality ${loc} overlap with previous specified ones`;
      if (zones) zones.set(zone, new Set(['*']));
      else seen.set(region, new Map([[zone, new Set(['*'])]]));
    } else {
      if (zones?.has('*')) return `locality ${loc} overlap with previous specified ones`;
      const subs = zones?.get(zone);
      if (subs && (subs.has('*') || subs.has(sub))) return `locality ${loc} overlap with previous specified ones`;
      if (subs) subs.add(sub);
      else if (zones) zones.set(zone, new Set([sub]));
      else seen.set(region, new Map([[zone, new Set([sub])]]));
    }
  }
  return undefined;
}

/** ValidateTLS for client TLS settings. */
function checkClientTls(tls: ClientTlsSettings | undefined, path: string, out: Problems): void {
  if (!tls) return;
  if (tls.insecureSkipVerify) {
    if (tls.mode === 'SIMPLE' && (tls.caCertificates || tls.credentialName || tls.subjectAltNames)) {
      out.add(path, 'cannot specify CaCertificates or CredentialName or SubjectAltNames when InsecureSkipVerify is set true');
    }
    if (tls.mode === 'MUTUAL' && (tls.caCertificates || tls.subjectAltNames)) {
      out.add(path, 'cannot specify CaCertificates or SubjectAltNames when InsecureSkipVerify is set true');
    }
  }
  if ((tls.mode === 'SIMPLE' || tls.mode === 'MUTUAL') && tls.credentialName) {
    if (tls.clientCertificate || tls.caCertificates || tls.privateKey || tls.caCrl) {
      out.add(path, 'cannot specify client certificates or CA certificate or CA CRL If credentialName is set');
    }
    return;
  }
  if (tls.mode === 'MUTUAL') {
    if (!tls.clientCertificate) out.add(`${path}.clientCertificate`, 'client certificate required for mutual tls');
    if (!tls.privateKey) out.add(`${path}.privateKey`, 'private key required for mutual tls');
  }
}
