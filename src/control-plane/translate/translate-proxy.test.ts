// Translation is a pure function of (proxy, snapshot): checked here without any proxy or network.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { endpoints as endpointsOf, pod, service, snapshotOf } from '../../../test/support/mesh-snapshot.js';
import { translateProxy, translateResources } from './translate-proxy.js';
import { assembleConfig, diffResources, resourceEntries } from '../../xds/resources.js';
import type { NodeInfo } from '../../xds/discovery.js';

const world = [
  pod('a-abc-1', 'shop', { app: 'a', version: 'v1', 'pod-template-hash': 'abc' }, '127.9.64.1', true),
  pod('b-abc-1', 'shop', { app: 'b', version: 'v2', 'pod-template-hash': 'abc' }, '127.9.64.2', true),
  service('a', 'shop', '127.9.1.1', { app: 'a' }),
  service('b', 'shop', '127.9.1.2', { app: 'b' }),
  service('db', 'data', '127.9.1.3', { app: 'db' }, 'tcp-db'),
  endpointsOf('b', 'shop', [['b-abc-1', '127.9.64.2']]),
];
const nodeA: NodeInfo = { id: 'sidecar~127.9.64.1~a-abc-1.shop~shop.svc.cluster.local', role: 'sidecar', podName: 'a-abc-1', namespace: 'shop', ip: '127.9.64.1', proxyVersion: 't' };

describe('translateProxy', () => {
  test('a sidecar gets a cluster per service port with ready endpoints and their workloads', () => {
    const c = translateProxy(nodeA, snapshotOf(world));
    const b = c.clusters['outbound|80||b.shop.svc.cluster.local']!;
    assert.deepEqual(b.endpoints.map((e) => `${e.address}:${e.port}`), ['127.9.64.2:8080']);
    assert.equal(b.endpoints[0]!.workload.workload, 'b');
    assert.equal(b.endpoints[0]!.workload.version, 'v2');
    assert.equal(b.endpoints[0]!.meshed, true);
    assert.deepEqual(c.clusters['outbound|80||a.shop.svc.cluster.local']!.endpoints, []);
    assert.equal(c.clusters['outbound|80||db.data.svc.cluster.local']!.protocol, 'tcp');
  });

  test('HTTP virtual hosts answer to the short names of the proxy\'s own namespace only', () => {
    const c = translateProxy(nodeA, snapshotOf(world));
    const vh = c.routes['80']!.virtualHosts.find((v) => v.name === 'b.shop.svc.cluster.local:80')!;
    for (const d of ['b', 'b:80', 'b.shop', 'b.shop.svc', 'b.shop.svc.cluster.local', '127.9.1.2']) assert.ok(vh.domains.includes(d), d);
    assert.equal(c.outbound.targets['127.9.1.2:80']!.route, '80');
    assert.equal(c.outbound.targets['127.9.1.3:80']!.protocol, 'tcp');
    assert.ok(!c.routes['80']!.virtualHosts.some((v) => v.name.startsWith('db.')));
  });

  test('inbound ports come from the services that select the pod, forwarded to its loopback address', () => {
    const c = translateProxy(nodeA, snapshotOf(world));
    assert.deepEqual(c.inbound.map((p) => [p.port, p.protocol, p.service?.host]), [[8080, 'http', 'a.shop.svc.cluster.local']]);
    assert.deepEqual(c.clusters['inbound|8080||']!.endpoints.map((e) => e.address), ['127.9.128.1']);
    assert.equal(c.self.workload, 'a');
    assert.equal(c.self.principal, 'spiffe://cluster.local/ns/shop/sa/a');
  });

  test('the same snapshot gives the same configuration (pure)', () => {
    const s = snapshotOf(world);
    assert.deepEqual(translateProxy(nodeA, s), translateProxy(nodeA, s));
  });
});

describe('configuration resources', () => {
  test('resources reassemble into the configuration they came from', () => {
    const c = translateProxy(nodeA, snapshotOf(world));
    const held = new Map<string, unknown>([...resourceEntries(c)].map(([k, v]) => [k, JSON.parse(v)]));
    const back = assembleConfig(held, 'v1');
    assert.deepEqual(back.clusters, JSON.parse(JSON.stringify(c.clusters)));
    assert.deepEqual(back.outbound.targets, JSON.parse(JSON.stringify(c.outbound.targets)));
    const sortHosts = (r: typeof c.routes) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, [...v.virtualHosts].sort((x, y) => x.name.localeCompare(y.name))]));
    assert.deepEqual(sortHosts(back.routes), JSON.parse(JSON.stringify(sortHosts(c.routes))));
    assert.deepEqual(back.inbound, JSON.parse(JSON.stringify(c.inbound)));
  });

  test('a new service changes only its own resources', () => {
    const before = translateResources(nodeA, snapshotOf(world));
    const after = translateResources(nodeA, snapshotOf([...world, service('c', 'shop', '127.9.1.4', { app: 'c' })]));
    const d = diffResources(before.shared, after.shared);
    assert.deepEqual(d.removed, []);
    assert.deepEqual(d.parts.map((p) => JSON.parse(`{${p}}`) as Record<string, unknown>).map((o) => Object.keys(o)[0]).sort(), [
      'cluster/outbound|80||c.shop.svc.cluster.local',
      'target/127.9.1.4:80',
      'vhost/80/c.shop.svc.cluster.local:80',
    ]);
    assert.deepEqual(diffResources(before.own, after.own).parts, []);
  });
});
