// VirtualServices, DestinationRules and ServiceEntries as route configuration: pure translation.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Route } from '../../xds/proxy-config.js';
import type { NodeInfo } from '../../xds/discovery.js';
import { endpoints, istio, pod, service, snapshotOf } from '../../../test/support/mesh-snapshot.js';
import { translateProxy } from './translate-proxy.js';
import { DEFAULT_RETRY } from './http-routes.js';

const NS = 'bookinfo';
const world = [
  pod('productpage-v1-abc-1', NS, { app: 'productpage', version: 'v1' }, '127.9.64.1', true, [9080]),
  pod('reviews-v1-abc-1', NS, { app: 'reviews', version: 'v1' }, '127.9.64.2', true, [9080]),
  pod('reviews-v2-abc-1', NS, { app: 'reviews', version: 'v2' }, '127.9.64.3', true, [9080]),
  pod('reviews-v3-abc-1', NS, { app: 'reviews', version: 'v3' }, '127.9.64.4', true, [9080]),
  pod('gw-abc-1', 'istio-system', { app: 'istio-ingressgateway', istio: 'ingressgateway' }, '127.9.64.9', true, [8080]),
  service('productpage', NS, '127.9.1.1', { app: 'productpage' }, 'http', 9080, 9080),
  service('reviews', NS, '127.9.1.2', { app: 'reviews' }, 'http', 9080, 9080),
  service('istio-ingressgateway', 'istio-system', '127.9.1.9', { istio: 'ingressgateway' }, 'http2', 80, 8080),
  endpoints('reviews', NS, [['reviews-v1-abc-1', '127.9.64.2'], ['reviews-v2-abc-1', '127.9.64.3'], ['reviews-v3-abc-1', '127.9.64.4']], 9080),
];
const productpage: NodeInfo = { id: 'sidecar~127.9.64.1~productpage-v1-abc-1.bookinfo~bookinfo.svc.cluster.local', role: 'sidecar', podName: 'productpage-v1-abc-1', namespace: NS, ip: '127.9.64.1', proxyVersion: 't' };
const gateway: NodeInfo = { id: 'router~127.9.64.9~gw-abc-1.istio-system~istio-system.svc.cluster.local', role: 'router', podName: 'gw-abc-1', namespace: 'istio-system', ip: '127.9.64.9', proxyVersion: 't' };
const REVIEWS = `reviews.${NS}.svc.cluster.local`;

const subsets = istio('DestinationRule', 'reviews', NS, { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }, { name: 'v3', labels: { version: 'v3' } }] });

function reviewsRoutes(objects: unknown[]): Route[] {
  const c = translateProxy(productpage, snapshotOf([...world, ...(objects as typeof world)]));
  return c.routes['9080']!.virtualHosts.find((vh) => vh.name === `${REVIEWS}:9080`)!.routes;
}

describe('DestinationRule subsets', () => {
  test('each subset is a cluster of the endpoints carrying its labels; the rule names itself on them', () => {
    const c = translateProxy(productpage, snapshotOf([...world, subsets]));
    for (const v of ['v1', 'v2', 'v3']) {
      const cl = c.clusters[`outbound|9080|${v}|${REVIEWS}`]!;
      assert.equal(cl.subset, v);
      assert.equal(cl.destinationRule, `reviews.${NS}`);
      assert.deepEqual(cl.endpoints.map((e) => e.workload.version), [v]);
    }
    assert.equal(c.clusters[`outbound|9080||${REVIEWS}`]!.endpoints.length, 3);
  });

  test('traffic policy: port-level settings and subset policies override the rule’s, part by part', () => {
    const dr = istio('DestinationRule', 'reviews', NS, {
      host: `reviews.${NS}.svc.cluster.local`,
      trafficPolicy: {
        loadBalancer: { simple: 'ROUND_ROBIN' },
        connectionPool: { tcp: { maxConnections: 1, connectTimeout: '2s' }, http: { http1MaxPendingRequests: 1, maxRequestsPerConnection: 1 } },
        outlierDetection: { consecutive5xxErrors: 1, interval: '1s', baseEjectionTime: '3m', maxEjectionPercent: 100 },
        portLevelSettings: [{ port: { number: 9080 }, loadBalancer: { simple: 'RANDOM' } }],
      },
      subsets: [{ name: 'v1', labels: { version: 'v1' }, trafficPolicy: { loadBalancer: { consistentHash: { httpHeaderName: 'End-User' } } } }],
    });
    const c = translateProxy(productpage, snapshotOf([...world, dr]));
    const all = c.clusters[`outbound|9080||${REVIEWS}`]!;
    assert.equal(all.lb, 'RANDOM');
    assert.equal(all.connectTimeoutMs, 2000);
    assert.deepEqual(all.connectionPool, { maxConnections: 1, maxPendingRequests: 1, maxRequestsPerConnection: 1 });
    assert.deepEqual(all.outlierDetection, { consecutive5xx: 1, intervalMs: 1000, baseEjectionTimeMs: 180_000, maxEjectionPercent: 100, minHealthPercent: 0 });
    const v1 = c.clusters[`outbound|9080|v1|${REVIEWS}`]!;
    assert.equal(v1.lb, 'RING_HASH');
    assert.deepEqual(v1.hashPolicy, { header: 'end-user' });
    assert.deepEqual(v1.connectionPool, all.connectionPool, 'the subset keeps the rule’s pool');
  });

  test('the client namespace’s rule wins over the host’s, which wins over the root namespace’s', () => {
    const root = istio('DestinationRule', 'mesh', 'istio-system', { host: '*.svc.cluster.local', trafficPolicy: { loadBalancer: { simple: 'RANDOM' } } });
    const hostNs = istio('DestinationRule', 'reviews', NS, { host: 'reviews', trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN' } } });
    const other = istio('DestinationRule', 'reviews', 'other', { host: REVIEWS, exportTo: ['.'], trafficPolicy: { loadBalancer: { simple: 'PASSTHROUGH' } } });
    assert.equal(translateProxy(productpage, snapshotOf([...world, root])).clusters[`outbound|9080||${REVIEWS}`]!.lb, 'RANDOM');
    assert.equal(translateProxy(productpage, snapshotOf([...world, root, hostNs, other])).clusters[`outbound|9080||${REVIEWS}`]!.lb, 'ROUND_ROBIN');
  });

  test('rules of one namespace for one host merge their subsets, the oldest first', () => {
    const a = istio('DestinationRule', 'reviews-a', NS, { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }] }, '2026-01-01T00:00:00Z');
    const b = istio('DestinationRule', 'reviews-b', NS, { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v3' } }, { name: 'v2', labels: { version: 'v2' } }] }, '2026-01-02T00:00:00Z');
    const c = translateProxy(productpage, snapshotOf([...world, b, a]));
    assert.deepEqual(c.clusters[`outbound|9080|v1|${REVIEWS}`]!.endpoints.map((e) => e.workload.version), ['v1']);
    assert.ok(c.clusters[`outbound|9080|v2|${REVIEWS}`]);
  });
});

describe('VirtualService http routes for sidecars', () => {
  test('request routing: jason to v2, everyone else to v1, first match first', () => {
    const vs = istio('VirtualService', 'reviews', NS, {
      hosts: ['reviews'],
      http: [
        { match: [{ headers: { 'end-user': { exact: 'jason' } } }], route: [{ destination: { host: 'reviews', subset: 'v2' } }] },
        { route: [{ destination: { host: 'reviews', subset: 'v1' } }] },
      ],
    });
    const routes = reviewsRoutes([subsets, vs]);
    assert.equal(routes.length, 2);
    assert.deepEqual(routes[0]!.match, { headers: [{ name: 'end-user', match: { exact: 'jason' } }] });
    assert.equal(routes[0]!.action!.cluster, `outbound|9080|v2|${REVIEWS}`);
    assert.deepEqual(routes[1]!.match, {});
    assert.equal(routes[1]!.action!.cluster, `outbound|9080|v1|${REVIEWS}`);
    assert.equal(routes[1]!.virtualService, `reviews.${NS}`);
    assert.deepEqual(routes[1]!.action!.retry, DEFAULT_RETRY, 'Istio’s default retry policy when none is set');
  });

  test('weights, timeouts, retries, fault injection, rewrites, headers, mirrors and CORS', () => {
    const vs = istio('VirtualService', 'reviews', NS, {
      hosts: [`reviews.${NS}.svc.cluster.local`],
      gateways: ['mesh'],
      http: [{
        match: [{ uri: { prefix: '/reviews' }, ignoreUriCase: true, method: { exact: 'GET' }, queryParams: { u: { regex: 'j.*' } }, withoutHeaders: { 'x-skip': {} }, sourceLabels: { app: 'productpage' } }],
        route: [
          { destination: { host: 'reviews', subset: 'v1' }, weight: 80, headers: { request: { set: { 'x-v': '1' } } } },
          { destination: { host: 'reviews', subset: 'v3', port: { number: 9080 } }, weight: 20 },
        ],
        timeout: '0.5s',
        retries: { attempts: 3, perTryTimeout: '2s', retryOn: 'gateway-error,503' },
        fault: { delay: { fixedDelay: '7s', percentage: { value: 100 } }, abort: { httpStatus: 500, percent: 10 } },
        rewrite: { uri: '/v2/reviews', authority: 'reviews.internal' },
        headers: { request: { add: { 'x-a': 'b' } }, response: { remove: ['x-internal'] } },
        mirror: { host: 'reviews', subset: 'v2' },
        mirrorPercentage: { value: 50 },
        corsPolicy: { allowOrigins: [{ exact: 'https://example.com' }], allowMethods: ['GET'], maxAge: '24h', allowCredentials: false },
      }],
    });
    const [r] = reviewsRoutes([subsets, vs]);
    assert.deepEqual(r!.match, {
      prefix: '/reviews', ignoreCase: true,
      headers: [{ name: ':method', match: { exact: 'GET' } }, { name: 'x-skip', invert: true }],
      queryParams: [{ name: 'u', match: { regex: 'j.*' } }],
      sourceLabels: { app: 'productpage' },
    });
    const a = r!.action!;
    assert.deepEqual(a.weightedClusters, [
      { cluster: `outbound|9080|v1|${REVIEWS}`, weight: 80, requestHeaders: { set: { 'x-v': '1' } } },
      { cluster: `outbound|9080|v3|${REVIEWS}`, weight: 20 },
    ]);
    assert.equal(a.timeoutMs, 500);
    assert.deepEqual(a.retry, { attempts: 3, perTryTimeoutMs: 2000, retryOn: ['gateway-error', 'retriable-status-codes'], retriableStatusCodes: [503], otherHosts: true });
    assert.deepEqual(r!.fault, { delay: { fixedDelayMs: 7000, percentage: 100 }, abort: { httpStatus: 500, percentage: 10 } });
    assert.equal(a.prefixRewrite, '/v2/reviews');
    assert.equal(a.hostRewrite, 'reviews.internal');
    assert.deepEqual(r!.requestHeaders, { add: { 'x-a': 'b' } });
    assert.deepEqual(r!.responseHeaders, { remove: ['x-internal'] });
    assert.deepEqual(a.mirrors, [{ cluster: `outbound|9080|v2|${REVIEWS}`, percentage: 50 }]);
    assert.deepEqual(r!.cors, { allowOrigins: [{ exact: 'https://example.com' }], allowMethods: ['GET'], maxAge: '86400', allowCredentials: false, forwardUnmatchedPreflights: true });
  });

  test('attempts: 0 turns retries off; a fault without a percentage injects nothing; an exact uri is rewritten whole', () => {
    const vs = istio('VirtualService', 'reviews', NS, {
      hosts: ['reviews'],
      http: [{ match: [{ uri: { exact: '/old' } }], rewrite: { uri: '/new' }, retries: { attempts: 0 }, fault: { abort: { httpStatus: 503 } }, route: [{ destination: { host: 'reviews' } }] }],
    });
    const [r] = reviewsRoutes([vs]);
    assert.equal(r!.action!.retry, undefined);
    assert.deepEqual(r!.fault, { abort: { httpStatus: 503, percentage: 0 } });
    assert.deepEqual(r!.action!.regexRewrite, { pattern: '^.*$', substitution: '/new' });
    assert.equal(r!.match.path, '/old');
  });

  test('redirect and direct response routes', () => {
    const vs = istio('VirtualService', 'reviews', NS, {
      hosts: ['reviews'],
      http: [
        { match: [{ uri: { exact: '/moved' } }], redirect: { uri: '/new', authority: 'elsewhere', redirectCode: 308 } },
        { directResponse: { status: 503, body: { string: 'maintenance' } } },
      ],
    });
    const routes = reviewsRoutes([vs]);
    assert.deepEqual(routes[0]!.redirect, { path: '/new', host: 'elsewhere', status: 308 });
    assert.equal(routes[0]!.action, undefined);
    assert.deepEqual(routes[1]!.directResponse, { status: 503, body: 'maintenance' });
  });

  test('a VirtualService bound only to a gateway, or not exported here, leaves the default route', () => {
    const gwOnly = istio('VirtualService', 'reviews', NS, { hosts: ['reviews'], gateways: ['bookinfo-gateway'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' } }] }] });
    const hidden = istio('VirtualService', 'reviews2', 'other', { hosts: [REVIEWS], exportTo: ['.'], http: [{ route: [{ destination: { host: REVIEWS, subset: 'v3' } }] }] });
    const routes = reviewsRoutes([gwOnly, hidden]);
    assert.deepEqual(routes.map((r) => [r.name, r.action?.cluster]), [['default', `outbound|9080||${REVIEWS}`]]);
  });

  test('of two VirtualServices for one host the oldest wins', () => {
    const older = istio('VirtualService', 'old', NS, { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' } }] }] }, '2026-01-01T00:00:00Z');
    const newer = istio('VirtualService', 'new', NS, { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v3' } }] }] }, '2026-02-01T00:00:00Z');
    assert.equal(reviewsRoutes([newer, older])[0]!.action!.cluster, `outbound|9080|v1|${REVIEWS}`);
  });
});

describe('VirtualService for a gateway', () => {
  const gw = istio('Gateway', 'bookinfo-gateway', NS, { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] });

  test('exact stays exact, every destination is kept with its weight, and routes of VirtualServices on one host add up', () => {
    const vs = istio('VirtualService', 'bookinfo', NS, {
      hosts: ['*'], gateways: ['bookinfo-gateway'],
      http: [{ match: [{ uri: { exact: '/productpage' } }, { uri: { prefix: '/static' } }], route: [{ destination: { host: 'productpage', port: { number: 9080 } } }] }],
    }, '2026-01-01T00:00:00Z');
    const more = istio('VirtualService', 'reviews-api', NS, {
      hosts: ['*'], gateways: [`${NS}/bookinfo-gateway`],
      http: [{ match: [{ uri: { prefix: '/reviews' } }], route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 50 }, { destination: { host: 'reviews', subset: 'v2' }, weight: 50 }] }],
    }, '2026-01-02T00:00:00Z');
    const c = translateProxy(gateway, snapshotOf([...world, subsets, gw, vs, more]));
    assert.deepEqual(c.gateway, [{ port: 8080, protocol: 'http', route: 'http.8080' }]);
    const vhs = c.routes['http.8080']!.virtualHosts;
    assert.equal(vhs.length, 1);
    assert.deepEqual(vhs[0]!.routes.map((r) => r.match), [{ path: '/productpage' }, { prefix: '/static' }, { prefix: '/reviews' }]);
    assert.equal(vhs[0]!.routes[0]!.action!.cluster, `outbound|9080||productpage.${NS}.svc.cluster.local`);
    assert.deepEqual(vhs[0]!.routes[2]!.action!.weightedClusters!.map((w) => [w.cluster, w.weight]), [[`outbound|9080|v1|${REVIEWS}`, 50], [`outbound|9080|v2|${REVIEWS}`, 50]]);
    assert.ok(c.clusters[`outbound|9080|v2|${REVIEWS}`], 'the gateway has the subset clusters its routes name');
  });
});

describe('VirtualService tcp routes', () => {
  test('a TCP service port gets weighted L4 routes', () => {
    const tcpWorld = [
      ...world,
      service('tcp-echo', NS, '127.9.1.5', { app: 'tcp-echo' }, 'tcp', 9000, 9000),
      istio('VirtualService', 'tcp-echo', NS, { hosts: ['tcp-echo'], tcp: [{ match: [{ port: 9000 }], route: [{ destination: { host: 'tcp-echo', subset: 'v1' }, weight: 80 }, { destination: { host: 'tcp-echo', subset: 'v2' }, weight: 20 }] }] }),
    ];
    const t = translateProxy(productpage, snapshotOf(tcpWorld)).outbound.targets['127.9.1.5:9000']!;
    assert.deepEqual(t.l4Routes, [{ clusters: [{ cluster: `outbound|9000|v1|tcp-echo.${NS}.svc.cluster.local`, weight: 80 }, { cluster: `outbound|9000|v2|tcp-echo.${NS}.svc.cluster.local`, weight: 20 }] }]);
  });
});

describe('VirtualService tcp routes on a gateway', () => {
  test('a TCP server carries the tcp[] rules of the VirtualServices bound to it', () => {
    const gwTcp = istio('Gateway', 'tcp-echo-gateway', NS, { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 31400, name: 'tcp', protocol: 'TCP' }, hosts: ['*'] }] });
    const vs = istio('VirtualService', 'tcp-echo', NS, { hosts: ['*'], gateways: ['tcp-echo-gateway'], tcp: [{ match: [{ port: 31400 }], route: [{ destination: { host: 'tcp-echo', port: { number: 9000 }, subset: 'v1' }, weight: 80 }, { destination: { host: 'tcp-echo', port: { number: 9000 }, subset: 'v2' }, weight: 20 }] }] });
    const c = translateProxy(gateway, snapshotOf([...world, gwTcp, vs]));
    assert.deepEqual(c.gateway, [{ port: 31400, protocol: 'tcp', route: 'http.31400', l4Routes: [{ clusters: [{ cluster: `outbound|9000|v1|tcp-echo.${NS}.svc.cluster.local`, weight: 80 }, { cluster: `outbound|9000|v2|tcp-echo.${NS}.svc.cluster.local`, weight: 20 }] }] }]);
  });
});

describe('ServiceEntry', () => {
  test('DNS resolution: the host is the endpoint, with an HTTP virtual host on its port', () => {
    const se = istio('ServiceEntry', 'httpbin-ext', NS, { hosts: ['httpbin.org'], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }], resolution: 'DNS', location: 'MESH_EXTERNAL' });
    const c = translateProxy(productpage, snapshotOf([...world, se]));
    const cl = c.clusters['outbound|80||httpbin.org']!;
    assert.equal(cl.dns, true);
    assert.deepEqual(cl.endpoints.map((e) => `${e.address}:${e.port}`), ['httpbin.org:80']);
    assert.equal(cl.endpoints[0]!.workload.canonicalService, 'httpbin.org');
    const vh = c.routes['80']!.virtualHosts.find((v) => v.name === 'httpbin.org:80')!;
    assert.deepEqual(vh.domains, ['httpbin.org', 'httpbin.org:80']);
    assert.equal(vh.routes[0]!.action!.cluster, 'outbound|80||httpbin.org');
  });

  test('STATIC endpoints with addresses become a service address; NONE forwards to the dialled address', () => {
    const stat = istio('ServiceEntry', 'ext', NS, { hosts: ['ext.test'], addresses: ['127.255.0.5'], ports: [{ number: 7000, name: 'tcp', protocol: 'TCP' }], resolution: 'STATIC', endpoints: [{ address: '127.255.0.5', ports: { tcp: 7001 } }] });
    const none = istio('ServiceEntry', 'any', NS, { hosts: ['any.test'], addresses: ['127.255.0.6'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'NONE' });
    const c = translateProxy(productpage, snapshotOf([...world, stat, none]));
    assert.deepEqual(c.clusters['outbound|7000||ext.test']!.endpoints.map((e) => `${e.address}:${e.port}`), ['127.255.0.5:7001']);
    assert.deepEqual(c.outbound.targets['127.255.0.5:7000'], { protocol: 'tcp', cluster: 'outbound|7000||ext.test' });
    assert.equal(c.clusters['outbound|443||any.test']!.kind, 'passthrough');
    assert.equal(c.outbound.targets['127.255.0.6:443']!.cluster, 'outbound|443||any.test');
  });

  test('a VirtualService routes a ServiceEntry host', () => {
    const se = istio('ServiceEntry', 'httpbin-ext', NS, { hosts: ['httpbin.org'], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }], resolution: 'DNS' });
    const vs = istio('VirtualService', 'httpbin-ext', NS, { hosts: ['httpbin.org'], http: [{ timeout: '3s', route: [{ destination: { host: 'httpbin.org' } }] }] });
    const c = translateProxy(productpage, snapshotOf([...world, se, vs]));
    const r = c.routes['80']!.virtualHosts.find((v) => v.name === 'httpbin.org:80')!.routes[0]!;
    assert.equal(r.action!.timeoutMs, 3000);
    assert.equal(r.action!.cluster, 'outbound|80||httpbin.org');
  });
});

describe('Sidecar egress hosts', () => {
  test('a workload knows only the services its Sidecar’s egress hosts name', () => {
    const others = [service('db', 'data', '127.9.1.7', { app: 'db' }, 'http', 5432, 5432), service('cache', 'data', '127.9.1.8', { app: 'cache' }, 'http', 6379, 6379)];
    const sc = istio('Sidecar', 'default', NS, { egress: [{ hosts: ['./*', 'data/cache.data.svc.cluster.local'] }], outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } });
    const c = translateProxy(productpage, snapshotOf([...world, ...others, sc]));
    assert.ok(c.clusters[`outbound|9080||${REVIEWS}`]);
    assert.ok(c.clusters['outbound|6379||cache.data.svc.cluster.local']);
    assert.equal(c.clusters['outbound|5432||db.data.svc.cluster.local'], undefined);
    assert.equal(c.outbound.targets['127.9.1.7:5432'], undefined);
    assert.ok(c.outbound.targets['127.9.1.8:6379']);
    assert.deepEqual(c.routes['5432']!.virtualHosts, []);
    assert.equal(c.outbound.policy, 'REGISTRY_ONLY');
    // Without a Sidecar, everything is known.
    assert.ok(translateProxy(productpage, snapshotOf([...world, ...others])).clusters['outbound|5432||db.data.svc.cluster.local']);
  });
});
