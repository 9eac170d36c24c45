import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProxyConfig } from '../../xds/proxy-config.js';
import { productpageConfig } from '../proxy-config/bookinfo-fixture.js';
import type { Pod } from '../proxy-config/proxy-target.js';
import { describePodText, portProtocol, type DescribeInput } from './describe-pod.js';
import type { DestinationRule, Gateway, PeerAuthentication, Service, VirtualService } from './istio-resources.js';

function pod(name: string, labels: Record<string, string>, sidecar = true, namespace = 'default'): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels, annotations: sidecar ? { 'sidecar.istio.io/status': '{"containers":["istio-proxy"],"revision":"default"}' } : {} },
    spec: {
      containers: [
        ...(sidecar ? [{ name: 'istio-proxy', ports: [{ containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' }] }] : []),
        { name: labels.app!, ports: [{ containerPort: 9080 }] },
      ],
    },
    status: { phase: 'Running', hostIP: '127.48.0.1', containerStatuses: [{ name: labels.app!, ready: true }] },
  };
}

function svc(name: string, namespace = 'default', extra: Partial<NonNullable<Service['spec']>> = {}): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector: { app: name }, ports: [{ name: 'http', port: 9080 }], ...extra } };
}

const reviewsDr: DestinationRule = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'DestinationRule',
  metadata: { name: 'reviews', namespace: 'default' },
  spec: { host: 'reviews', subsets: ['v1', 'v2', 'v3'].map((v) => ({ name: v, labels: { version: v } })) },
};

function vs(name: string, spec: NonNullable<VirtualService['spec']>, namespace = 'default'): VirtualService {
  return { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, namespace }, spec };
}

const jasonToV2 = vs('reviews', {
  hosts: ['reviews'],
  http: [
    { match: [{ headers: { 'end-user': { exact: 'jason' } } }], route: [{ destination: { host: 'reviews', subset: 'v2' } }] },
    { route: [{ destination: { host: 'reviews', subset: 'v1' } }] },
  ],
});

function input(p: Pod, over: Partial<DescribeInput> = {}): DescribeInput {
  return {
    pod: p,
    namespace: 'default',
    services: [svc('reviews'), svc('details')],
    config: productpageConfig,
    destinationRules: [reviewsDr],
    virtualServices: [jasonToV2],
    gateways: [],
    peerAuthentications: [],
    rootNamespace: 'istio-system',
    ingressPods: [],
    ingressServices: [],
    ...over,
  };
}

const reviewsV1 = pod('reviews-v1-abc', { app: 'reviews', version: 'v1' });

test('a meshed pod: ports (sidecar last), service, matching subsets, the routes that do not reach it, mTLS mode', () => {
  assert.equal(
    describePodText(input(reviewsV1)),
    [
      'Pod: reviews-v1-abc',
      '   Pod Revision: default',
      '   Pod Ports: 9080 (reviews), 15090 (istio-proxy)',
      '--------------------',
      'Service: reviews',
      '   Port: http 9080/HTTP targets pod port 9080',
      'DestinationRule: reviews for "reviews"',
      '   Matching subsets: v1',
      '      (Non-matching subsets v2,v3)',
      '   No Traffic Policy',
      'VirtualService: reviews',
      '   1 additional destination(s) that will not reach this pod',
      // Two spaces after "Match:" when there is no URI test, as istioctl prints it.
      '      Route to non-matching subset v2 for (Match:  when headers are end-user=jason)',
      '--------------------',
      'Effective PeerAuthentication:',
      '   Workload mTLS mode: PERMISSIVE',
      'Skipping Gateway information (no ingress gateway pods)',
      '',
    ].join('\n'),
  );
});

test('a VirtualService whose only route goes to another subset: the WARNING and why', () => {
  const onlyV1 = vs('reviews', { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' } }] }] });
  const out = describePodText(input(pod('reviews-v2-abc', { app: 'reviews', version: 'v2' }), { virtualServices: [onlyV1] }));
  assert.match(out, /\nVirtualService: reviews\n {3}WARNING: No destinations match pod subsets \(checked 1 HTTP routes\)\n {6}Route to non-matching subset v1 for \(everything\)\n/);
  assert.match(describePodText(input(reviewsV1, { virtualServices: [onlyV1] })), /\nVirtualService: reviews\n {3}1 HTTP route\(s\)\n/);
});

test('weights name the host and subset; a policy is summed up; names outside the namespace carry it', () => {
  const split = vs('reviews', { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 50 }, { destination: { host: 'reviews', subset: 'v3' }, weight: 50 }] }] });
  const dr: DestinationRule = { ...reviewsDr, spec: { ...reviewsDr.spec!, trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' }, outlierDetection: {}, loadBalancer: {} } } };
  const out = describePodText(input(reviewsV1, { virtualServices: [split], destinationRules: [dr], namespace: 'other' }));
  assert.match(out, /^Pod: reviews-v1-abc\.default\n/);
  assert.match(out, /\nService: reviews\.default\n/);
  assert.match(out, /\n {3}Traffic Policy TLS Mode: ISTIO_MUTUAL\n {3}Policies: load balancer\/outlier detection\n/);
  assert.match(out, /\nVirtualService: reviews\.default\n {3}Route to host "reviews" subset "v1" with weight 50%\n(?!.*v3)/);
});

test('a pod without sidecar: the warning, and nothing about services', () => {
  assert.equal(
    describePodText(input(pod('curl-abc', { app: 'curl' }, false))),
    'Pod: curl-abc\n   Pod Revision: \n   Pod Ports: 9080 (curl)\nWARNING: curl-abc is not part of mesh; no Istio sidecar\n',
  );
});

test('PeerAuthentication: the namespace overrides the mesh, the workload overrides both, port level listed', () => {
  const pa = (name: string, namespace: string, mode: string, extra: Partial<NonNullable<PeerAuthentication['spec']>> = {}): PeerAuthentication => ({
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: { name, namespace },
    spec: { mtls: { mode }, ...extra },
  });
  const mesh = pa('default', 'istio-system', 'STRICT');
  assert.match(describePodText(input(reviewsV1, { peerAuthentications: [mesh] })), /Workload mTLS mode: STRICT\nApplied PeerAuthentication:\n {3}default\.istio-system\n/);
  const ns = pa('default', 'default', 'DISABLE');
  const wl = pa('reviews', 'default', 'UNSET', { selector: { matchLabels: { app: 'reviews' } }, portLevelMtls: { '9080': { mode: 'STRICT' } } });
  const other = pa('ratings', 'default', 'STRICT', { selector: { matchLabels: { app: 'ratings' } } });
  assert.match(
    describePodText(input(reviewsV1, { peerAuthentications: [mesh, ns, wl, other] })),
    /Workload mTLS mode: DISABLE\n {3}Port Level mTLS mode:\n {6}9080: STRICT\nApplied PeerAuthentication:\n {3}default\.istio-system, default\.default, reviews\.default\n/,
  );
});

test('ingress: a gateway VirtualService routing to the service shows where it is exposed', () => {
  const gwPod = pod('istio-ingressgateway-abc', { app: 'istio-ingressgateway', istio: 'ingressgateway' }, true, 'istio-system');
  const gwSvc: Service = {
    ...svc('istio-ingressgateway', 'istio-system', { selector: { istio: 'ingressgateway' }, ports: [{ name: 'status-port', port: 15021 }, { name: 'http2', port: 80, targetPort: 8080 }] }),
    status: { loadBalancer: { ingress: [{ ip: '127.48.0.2' }] } },
  };
  const gwConfig: ProxyConfig = {
    ...productpageConfig,
    role: 'router',
    routes: {
      'http.8080': {
        name: 'http.8080',
        virtualHosts: [{ name: '*:80', domains: ['*', '*:80'], routes: [{ name: '', match: { path: '/productpage' }, action: { cluster: 'outbound|9080||productpage.default.svc.cluster.local' }, virtualService: 'bookinfo.default' }] }],
      },
    },
  };
  const bookinfo = vs('bookinfo', { hosts: ['*'], gateways: ['bookinfo-gateway'], http: [{ match: [{ uri: { exact: '/productpage' } }, { uri: { prefix: '/static' } }], route: [{ destination: { host: 'productpage', port: { number: 9080 } } }] }] });
  const gateway: Gateway = { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'bookinfo-gateway', namespace: 'default' }, spec: { selector: { istio: 'ingressgateway' } } };
  const out = describePodText(
    input(pod('productpage-v1-abc', { app: 'productpage', version: 'v1' }), {
      services: [svc('productpage')],
      virtualServices: [bookinfo],
      gateways: [gateway],
      ingressPods: [{ pod: gwPod, config: gwConfig }],
      ingressServices: [gwSvc],
    }),
  );
  assert.match(out, /\n--------------------\nExposed on Ingress Gateway http:\/\/127\.48\.0\.2\nVirtualService: bookinfo\n {3}Match: \/productpage, Match: \/static\*\n$/);
});

test('Service port protocols follow the port name (or appProtocol); unnamed ports are auto-detected', () => {
  assert.equal(portProtocol({ port: 80 }), 'auto-detect');
  assert.equal(portProtocol({ name: 'http-web', port: 80 }), 'HTTP');
  assert.equal(portProtocol({ name: 'web', port: 80, appProtocol: 'http2' }), 'HTTP2');
  assert.equal(portProtocol({ name: 'tcp', port: 27017 }), 'TCP');
  assert.equal(portProtocol({ name: 'web', port: 80 }), 'UnsupportedProtocol');
});
