import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { L4Route, WorkloadMeta } from '../../xds/proxy-config.js';
import { inSubnet, selectL4Cluster } from './l4-route.js';

const self = { namespace: 'default', labels: { app: 'curl' } } as unknown as WorkloadMeta;

test('tcp rules: the first whose match holds splits by weight', () => {
  const routes: L4Route[] = [
    { match: { sourceLabels: { app: 'other' } }, clusters: [{ cluster: 'never', weight: 100 }] },
    { match: { destinationSubnets: ['10.0.0.0/8'] }, clusters: [{ cluster: 'ten', weight: 100 }] },
    { clusters: [{ cluster: 'v1', weight: 80 }, { cluster: 'v2', weight: 20 }] },
  ];
  assert.equal(selectL4Cluster(routes, self, '10.1.2.3'), 'ten');
  const counts: Record<string, number> = {};
  for (let i = 0; i < 100; i++) {
    const c = selectL4Cluster(routes, self, '127.9.1.5', () => i / 100)!;
    counts[c] = (counts[c] ?? 0) + 1;
  }
  assert.deepEqual(counts, { v1: 80, v2: 20 });
  assert.equal(selectL4Cluster([{ match: { sniHosts: ['a.example'] }, clusters: [{ cluster: 'tls', weight: 100 }] }], self, '1.2.3.4'), undefined);
});

test('subnets', () => {
  assert.equal(inSubnet('127.9.1.5', '127.9.0.0/16'), true);
  assert.equal(inSubnet('127.10.1.5', '127.9.0.0/16'), false);
  assert.equal(inSubnet('127.9.1.5', '127.9.1.5'), true);
  assert.equal(inSubnet('1.2.3.4', '0.0.0.0/0'), true);
});
