// The second workshop (seeds/001), its deploy and routing steps with `weft` in place of `kubectl` and
// `istioctl`, on Istio 1.0.4's own bookinfo.yaml: namespace and injection label, kube-inject, the
// mTLS resources through `create -f -`, Bookinfo, the VirtualService and Gateway through `apply -f -`,
// and the product page through the ingress gateway with real curl.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { WeftSandbox, repoRoot } from '../support/weft-cli.js';
import { BookinfoClient, starColor, type Page } from '../support/bookinfo-client.js';

const bookinfo = join(repoRoot, '..', 'shared', 'seeds', 'istio-samples', 'istio-1.0.4', 'samples', 'bookinfo', 'platform', 'kube', 'bookinfo.yaml');

describe('workshop: bookinfo (istio 1.0.4 manifests)', { skip: !existsSync(bookinfo) && 'the shared Istio samples are not beside the repo' }, () => {
  const w = new WeftSandbox('weft-bookinfo-');
  let gateway = '';

  before(async () => {
    await w.ok(['up']);
    await w.ok(['install', '-y', '--set', 'profile=demo'], { timeoutMs: 90_000 });
  });

  after(async () => {
    await w.cleanup();
  });

  it('creates the namespace and labels it for injection', async () => {
    assert.equal(await w.ok(['create', 'namespace', 'istio-app']), 'namespace/istio-app created\n');
    assert.equal(await w.ok(['label', 'namespace', 'istio-app', 'istio-injection=enabled']), 'namespace/istio-app labeled\n');
  });

  it('kube-injects bookinfo.yaml into manifests that apply', async () => {
    const injected = await w.ok(['kube-inject', '-f', bookinfo]);
    assert.equal((injected.match(/name: istio-proxy/g) ?? []).length, 6);
    const dry = await w.ok(['apply', '-n', 'istio-app', '--dry-run=server', '-f', '-'], { input: injected });
    assert.match(dry, /deployment\.apps\/productpage-v1 created \(server dry run\)/);
  });

  it('creates the mutual TLS policy and destination rule as istioctl create did', async () => {
    const policy = `apiVersion: authentication.istio.io/v1alpha1
kind: Policy
metadata:
  name: default
  namespace: istio-app
spec:
  peers:
  - mtls:
`;
    assert.match(await w.ok(['create', '-f', '-'], { input: policy }), /^policy\.authentication\.istio\.io\/default created\n$/);
    const dr = `apiVersion: networking.istio.io/v1alpha3
kind: DestinationRule
metadata:
  name: default
  namespace: istio-app
spec:
  host: "*"
  trafficPolicy:
    tls:
      mode: ISTIO_MUTUAL
`;
    assert.match(await w.ok(['create', '-f', '-'], { input: dr }), /^destinationrule\.networking\.istio\.io\/default created\n$/);
  });

  it('deploys bookinfo: four services and six pods, each 2/2', async () => {
    await w.ok(['create', '-n', 'istio-app', '-f', bookinfo]);
    const svc = (await w.ok(['get', 'services', '-n', 'istio-app'])).trim().split('\n');
    assert.match(svc[0]!, /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/);
    assert.deepEqual(svc.slice(1).map((l) => l.split(/\s+/)[0]), ['details', 'productpage', 'ratings', 'reviews']);
    for (const l of svc.slice(1)) assert.match(l, /\s+ClusterIP\s+127\.\d+\.\d+\.\d+\s+<none>\s+9080\/TCP\s+\d+s$/);
    await w.ok(['-n', 'istio-app', 'wait', 'po', '--for', 'condition=Ready', '--all', '--timeout=120s'], { timeoutMs: 130_000 });
    const pods = (await w.ok(['get', 'pods', '-n', 'istio-app'])).trim().split('\n');
    assert.equal(pods.length, 7, pods.join('\n'));
    for (const [i, app] of ['details-v1', 'productpage-v1', 'ratings-v1', 'reviews-v1', 'reviews-v2', 'reviews-v3'].entries()) {
      assert.match(pods[i + 1]!, new RegExp(`^${app}-[a-z0-9]{8,10}-[a-z0-9]{5}\\s+2/2\\s+Running\\s+0\\s+\\d+s$`));
    }
  });

  it('routes the product page through the ingress gateway: curl prints 200', async () => {
    const vs = `apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata:
  name: bookinfo
  namespace: istio-app
spec:
  gateways:
  - bookinfo-gateway
  hosts:
  - '*'
  http:
  - match:
    - uri:
        exact: /productpage
    - uri:
        exact: /login
    - uri:
        exact: /logout
    - uri:
        prefix: /api/v1/products
    route:
    - destination:
        host: productpage
        port:
          number: 9080
`;
    assert.equal(await w.ok(['apply', '-f', '-'], { input: vs }), 'virtualservice.networking.istio.io/bookinfo created\n');
    const gw = `apiVersion: networking.istio.io/v1alpha3
kind: Gateway
metadata:
  name: bookinfo-gateway
  namespace: istio-app
spec:
  selector:
    istio: ingressgateway # use istio default controller
  servers:
  - port:
      number: 80
      name: http
      protocol: HTTP
    hosts:
    - "*"
`;
    assert.equal(await w.ok(['apply', '-f', '-'], { input: gw }), 'gateway.networking.istio.io/bookinfo-gateway created\n');
    gateway = (await w.ok(['-n', 'istio-system', 'get', 'service', 'istio-ingressgateway', '-o', "jsonpath={.status.loadBalancer.ingress[0].ip}"])).trim();
    assert.match(gateway, /^127\.\d+\.\d+\.\d+(:\d+)?$/);
    const curl = async (url: string): Promise<string> => {
      let code = '';
      for (let i = 0; i < 100 && code !== '200'; i++) {
        code = spawnSync('curl', ['-o', '/dev/null', '-s', '-w', '%{http_code}\n', url], { encoding: 'utf8' }).stdout.trim();
        if (code !== '200') await new Promise((r) => setTimeout(r, 100));
      }
      return code;
    };
    assert.equal(await curl(`http://${gateway}/productpage`), '200');
    // The Minikube way: the node's address and the gateway's node port (the node's address is the
    // gateway pod's hostIP, as Istio's ingress task finds it without a load balancer).
    const ingressPort = (await w.ok(['-n', 'istio-system', 'get', 'service', 'istio-ingressgateway', '-o', 'jsonpath={.spec.ports[?(@.name=="http2")].nodePort}'])).trim();
    assert.match(ingressPort, /^3\d{4}$/);
    const ingressHost = (await w.ok(['get', 'po', '-l', 'istio=ingressgateway', '-n', 'istio-system', '-o', 'jsonpath={.items[0].status.hostIP}'])).trim();
    assert.match(ingressHost, /^127\.\d+\.0\.1$/);
    assert.equal(await curl(`http://${ingressHost}:${ingressPort}/productpage`), '200');
  });

  it('shows all three reviews versions over 30 requests: no stars, black and red', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const page = await get(`/productpage`);
      assert.equal(page.status, 200);
      assert.match(page.body, /The Comedy of Errors/);
      seen.add(starColor(page.body));
    }
    assert.deepEqual([...seen].sort(), ['black', 'none', 'red']);
  });

  it('passes the signed-in user on to reviews as end-user', async () => {
    const login = await get('/login', 'POST', 'username=jason&passwd=jason');
    assert.equal(login.status, 302);
    const cookie = String(login.headers['set-cookie']?.[0] ?? '').split(';')[0]!;
    assert.ok(cookie, 'no session cookie');
    for (let i = 0; i < 6; i++) {
      const page = await get('/productpage', 'GET', undefined, cookie);
      assert.match(page.body, /jason/);
    }
    let logs = '';
    for (const v of ['v1', 'v2', 'v3']) logs += await w.ok(['logs', '-n', 'istio-app', `deploy/reviews-${v}`, '-c', 'reviews']);
    assert.match(logs, /GET \/reviews\/0" 200 .* end-user=jason/);
  });

  function get(path: string, method = 'GET', form?: string, cookie?: string): Promise<Page> {
    return new BookinfoClient(gateway).get(path, method, form, cookie);
  }
});
