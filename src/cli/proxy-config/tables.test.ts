import { test } from 'node:test';
import assert from 'node:assert/strict';
import { productpageConfig as config } from './bookinfo-fixture.js';
import { clusterTable } from './cluster-table.js';
import { endpointTable } from './endpoint-table.js';
import { listenerTable } from './listener-table.js';
import { describeDomains, routeTable } from './route-table.js';
import { splitPodRef } from './proxy-target.js';
import { goTabwriter } from '../printers/go-tabwriter.js';

test('Go tabwriter layout: widest cell plus padding, the last cell as is (an empty one leaves the padding)', () => {
  assert.equal(goTabwriter([['A', 'BB', 'C'], ['aaa', '', '']], 2), 'A    BB  C\naaa      \n');
});

test('clusters: istioctl columns, sorted by fqdn, subset, port; inbound has no fqdn; Istio clusters by name', () => {
  assert.equal(
    clusterTable(config, {}),
    [
      'SERVICE FQDN                          PORT     SUBSET     DIRECTION     TYPE             DESTINATION RULE',
      '                                      9080     -          inbound       ORIGINAL_DST     ',
      'BlackHoleCluster                      -        -          -             STATIC           ',
      'PassthroughCluster                    -        -          -             ORIGINAL_DST     ',
      'details.default.svc.cluster.local     9080     -          outbound      EDS              ',
      'reviews.default.svc.cluster.local     9080     -          outbound      EDS              reviews.default',
      'reviews.default.svc.cluster.local     9080     v1         outbound      EDS              reviews.default',
      'reviews.default.svc.cluster.local     9080     v2         outbound      EDS              reviews.default',
      '',
    ].join('\n'),
  );
});

test('clusters: --fqdn, --subset, --port and --direction filter on the cluster name', () => {
  const rows = (f: Parameters<typeof clusterTable>[1]): string[] => clusterTable(config, f).trimEnd().split('\n').slice(1).map((l) => l.replace(/\s+/g, ' ').trim());
  assert.deepEqual(rows({ fqdn: 'reviews', subset: 'v1' }), ['reviews.default.svc.cluster.local 9080 v1 outbound EDS reviews.default']);
  assert.deepEqual(rows({ direction: 'inbound' }), ['9080 - inbound ORIGINAL_DST']);
  assert.equal(rows({ port: 9080 }).length, 5);
  assert.deepEqual(rows({ port: 80 }), []);
});

test('routes: a row per route, Istio-style domains, the path test and the VirtualService', () => {
  assert.equal(
    routeTable(config, {}),
    [
      'NAME     VHOST NAME                                 DOMAINS                                  MATCH          VIRTUAL SERVICE',
      '9080     details.default.svc.cluster.local:9080     details, details.default + 1 more...     /*             ',
      '9080     reviews.default.svc.cluster.local:9080     reviews, reviews.default + 1 more...     /reviews/0     reviews.default',
      '9080     reviews.default.svc.cluster.local:9080     reviews, reviews.default + 1 more...     /*             reviews.default',
      '',
    ].join('\n'),
  );
  assert.equal(routeTable(config, { name: '80' }), 'NAME     VHOST NAME     DOMAINS     MATCH     VIRTUAL SERVICE\n');
});

test('route domains: ports dropped, longer spellings dropped when the short one is there, two shown', () => {
  assert.equal(describeDomains(['*']), '*');
  assert.equal(describeDomains(['reviews.other.svc.cluster.local', 'reviews.other.svc', 'reviews.other', '10.0.0.1', '10.0.0.1:9080']), 'reviews.other, 10.0.0.1');
  assert.equal(describeDomains(['a.default.svc.cluster.local', 'a', 'a.default.svc', 'a.default', '10.0.0.2', '[fd00:10:96::7fc7]', '[fd00:10:96::7fc7]:9080']), 'a, a.default + 2 more...');
});

test('listeners: service addresses, the capture ports and the inbound ports, by port then address', () => {
  assert.equal(
    listenerTable(config, {}),
    [
      'ADDRESSES  PORT  MATCH                                              DESTINATION',
      '127.48.1.4 9080  Trans: raw_buffer; App: http/1.1,h2c               Route: 9080',
      '127.48.1.6 9080  Trans: raw_buffer; App: http/1.1,h2c               Route: 9080',
      '0.0.0.0    15001 ALL                                                PassthroughCluster',
      '0.0.0.0    15001 Addr: *:15001                                      Non-HTTP/Non-TCP',
      '0.0.0.0    15006 Addr: *:15006                                      Non-HTTP/Non-TCP',
      '0.0.0.0    15006 Trans: raw_buffer; App: http/1.1,h2c; Addr: *:9080 Cluster: inbound|9080||',
      '0.0.0.0    15021 ALL                                                Inline Route: /healthz/ready*',
      '0.0.0.0    15090 ALL                                                Inline Route: /stats/prometheus*',
      '127.48.1.9 27017 ALL                                                Cluster: outbound|27017||mongodb.default.svc.cluster.local',
      '',
    ].join('\n'),
  );
  assert.equal(listenerTable(config, { port: 27017 }).split('\n').length, 3);
});

test('listeners: REGISTRY_ONLY sends the rest to the BlackHoleCluster', () => {
  const strict = { ...config, outbound: { ...config.outbound, policy: 'REGISTRY_ONLY' as const } };
  assert.match(listenerTable(strict, { port: 15001 }), /15001 ALL\s+BlackHoleCluster\n/);
});

test('endpoints: by address, port and cluster name (bytewise, as Go compares), HEALTHY, filtered by cluster', () => {
  assert.equal(
    endpointTable(config, {}),
    [
      'ENDPOINT             STATUS      OUTLIER CHECK     CLUSTER',
      '127.48.64.5:9080     HEALTHY     OK                outbound|9080||details.default.svc.cluster.local',
      '127.48.64.7:9080     HEALTHY     OK                outbound|9080|v1|reviews.default.svc.cluster.local',
      '127.48.64.7:9080     HEALTHY     OK                outbound|9080||reviews.default.svc.cluster.local',
      '127.48.64.8:9080     HEALTHY     OK                outbound|9080|v2|reviews.default.svc.cluster.local',
      '127.48.64.8:9080     HEALTHY     OK                outbound|9080||reviews.default.svc.cluster.local',
      '',
    ].join('\n'),
  );
  assert.equal(endpointTable(config, { cluster: 'outbound|9080|v2|reviews.default.svc.cluster.local' }).trimEnd().split('\n').length, 2);
});

test('pod names: POD.NS and TYPE/NAME.NS name the namespace', () => {
  assert.deepEqual(splitPodRef('reviews-v1-abc', 'default'), { ref: 'reviews-v1-abc', namespace: 'default' });
  assert.deepEqual(splitPodRef('reviews-v1-abc.bi', 'default'), { ref: 'reviews-v1-abc', namespace: 'bi' });
  assert.deepEqual(splitPodRef('deploy/reviews-v1.bi', 'default'), { ref: 'deploy/reviews-v1', namespace: 'bi' });
  assert.deepEqual(splitPodRef('deploy/reviews-v1', 'x'), { ref: 'deploy/reviews-v1', namespace: 'x' });
});
