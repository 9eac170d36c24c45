// Istio's TCP tasks (TCP traffic shifting, authorization for TCP) on Istio's own tcp-echo and curl
// samples: the curl pod pipes the date into `nc tcp-echo 9000`, and the echo comes back with the
// serving version's prefix. The nc in the pod is Weft's, so the connection goes through the sidecar.
// Then the TCP traffic-shifting task through the ingress gateway's TCP port: all to v1, then 80/20.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { WeftSandbox, repoRoot } from '../support/weft-cli.js';

const samples = join(repoRoot, '..', 'shared', 'seeds', 'istio-samples', 'istio-1.24.6', 'samples');
const tcpEcho = join(samples, 'tcp-echo', 'tcp-echo-services.yaml');
const curl = join(samples, 'curl', 'curl.yaml');

describe('sample: tcp-echo through nc (istio 1.24.6 manifests)', { skip: !existsSync(tcpEcho) && 'the shared Istio samples are not beside the repo' }, () => {
  const w = new WeftSandbox('weft-tcpecho-');
  const ns = ['-n', 'istio-io-tcp-traffic-shifting'];

  before(async () => {
    await w.ok(['up']);
    await w.ok(['install', '-y', '--set', 'profile=demo'], { timeoutMs: 90_000 });
    await w.ok(['create', 'namespace', 'istio-io-tcp-traffic-shifting']);
    await w.ok(['label', 'namespace', 'istio-io-tcp-traffic-shifting', 'istio-injection=enabled']);
    await w.ok([...ns, 'apply', '-f', curl]);
    await w.ok([...ns, 'apply', '-f', tcpEcho]);
    await w.ok([...ns, 'wait', 'po', '--for', 'condition=Ready', '--all', '--timeout=60s'], { timeoutMs: 70_000 });
  });

  after(async () => {
    await w.cleanup();
  });

  it('(date; sleep 1) | nc tcp-echo 9000 in the curl pod prints the echo with a version\'s prefix', async () => {
    const out = await w.ok([...ns, 'exec', 'deploy/curl', '-c', 'curl', '--', 'sh', '-c', '(date; sleep 1) | nc tcp-echo 9000']);
    assert.match(out, /^(one|two) \S+ \S+ +\d+ [\d:]+ \S+ \d{4}\n$/);
  });

  it('reaches both versions over many connections, by the short and the full name', async () => {
    const script = 'for i in 1 2 3 4 5 6 7 8 9 10; do echo x | nc tcp-echo.istio-io-tcp-traffic-shifting.svc.cluster.local 9001; done';
    const lines = (await w.ok([...ns, 'exec', 'deploy/curl', '-c', 'curl', '--', 'sh', '-c', script])).trim().split('\n');
    assert.equal(lines.length, 10, lines.join('\n'));
    for (const l of lines) assert.match(l, /^(one|two) x$/);
    assert.deepEqual([...new Set(lines)].sort(), ['one x', 'two x']);
  });

  it('probes ports with -z and -v: 9000 answers, and /usr/bin/nc is Weft\'s too', async () => {
    const r = await w.run([...ns, 'exec', 'deploy/curl', '-c', 'curl', '--', '/usr/bin/nc', '-zv', '-w', '3', 'tcp-echo', '9000']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^Connection to tcp-echo \(127\.[\d.]+\) 9000 port \[tcp\/\*\] succeeded!\n$/);
  });

  it('refuses -u in one line, exit 1', async () => {
    const r = await w.run([...ns, 'exec', 'deploy/curl', '-c', 'curl', '--', 'nc', '-u', 'tcp-echo', '9000']);
    assert.equal(r.code, 1);
    // The second line is exec's own, as kubectl prints it.
    assert.equal(r.stderr, 'nc: UDP (-u) is not supported by Weft\'s nc: TCP only\ncommand terminated with exit code 1\n');
  });

  it('sends the connections through the curl pod\'s sidecar: istio_tcp_connections_opened_total counts them', async () => {
    const text = await w.ok([...ns, 'exec', 'deploy/curl', '-c', 'istio-proxy', '--', 'curl', '-s', 'localhost:15020/stats/prometheus']);
    const opened = text.split('\n').filter((l) => l.startsWith('istio_tcp_connections_opened_total{') && l.includes('reporter="source"') && l.includes('destination_service_name="tcp-echo"'));
    assert.ok(opened.length > 0, text.split('\n').filter((l) => l.startsWith('istio_tcp')).join('\n') || 'no istio_tcp series');
    const total = opened.reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    assert.ok(total >= 11, `opened ${total}`);
  });

  /** The task's loop: `(date; sleep 1) | nc $INGRESS_HOST $TCP_INGRESS_PORT`, n times; the prefixes seen. */
  async function throughGateway(n: number): Promise<string[]> {
    const ip = (await w.ok(['-n', 'istio-system', 'get', 'service', 'istio-ingressgateway', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}'])).trim().split(':')[0]!;
    const port = (await w.ok(['-n', 'istio-system', 'get', 'service', 'istio-ingressgateway', '-o', 'jsonpath={.spec.ports[?(@.name=="tcp")].port}'])).trim();
    const script = `for i in $(seq 1 ${n}); do echo x | nc ${ip} ${port}; done`;
    return (await w.ok([...ns, 'exec', 'deploy/curl', '-c', 'curl', '--', 'sh', '-c', script])).trim().split('\n');
  }

  it('TCP traffic shifting: tcp-echo-all-v1.yaml sends every connection through the gateway to v1', async () => {
    await w.ok([...ns, 'apply', '-f', join(samples, 'tcp-echo', 'tcp-echo-all-v1.yaml')]);
    let lines: string[] = [];
    for (let i = 0; i < 30; i++) {
      lines = await throughGateway(10).catch(() => []);
      if (lines.length === 10 && lines.every((l) => l === 'one x')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.deepEqual([...new Set(lines)], ['one x']);
    assert.equal(lines.length, 10);
  });

  it('TCP traffic shifting: tcp-echo-20-v2.yaml sends about a fifth to v2', async () => {
    await w.ok([...ns, 'apply', '-f', join(samples, 'tcp-echo', 'tcp-echo-20-v2.yaml')]);
    let seen: string[] = [];
    for (let i = 0; i < 30 && !seen.includes('two x'); i++) seen = await throughGateway(5);
    assert.ok(seen.includes('two x'), 'v2 never answered');
    const lines = await throughGateway(50);
    const two = lines.filter((l) => l === 'two x').length;
    assert.equal(lines.filter((l) => l === 'one x').length + two, 50);
    // 50 draws at 20%: outside 2..20 about once in 5,000 runs.
    assert.ok(two >= 2 && two <= 20, `${two} of 50 to v2`);
  });
});
