import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveName, searchCandidates, type NetTable } from './net-table.js';
import { PodNetwork } from './pod-network.js';

const dir = mkdtempSync(join(tmpdir(), 'weft-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const table: NetTable = {
  version: 1,
  names: {
    'web.demo.svc.cluster.local': ['127.200.1.1'],
    'db.data.svc.cluster.local': ['127.200.1.2'],
    'headless.demo.svc.cluster.local': ['127.200.64.7', '127.200.64.8'],
    'empty.demo.svc.cluster.local': [],
  },
  services: {
    '127.200.1.1': { '80': ['127.200.64.1:8080', '127.200.64.2:8080', '127.200.64.3:8080'], '81': [] },
    '127.200.1.2': { '5432': ['127.200.64.9:5432'] },
  },
};

let n = 0;
function network(t: NetTable = table): { pod: PodNetwork; path: string } {
  const path = join(dir, `table-${n++}.json`);
  writeFileSync(path, JSON.stringify(t));
  const pod = new PodNetwork({ bindIP: '127.200.64.10', localhostIP: '127.200.128.10', namespace: 'demo', netTablePath: path });
  return { pod, path };
}

describe('searchCandidates and resolveName', () => {
  test('short names try the pod namespace first, as a resolv.conf search list', () => {
    assert.deepEqual(searchCandidates('web', 'demo'), ['web.demo.svc.cluster.local', 'web.svc.cluster.local', 'web.cluster.local', 'web']);
    assert.deepEqual(searchCandidates('web.demo.svc.cluster.local.', 'demo'), ['web.demo.svc.cluster.local']);
    assert.equal(searchCandidates('a.b.c.d.e.f', 'demo')[0], 'a.b.c.d.e.f');
  });

  test('names are case-insensitive and an empty answer is no answer', () => {
    assert.deepEqual(resolveName(table, 'WEB', 'demo'), ['127.200.1.1']);
    assert.equal(resolveName(table, 'empty', 'demo'), undefined);
  });
});

describe('PodNetwork.lookup', () => {
  test('resolves a service by every form of its name', () => {
    const { pod } = network();
    for (const name of ['web', 'web.demo', 'web.demo.svc', 'web.demo.svc.cluster.local', 'web.demo.svc.cluster.local.']) {
      assert.deepEqual(pod.lookup(name), ['127.200.1.1'], name);
    }
  });

  test('a name in another namespace resolves only with its namespace', () => {
    const { pod } = network();
    assert.equal(pod.lookup('db'), undefined);
    assert.deepEqual(pod.lookup('db.data'), ['127.200.1.2']);
    assert.deepEqual(pod.lookup('db.data.svc.cluster.local'), ['127.200.1.2']);
  });

  test('localhost and loopback names mean the pod\'s own address; IPs and unknown names pass', () => {
    const { pod } = network();
    for (const name of ['localhost', '127.0.0.1', '::1', '0.0.0.0']) assert.deepEqual(pod.lookup(name), ['127.200.128.10'], name);
    assert.deepEqual(pod.lookup('10.1.2.3'), ['10.1.2.3']);
    assert.equal(pod.lookup('example.com'), undefined);
  });

  test('a headless service answers its pod IPs', () => {
    const { pod } = network();
    assert.deepEqual(pod.lookup('headless'), ['127.200.64.7', '127.200.64.8']);
  });

  test('a missing table file leaves an empty table', () => {
    const pod = new PodNetwork({ bindIP: '127.200.64.10', localhostIP: '127.200.128.10', namespace: 'demo', netTablePath: join(dir, 'absent.json') });
    assert.equal(pod.lookup('web'), undefined);
    assert.deepEqual(pod.lookup('localhost'), ['127.200.128.10']);
  });
});

describe('PodNetwork.route', () => {
  test('rotates over the endpoints of a service address and port', () => {
    const { pod } = network();
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) {
      const d = pod.route('web', 80);
      seen.push(`${d.host}:${d.port}`);
    }
    const endpoints = table.services['127.200.1.1']!['80']!;
    // Every endpoint in turn, starting wherever the first pick landed.
    const start = endpoints.indexOf(seen[0]!);
    assert.ok(start >= 0, seen[0]);
    assert.deepEqual(seen, [0, 1, 2, 3, 4, 5].map((i) => endpoints[(start + i) % endpoints.length]));
    // The cluster IP itself routes the same way.
    assert.ok(endpoints.includes(`${pod.route('127.200.1.1', 80).host}:8080`));
    assert.deepEqual(pod.route('db.data', 5432), { host: '127.200.64.9', port: 5432 });
  });

  test('a service port without endpoints or a port the service lacks goes to the cluster IP', () => {
    const { pod } = network();
    assert.deepEqual(pod.route('web', 81), { host: '127.200.1.1', port: 81 });
    assert.deepEqual(pod.route('web', 9999), { host: '127.200.1.1', port: 9999 });
  });

  test('unknown hosts are left alone; localhost maps to the pod', () => {
    const { pod } = network();
    assert.deepEqual(pod.route('example.com', 443), { host: 'example.com', port: 443 });
    assert.deepEqual(pod.route('10.0.0.1', 80), { host: '10.0.0.1', port: 80 });
    assert.deepEqual(pod.route('localhost', 8080), { host: '127.200.128.10', port: 8080 });
    assert.deepEqual(pod.route('127.0.0.1', 15000), { host: '127.200.128.10', port: 15000 });
  });
});

describe('PodNetwork.bindAddress', () => {
  test('wildcard and localhost binds take the pod address; specific addresses are kept', () => {
    const { pod } = network();
    assert.equal(pod.bindAddress(undefined), '127.200.64.10');
    assert.equal(pod.bindAddress('0.0.0.0'), '127.200.64.10');
    assert.equal(pod.bindAddress('::'), '127.200.64.10');
    assert.equal(pod.bindAddress('localhost'), '127.200.64.10');
    assert.equal(pod.bindAddress('127.0.0.1'), '127.200.64.10');
    assert.equal(pod.bindAddress('127.200.64.11'), '127.200.64.11');
  });
});

describe('PodNetwork reload', () => {
  test('picks up a table replaced by rename, and keeps the last one when the file is broken', () => {
    const { pod, path } = network();
    assert.equal(pod.lookup('api'), undefined);
    const next: NetTable = { version: 2, names: { 'api.demo.svc.cluster.local': ['127.200.1.9'] }, services: { '127.200.1.9': { '80': ['127.200.64.20:9000'] } } };
    const tmp = `${path}.tmp`;
    writeFileSync(tmp, JSON.stringify(next));
    renameSync(tmp, path);
    pod.reload();
    assert.deepEqual(pod.lookup('api'), ['127.200.1.9']);
    assert.deepEqual(pod.route('api', 80), { host: '127.200.64.20', port: 9000 });
    assert.equal(pod.lookup('web'), undefined);
    writeFileSync(path, '{"version": 3, "nam');
    pod.reload();
    assert.deepEqual(pod.lookup('api'), ['127.200.1.9']);
  });

  test('watch() reloads on its own after a rename', { timeout: 20_000 }, async () => {
    const { pod, path } = network();
    pod.watch();
    try {
      const next: NetTable = { version: 2, names: { 'late.demo.svc.cluster.local': ['127.200.1.12'] }, services: {} };
      const tmp = `${path}.tmp`;
      writeFileSync(tmp, JSON.stringify(next));
      renameSync(tmp, path);
      // Wait for the directory watcher to deliver the rename (no time limit beyond the test runner's).
      while (pod.lookup('late') === undefined) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(pod.lookup('late'), ['127.200.1.12']);
    } finally {
      pod.close();
    }
  });
});
