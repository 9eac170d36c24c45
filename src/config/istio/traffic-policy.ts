// DestinationRule's TrafficPolicy and its parts; Sidecar reuses the connection pool settings.

import { z } from 'zod';
import {
  atMostOne,
  count,
  duration,
  nullableBool,
  portSelector,
  positiveDuration,
  present,
  Problems,
  stringList,
  uint32,
} from './common.js';

export const connectionPoolSettings = z.strictObject({
  tcp: z
    .strictObject({
      maxConnections: count.optional(),
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
      http1MaxPendingRequests: count.optional(),
      http2MaxRequests: count.optional(),
      maxRequestsPerConnection: count.optional(),
      maxRetries: count.optional(),
      idleTimeout: positiveDuration.optional(),
      h2UpgradePolicy: z.enum(['DEFAULT', 'DO_NOT_UPGRADE', 'UPGRADE']).optional(),
      useClientProtocol: z.boolean().optional(),
      maxConcurrentStreams: count.optional(),
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
        name: z.string().min(1, 'name required for httpCookie'),
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

const percentInt = z.number().int().min(0, 'percentage must be in range 0..100').max(100, 'percentage must be in range 0..100');

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

/** The cross-field rules Istio's validation applies to a traffic policy at `path`. */
export function checkTrafficPolicy(tp: TrafficPolicy, path: string, out: Problems): void {
  checkLoadBalancer(tp.loadBalancer, `${path}.loadBalancer`, out);
  checkClientTls(tp.tls, `${path}.tls`, out);
  tp.portLevelSettings?.forEach((pls, i) => {
    const at = `${path}.portLevelSettings[${i}]`;
    if (!pls.port) out.add(`${at}.port`, 'portTrafficPolicy must have valid port');
    checkLoadBalancer(pls.loadBalancer, `${at}.loadBalancer`, out);
    checkClientTls(pls.tls, `${at}.tls`, out);
  });
}

function checkLoadBalancer(lb: LoadBalancerSettings | undefined, path: string, out: Problems): void {
  const l = lb?.localityLbSetting;
  if (!l) return;
  if (l.distribute?.length && (l.failover?.length || l.failoverPriority?.length)) {
    out.add(`${path}.localityLbSetting`, 'can not simultaneously specify distribute and failover');
  }
  l.distribute?.forEach((d, i) => {
    const sum = Object.values(d.to ?? {}).reduce((a, b) => a + b, 0);
    if (sum !== 100) out.add(`${path}.localityLbSetting.distribute[${i}].to`, `if distribute is set, its total weight must be 100 (found ${sum})`);
  });
  l.failover?.forEach((f, i) => {
    if (f.from !== undefined && f.from === f.to) out.add(`${path}.localityLbSetting.failover[${i}]`, 'locality lb failover settings must specify different regions');
  });
}

function checkClientTls(tls: ClientTlsSettings | undefined, path: string, out: Problems): void {
  if (!tls) return;
  const certs = present(tls, ['clientCertificate', 'privateKey', 'caCertificates']);
  if ((tls.mode === 'SIMPLE' || tls.mode === 'MUTUAL') && tls.credentialName) {
    if (certs.length) out.add(path, 'cannot specify client certificates or CA certificate if credentialName is set');
    return;
  }
  if (tls.mode === 'MUTUAL') {
    if (!tls.clientCertificate) out.add(`${path}.clientCertificate`, 'client certificate required for mutual tls');
    if (!tls.privateKey) out.add(`${path}.privateKey`, 'private key required for mutual tls');
  }
}
