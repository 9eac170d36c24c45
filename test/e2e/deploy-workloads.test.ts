// The first workshop's "Deploy workloads" section, step by step, with `weft` in place of `kubectl`.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { WeftSandbox, manifestDir } from '../support/weft-cli.js';
import { getJson, statusLine } from '../support/http.js';

describe('workshop: deploy workloads', () => {
  const w = new WeftSandbox();
  const dir = manifestDir();
  let port = 0;

  before(async () => {
    const up = await w.ok(['up']);
    assert.match(up, /Weft is running/);
  });

  after(async () => {
    await w.cleanup();
  });

  it('creates the namespace and makes it the context default', async () => {
    assert.equal(await w.ok(['create', 'ns', 'istioinaction']), 'namespace/istioinaction created\n');
    const ctx = (await w.ok(['config', 'current-context'])).trim();
    assert.equal(await w.ok(['config', 'set-context', ctx, '--namespace=istioinaction']), `Context "${ctx}" modified.\n`);
  });

  it('applies services a, b and c-v1 and waits for them to be Ready', async () => {
    const a = await w.ok(['apply', '-f', join(dir, 'services-a.yaml')]);
    assert.equal(a, 'serviceaccount/service-a created\nservice/service-a created\ndeployment.apps/service-a created\n');
    await w.ok(['apply', '-f', join(dir, 'services-b.yaml')]);
    await w.ok(['apply', '-f', join(dir, 'services-c-v1.yaml')]);
    const waited = await w.ok(['-n', 'istioinaction', 'wait', 'po', '--for', 'condition=Ready', '--all', '--timeout=60s']);
    assert.equal(waited.trim().split('\n').length, 3, waited);
    const pods = await w.ok(['get', 'pods']);
    const lines = pods.trim().split('\n');
    assert.match(lines[0]!, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    assert.equal(lines.length, 4, pods);
    for (const l of lines.slice(1)) assert.match(l, /^service-(a|b|c-v1)-[a-z0-9]{10}-[a-z0-9]{5}\s+1\/1\s+Running\s+0\s+\d+s$/);
  });

  it('port-forwards service-a and answers 200 three times, calling service-b and service-c', async () => {
    const pf = await w.start(['port-forward', 'deploy/service-a', ':8080'], /Forwarding from 127\.0\.0\.1:(\d+) -> 8080/);
    port = Number(pf.match[1]);
    for (let i = 0; i < 3; i++) assert.equal(await statusLine(port), 'HTTP/1.1 200 OK');
    const { status, body } = await getJson(port);
    assert.equal(status, 200);
    assert.equal(body.name, 'service-a');
    const upstream = body.upstream_calls as Record<string, { name: string; code: number }>;
    assert.deepEqual(Object.keys(upstream), ['http://service-b', 'http://service-c']);
    assert.equal(upstream['http://service-b']!.name, 'service-b');
    assert.equal(upstream['http://service-c']!.name, 'service-c(v1)');
    assert.equal(upstream['http://service-c']!.code, 200);
  });

  it('deploys service-c v2 and then some requests fail, about 30% of them', async () => {
    assert.equal(await w.ok(['apply', '-f', join(dir, 'services-c-v2.yaml')]), 'deployment.apps/service-c-v2 created\n');
    await w.ok(['-n', 'istioinaction', 'wait', 'po', '--for', 'condition=Ready', '--all', '--timeout=60s']);
    let ok = 0;
    let failed = 0;
    for (let i = 0; i < 60; i++) {
      const line = await statusLine(port);
      if (line === 'HTTP/1.1 200 OK') ok++;
      else if (line === 'HTTP/1.1 500 Internal Server Error') failed++;
      else assert.fail(`unexpected status line ${line}`);
    }
    // v2 answers half the calls to service-c and fails 60% of them: expect about 18 of 60 (sd ~3.5).
    assert.ok(failed >= 6 && failed <= 32, `failures ${failed} of 60 not in line with 0.5 * 0.6`);
    assert.ok(ok > 0);
    const { body } = await getJsonUntil(port, 500);
    const c = (body.upstream_calls as Record<string, { name: string; code: number; error?: string }>)['http://service-c']!;
    assert.equal(c.name, 'service-c(v2)');
    assert.equal(c.code, 500);
  });

  it('lists deployments and services in kubectl columns', async () => {
    const deploy = await w.ok(['get', 'deploy']);
    assert.match(deploy, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\n/);
    assert.match(deploy, /service-c-v2\s+1\/1\s+1\s+1\s+\d+s/);
    const svc = await w.ok(['get', 'svc', '-o', 'wide']);
    assert.match(svc, /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\s+SELECTOR\n/);
    assert.match(svc, /service-a\s+ClusterIP\s+127\.\d+\.\d+\.\d+\s+<none>\s+80\/TCP/);
  });

  it('stops every process it started when it goes down', async () => {
    assert.ok(w.processesOfThisRuntime().length >= 5);
    assert.match(await w.ok(['down'], { timeoutMs: 90_000 }), /Weft stopped/);
    assert.deepEqual(w.processesOfThisRuntime(), []);
    const st = await w.run(['status']);
    assert.equal(st.code, 1);
    assert.match(st.stdout, /not running/);
  });

  async function getJsonUntil(p: number, code: number) {
    for (let i = 0; i < 200; i++) {
      const r = await getJson(p);
      if (r.status === code) return r;
    }
    throw new Error(`never saw ${code}`);
  }
});
