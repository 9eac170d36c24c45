// Istio's documented tasks on Istio 1.24.6's own sample manifests, with `weft` in place of `kubectl`:
// httpbin called from sleep and curl (the tasks' "Before you begin" checks), the circuit-breaking
// task's fortio client (`fortio curl`, `fortio load`) and helloworld's two versions behind one service.
// One runtime for the file; everything is applied in one go and waited for once, to keep it quick.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { WeftSandbox, repoRoot } from '../support/weft-cli.js';

const samples = join(repoRoot, '..', 'shared', 'seeds', 'istio-samples', 'istio-1.24.6', 'samples');
const manifests = ['httpbin/httpbin.yaml', 'sleep/sleep.yaml', 'curl/curl.yaml', 'httpbin/sample-client/fortio-deploy.yaml', 'helloworld/helloworld.yaml'];
const NS = 'istio-tasks';

describe('Istio tasks on the 1.24.6 samples: httpbin, sleep, curl, fortio, helloworld', { skip: !existsSync(samples) && 'the shared Istio samples are not beside the repo' }, () => {
  const w = new WeftSandbox('weft-tasks-');
  let httpbinIP = '';

  before(async () => {
    await w.ok(['up']);
    await w.ok(['install', '-y', '--set', 'profile=demo'], { timeoutMs: 90_000 });
    await w.ok(['create', 'namespace', NS]);
    await w.ok(['label', 'namespace', NS, 'istio-injection=enabled']);
    // The tasks run in the current namespace; making ours current keeps the commands as the pages write them.
    await w.ok(['config', 'set-context', '--current', `--namespace=${NS}`]);
  });

  after(async () => {
    await w.cleanup();
  });

  /** `weft exec <target> -c <container> -- <command...>`, as the task pages run `kubectl exec`. */
  const exec = (target: string, container: string, ...cmd: string[]): Promise<string> => w.ok(['exec', target, '-c', container, '--', ...cmd]);

  it('deploys the samples and every pod comes up 2/2 Running', async () => {
    const applied = await w.ok(['apply', ...manifests.flatMap((m) => ['-f', join(samples, m)])]);
    assert.deepEqual(applied.trim().split('\n'), [
      'serviceaccount/httpbin created', 'service/httpbin created', 'deployment.apps/httpbin created',
      'serviceaccount/sleep created', 'service/sleep created', 'deployment.apps/sleep created',
      'serviceaccount/curl created', 'service/curl created', 'deployment.apps/curl created',
      'service/fortio created', 'deployment.apps/fortio-deploy created',
      'service/helloworld created', 'deployment.apps/helloworld-v1 created', 'deployment.apps/helloworld-v2 created',
    ]);
    await w.ok(['wait', 'po', '--for', 'condition=Ready', '--all', '--timeout=60s'], { timeoutMs: 70_000 });
    const lines = (await w.ok(['get', 'pods'])).trim().split('\n');
    assert.match(lines[0]!, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    const apps = ['curl', 'fortio-deploy', 'helloworld-v1', 'helloworld-v2', 'httpbin', 'sleep'];
    assert.equal(lines.length, apps.length + 1, lines.join('\n'));
    for (const [i, app] of apps.entries()) assert.match(lines[i + 1]!, new RegExp(`^${app}-[a-z0-9]{8,10}-[a-z0-9]{5}\\s+2/2\\s+Running\\s+0\\s+\\d+s$`));
    httpbinIP = (await w.ok(['get', 'svc', 'httpbin', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    assert.match(httpbinIP, /^127\.\d+\.\d+\.\d+$/);
  });

  it('sleep and curl get httpbin /get: its JSON, with the headers the sidecar adds', async () => {
    for (const client of ['sleep', 'curl']) {
      const body = JSON.parse(await exec(`deploy/${client}`, client, 'curl', '-sS', 'http://httpbin:8000/get')) as Record<string, unknown>;
      // go-httpbin's shape: header values are lists.
      assert.deepEqual(Object.keys(body).sort(), ['args', 'headers', 'method', 'origin', 'url']);
      assert.deepEqual(body['args'], {});
      assert.equal(body['method'], 'GET');
      assert.equal(body['url'], 'http://httpbin:8000/get');
      assert.match(String(body['origin']), /^127\.\d+\.\d+\.\d+$/);
      const headers = body['headers'] as Record<string, string[]>;
      assert.deepEqual(headers['Host'], ['httpbin:8000']);
      assert.deepEqual(headers['Accept'], ['*/*']);
      assert.match(headers['User-Agent']![0]!, /^curl\/\d+\.\d+\.\d+$/);
      assert.deepEqual(headers['X-Envoy-Attempt-Count'], ['1']);
      assert.deepEqual(headers['X-Forwarded-Proto'], ['http']);
      assert.match(headers['X-Request-Id']![0]!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it('httpbin answers /status/418, /headers, /ip, /delay/1 and /response-headers as the tasks show', async () => {
    assert.equal(await exec('deploy/sleep', 'sleep', 'curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', 'http://httpbin:8000/status/418'), '418');
    assert.equal(await exec('deploy/curl', 'curl', 'curl', '-s', '-o', '/dev/null', '-w', '%{http_code}\n', 'http://httpbin:8000/status/200'), '200\n');

    const headers = JSON.parse(await exec('deploy/sleep', 'sleep', 'curl', '-sS', 'http://httpbin:8000/headers')) as { headers: Record<string, string[]> };
    assert.deepEqual(Object.keys(headers), ['headers']);
    assert.deepEqual(headers.headers['Host'], ['httpbin:8000']);
    assert.deepEqual(headers.headers['X-Envoy-Attempt-Count'], ['1']);

    const ip = JSON.parse(await exec('deploy/sleep', 'sleep', 'curl', '-sS', 'http://httpbin:8000/ip')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(ip), ['origin']);
    assert.match(String(ip['origin']), /^127\.\d+\.\d+\.\d+$/);

    const started = Date.now();
    const delayed = await exec('deploy/sleep', 'sleep', 'curl', '-sS', '-o', '/dev/null', '-w', '%{http_code} %{time_total}', 'http://httpbin:8000/delay/1');
    const [code, total] = delayed.split(' ');
    assert.equal(code, '200');
    assert.ok(Number(total) >= 1 && Date.now() - started >= 1000, `delay/1 answered after ${total}s`);

    const raw = await exec('deploy/sleep', 'sleep', 'curl', '-sS', '-i', 'http://httpbin:8000/response-headers?freeform=x');
    const [head, body] = raw.split('\r\n\r\n');
    assert.match(head!, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(head!, /\r\nfreeform: x(\r\n|$)/i);
    // The sidecar times the upstream and says so, as Envoy does.
    assert.match(head!, /\r\nx-envoy-upstream-service-time: \d+(\r\n|$)/);
    assert.deepEqual((JSON.parse(body!) as Record<string, string[]>)['freeform'], ['x']);
  });

  it('circuit breaking: fortio curl prints the response head and the body', async () => {
    const pod = await w.ok(['get', 'pods', '-l', 'app=fortio', '-o', 'jsonpath={.items[0].metadata.name}']);
    assert.match(pod, /^fortio-deploy-[a-z0-9]{8,10}-[a-z0-9]{5}$/);
    const out = await exec(pod, 'fortio', '/usr/bin/fortio', 'curl', '-quiet', 'http://httpbin:8000/get');
    const split = out.indexOf('\r\n\r\n');
    assert.ok(split > 0, out);
    const head = out.slice(0, split);
    assert.match(head, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(head, /\r\ncontent-type: application\/json/i);
    assert.match(head, /\r\nx-envoy-upstream-service-time: \d+/);
    const body = JSON.parse(out.slice(split + 4)) as { url: string; headers: Record<string, string[]> };
    assert.equal(body.url, 'http://httpbin:8000/get');
    assert.match(body.headers['User-Agent']![0]!, /^fortio\.org\/fortio-\d+\.\d+\.\d+$/);
    assert.deepEqual(body.headers['X-Envoy-Attempt-Count'], ['1']);
  });

  it('circuit breaking: fortio load -c 2 -n 20 makes 20 calls, all 200', async () => {
    const pod = await w.ok(['get', 'pods', '-l', 'app=fortio', '-o', 'jsonpath={.items[0].metadata.name}']);
    const out = await exec(pod, 'fortio', '/usr/bin/fortio', 'load', '-c', '2', '-qps', '0', '-n', '20', '-loglevel', 'Warning', 'http://httpbin:8000/get');
    assert.match(out, /^Fortio \d+\.\d+\.\d+ running at 0 queries per second, \d+->\d+ procs, for 20 calls: http:\/\/httpbin:8000\/get$/m);
    assert.match(out, /^Starting at max qps with 2 thread\(s\) \[gomax \d+\] for exactly 20 calls \(10 per thread \+ 0\)$/m);
    assert.match(out, /^Sockets used: 2 \(for perfect keepalive, would be 2\)$/m);
    // The address fortio dialed, as the app sees it: the service's, not where the mesh redirected it.
    assert.match(out, new RegExp(`^IP addresses distribution:\\n${httpbinIP.replace(/\./g, '\\.')}:8000: 2$`, 'm'));
    assert.match(out, /^Code 200 : 20 \(100\.0 %\)$/m);
    assert.doesNotMatch(out, /^Code (?!200 )/m);
    assert.match(out, /^All done 20 calls \(plus 0 warmup\) [\d.]+ ms avg, [\d.]+ qps$/m);
  });

  it('helloworld: ten calls from curl reach both versions, each naming its pod', async () => {
    const podOf = async (version: string): Promise<string> => (await w.ok(['get', 'pods', '-l', `app=helloworld,version=${version}`, '-o', 'jsonpath={.items[0].metadata.name}'])).trim();
    const v1 = await podOf('v1');
    const v2 = await podOf('v2');
    assert.match(v1, /^helloworld-v1-[a-z0-9]{8,10}-[a-z0-9]{5}$/);
    assert.match(v2, /^helloworld-v2-[a-z0-9]{8,10}-[a-z0-9]{5}$/);
    // The task's shell loop in one exec. The mesh's default balancing is least-request, at random between
    // idle endpoints, so ten calls miss a version one time in 512: up to two more batches settle it.
    const seen = new Set<string>();
    for (let batch = 0; batch < 3 && seen.size < 2; batch++) {
      const out = await exec('deploy/curl', 'curl', 'sh', '-c', 'for i in $(seq 1 10); do curl -sS helloworld:5000/hello; done');
      const lines = out.trim().split('\n');
      assert.equal(lines.length, 10, out);
      for (const l of lines) {
        assert.ok(l === `Hello version: v1, instance: ${v1}` || l === `Hello version: v2, instance: ${v2}`, l);
        seen.add(l);
      }
    }
    assert.equal(seen.size, 2, [...seen].join('\n'));
  });

  it('still shows every pod 2/2 Running with no restarts after the traffic', async () => {
    const lines = (await w.ok(['get', 'pods'])).trim().split('\n').slice(1);
    assert.equal(lines.length, 6);
    for (const l of lines) assert.match(l, /^\S+\s+2\/2\s+Running\s+0\s+\d+s$/);
  });
});
