// `weft proxy-config` and `weft x describe pod` on Bookinfo with its DestinationRules and a VirtualService
// sending reviews to v1: istioctl's tables and descriptions, from the proxies' own configuration.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { WeftSandbox, repoRoot } from '../support/weft-cli.js';
import { until } from '../support/until.js';

const NS = 'bookinfo';

const REVIEWS_V1 = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v1}
`;

describe('proxy-config and x describe pod', () => {
  const w = new WeftSandbox();
  const samples = join(repoRoot, 'samples', 'bookinfo');

  before(async () => {
    assert.match(await w.ok(['up']), /Weft is running/);
    await w.ok(['install', '-y', '--set', 'profile=demo'], { timeoutMs: 120_000 });
    await w.ok(['create', 'ns', NS]);
    await w.ok(['label', 'ns', NS, 'istio-injection=enabled']);
    await w.ok(['-n', NS, 'apply', '-f', join(samples, 'bookinfo.yaml')]);
    await w.ok(['-n', NS, 'apply', '-f', join(samples, 'destination-rules.yaml')]);
    await w.ok(['-n', NS, 'apply', '-f', '-'], { input: REVIEWS_V1 });
    await w.ok(['-n', NS, 'wait', 'po', '--for', 'condition=Ready', '--all', '--timeout=60s'], { timeoutMs: 90_000 });
  });

  after(async () => {
    await w.cleanup();
  });

  it('pc routes shows the reviews VirtualService once the proxy has it', async () => {
    const routes = await until(async () => {
      const out = await w.ok(['-n', NS, 'pc', 'routes', 'deploy/productpage-v1']);
      return out.includes(`reviews.${NS}\n`) ? out : undefined;
    }, 'the reviews VirtualService in productpage\'s routes', 20_000);
    const lines = routes.split('\n');
    assert.match(lines[0]!, /^NAME\s{5,}VHOST NAME\s{5,}DOMAINS\s{5,}MATCH\s{5,}VIRTUAL SERVICE$/);
    assert.ok(lines.some((l) => new RegExp(`^9080\\s+reviews\\.${NS}\\.svc\\.cluster\\.local:9080\\s+reviews, reviews\\.${NS} \\+ 1 more\\.\\.\\.\\s+/\\*\\s+reviews\\.${NS}$`).test(l)), routes);
    assert.ok(lines.some((l) => new RegExp(`^9080\\s+details\\.${NS}\\.svc\\.cluster\\.local:9080\\s+details, details\\.${NS} \\+ 1 more\\.\\.\\.\\s+/\\*\\s*$`).test(l)), routes);
  });

  it('pc clusters lists the subsets with their DestinationRule; the filters narrow it; -o json is the dump\'s clusters', async () => {
    const out = await w.ok(['pc', 'clusters', `deploy/productpage-v1.${NS}`]);
    assert.match(out.split('\n')[0]!, /^SERVICE FQDN\s{5,}PORT\s{5,}SUBSET\s{5,}DIRECTION\s{5,}TYPE\s{5,}DESTINATION RULE$/);
    for (const subset of ['-', 'v1', 'v2', 'v3']) {
      assert.match(out, new RegExp(`^reviews\\.${NS}\\.svc\\.cluster\\.local\\s+9080\\s+${subset}\\s+outbound\\s+EDS\\s+reviews\\.${NS}$`, 'm'));
    }
    assert.match(out, /^\s+9080\s+-\s+inbound\s+ORIGINAL_DST\s*$/m);
    const v1 = await w.ok(['-n', NS, 'proxy-config', 'cluster', 'deploy/productpage-v1', '--fqdn', 'reviews', '--subset', 'v1']);
    assert.equal(v1.trimEnd().split('\n').length, 2, v1);
    const json = JSON.parse(await w.ok(['-n', NS, 'pc', 'clusters', 'deploy/productpage-v1', '--fqdn', `reviews.${NS}`, '--direction', 'outbound', '-o', 'json'])) as Array<{ name: string; destinationRule?: string }>;
    assert.deepEqual(json.map((c) => c.name).sort(), ['', 'v1', 'v2', 'v3'].map((s) => `outbound|9080|${s}|reviews.${NS}.svc.cluster.local`).sort());
    assert.ok(json.every((c) => c.destinationRule === `reviews.${NS}`));
  });

  it('pc endpoints shows the reviews v1 pod HEALTHY in the v1 cluster', async () => {
    const ip = (await w.ok(['-n', NS, 'get', 'pods', '-l', 'app=reviews,version=v1', '-o', 'jsonpath={.items[0].status.podIP}'])).trim();
    const out = await w.ok(['-n', NS, 'pc', 'endpoints', 'deploy/productpage-v1', '--cluster', `outbound|9080|v1|reviews.${NS}.svc.cluster.local`]);
    assert.equal(
      out.replace(/ +/g, ' '),
      `ENDPOINT STATUS OUTLIER CHECK CLUSTER\n${ip}:9080 HEALTHY OK outbound|9080|v1|reviews.${NS}.svc.cluster.local\n`,
    );
  });

  it('pc listeners shows the capture ports and the inbound port', async () => {
    const out = await w.ok(['-n', NS, 'pc', 'listeners', 'deploy/productpage-v1', '--port', '15006']);
    assert.match(out, /^ADDRESSES +PORT +MATCH +DESTINATION$/m);
    assert.match(out, /^0\.0\.0\.0 +15006 +Trans: raw_buffer; App: http\/1\.1,h2c; Addr: \*:9080 Cluster: inbound\|9080\|\|$/m);
  });

  it('x describe pod shows the DestinationRule, the matching subset and the VirtualService', async () => {
    const pod = (await w.ok(['-n', NS, 'get', 'pods', '-l', 'app=reviews,version=v1', '-o', 'jsonpath={.items[0].metadata.name}'])).trim();
    const out = await w.ok(['-n', NS, 'x', 'describe', 'pod', pod]);
    assert.equal(
      out,
      [
        `Pod: ${pod}`,
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
        '   1 HTTP route(s)',
        '--------------------',
        'Effective PeerAuthentication:',
        '   Workload mTLS mode: PERMISSIVE',
        '',
      ].join('\n'),
    );
    const v2 = await w.ok(['experimental', 'describe', 'pod', `deploy/reviews-v2.${NS}`]);
    assert.match(v2, new RegExp(`\\nVirtualService: reviews\\.${NS}\\n {3}WARNING: No destinations match pod subsets \\(checked 1 HTTP routes\\)\\n {6}Route to non-matching subset v1 for \\(everything\\)\\n`));
  });

  it('errors are one line with a non-zero exit: no such pod, a pod without sidecar', async () => {
    const missing = await w.run(['-n', NS, 'pc', 'clusters', 'nope']);
    assert.notEqual(missing.code, 0);
    assert.equal(missing.stderr.trim().split('\n').length, 1, missing.stderr);
    assert.match(missing.stderr, /nope/);
    const istiod = await w.run(['pc', 'routes', 'deploy/istiod.istio-system']);
    assert.notEqual(istiod.code, 0);
    assert.match(istiod.stderr, /^error: istiod-[a-z0-9-]+\.istio-system is not part of mesh; no Istio sidecar\n$/);
    const describeIstiod = await w.ok(['x', 'describe', 'pod', 'deploy/istiod.istio-system']);
    assert.match(describeIstiod, /\nWARNING: istiod-[a-z0-9-]+\.istio-system is not part of mesh; no Istio sidecar\n$/);
  });
});
