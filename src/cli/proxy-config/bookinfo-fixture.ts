// A productpage sidecar's configuration in Bookinfo (namespace default), with a DestinationRule for
// reviews and a VirtualService sending reviews to v1: fixtures for the table and describe tests.

import type { Cluster, Endpoint, ProxyConfig, WorkloadMeta } from '../../xds/proxy-config.js';

function workload(app: string, version: string, podName: string): WorkloadMeta {
  const sa = `bookinfo-${app}`;
  return { workload: `${app}-${version}`, namespace: 'default', serviceAccount: sa, principal: `spiffe://cluster.local/ns/default/sa/${sa}`, app, version, canonicalService: app, canonicalRevision: version, cluster: 'Kubernetes', podName, labels: { app, version } };
}

function endpoint(address: string, app: string, version: string): Endpoint {
  return { address, port: 9080, meshed: true, workload: workload(app, version, `${app}-${version}-abc`) };
}

const host = (svc: string): string => `${svc}.default.svc.cluster.local`;

function outbound(svc: string, subset: string, endpoints: Endpoint[], destinationRule?: string): Cluster {
  return {
    name: `outbound|9080|${subset}|${host(svc)}`,
    kind: 'outbound',
    service: { host: host(svc), name: svc, namespace: 'default', port: 9080 },
    ...(subset ? { subset } : {}),
    protocol: 'http1',
    lb: 'LEAST_REQUEST',
    connectTimeoutMs: 10_000,
    ...(destinationRule ? { destinationRule } : {}),
    endpoints,
  };
}

const r1 = endpoint('127.48.64.7', 'reviews', 'v1');
const r2 = endpoint('127.48.64.8', 'reviews', 'v2');
const d1 = endpoint('127.48.64.5', 'details', 'v1');

function domains(svc: string, ip: string): string[] {
  const names = [host(svc), `${svc}.default.svc`, `${svc}.default`, svc, ip];
  return names.flatMap((n) => [n, `${n}:9080`]);
}

export const productpageConfig: ProxyConfig = {
  version: '7',
  role: 'sidecar',
  self: workload('productpage', 'v1', 'productpage-v1-abc'),
  outbound: {
    targets: {
      '127.48.1.4:9080': { protocol: 'http', route: '9080', cluster: `outbound|9080||${host('details')}` },
      '127.48.1.6:9080': { protocol: 'http', route: '9080', cluster: `outbound|9080||${host('reviews')}` },
      '127.48.1.9:27017': { protocol: 'tcp', cluster: 'outbound|27017||mongodb.default.svc.cluster.local' },
    },
    policy: 'ALLOW_ANY',
  },
  inbound: [{ port: 9080, protocol: 'http', cluster: 'inbound|9080||' }],
  gateway: [],
  routes: {
    '9080': {
      name: '9080',
      virtualHosts: [
        {
          name: `${host('details')}:9080`,
          domains: domains('details', '127.48.1.4'),
          routes: [{ name: 'default', match: { prefix: '/' }, action: { cluster: `outbound|9080||${host('details')}` } }],
        },
        {
          name: `${host('reviews')}:9080`,
          domains: domains('reviews', '127.48.1.6'),
          routes: [
            { name: 'jason', match: { path: '/reviews/0', headers: [{ name: 'end-user', match: { exact: 'jason' } }] }, action: { cluster: `outbound|9080|v2|${host('reviews')}` }, virtualService: 'reviews.default' },
            { name: '', match: {}, action: { cluster: `outbound|9080|v1|${host('reviews')}` }, virtualService: 'reviews.default' },
          ],
        },
      ],
    },
  },
  clusters: Object.fromEntries(
    [
      { name: 'inbound|9080||', kind: 'inbound', protocol: 'http1', lb: 'LEAST_REQUEST', connectTimeoutMs: 10_000, endpoints: [] } satisfies Cluster,
      outbound('details', '', [d1]),
      outbound('reviews', '', [r1, r2], 'reviews.default'),
      outbound('reviews', 'v1', [r1], 'reviews.default'),
      outbound('reviews', 'v2', [r2], 'reviews.default'),
      { name: 'PassthroughCluster', kind: 'passthrough', protocol: 'auto', lb: 'PASSTHROUGH', connectTimeoutMs: 10_000, endpoints: [] } satisfies Cluster,
      { name: 'BlackHoleCluster', kind: 'blackhole', protocol: 'tcp', lb: 'ROUND_ROBIN', connectTimeoutMs: 10_000, endpoints: [] } satisfies Cluster,
    ].map((c) => [c.name, c]),
  ),
};
