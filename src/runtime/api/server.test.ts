import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startApiRuntime, type Answer, type ApiRuntime } from '../../../test/support/api-runtime.js';
import { RandomJson } from '../../../test/support/random-json.js';
import { MAX_MANIFEST_REQUEST_BYTES, MAX_REQUEST_BYTES } from './protocol.js';
import { routes } from './server.js';

let api: ApiRuntime;

before(async () => {
  api = await startApiRuntime();
});

after(async () => {
  await api.stop();
});

/** An error answer: JSON with a message and a stable code, never an internal error. */
function assertHandled(a: Answer, what: string): void {
  assert.notEqual(a.status, 500, `${what} -> ${a.body.slice(0, 300)}`);
  assert.ok(a.status < 500, `${what} -> ${a.status}`);
  if (a.status >= 400) {
    let e: { error?: unknown; code?: unknown } = {};
    assert.doesNotThrow(() => (e = JSON.parse(a.body) as typeof e), `${what} -> ${a.status} ${a.contentType} ${a.body.slice(0, 200)}`);
    assert.equal(typeof e.error, 'string', what);
    assert.match(String(e.code), /^WEFT_ERR_[A-Z_]+$/, what);
  }
}

const post = (path: string, body: unknown): Promise<Answer> => api.call('POST', path, JSON.stringify(body));

describe('wrong-shaped API bodies answer 500 (issue 7 defect 6)', () => {
  test('the body of the issue is a 400 naming what is wrong', async () => {
    const a = await post('/v1/label', { kind: 'pods' });
    assert.equal(a.status, 400);
    assert.deepEqual(JSON.parse(a.body), {
      error: 'invalid request body: names: expected array, received undefined; field: expected one of "labels"|"annotations"',
      code: 'WEFT_ERR_BAD_REQUEST',
    });
  });

  test('unknown fields, wrong types and unknown query parameters are named', async () => {
    const a = await post('/v1/scale', { namespace: 'default', names: ['web'], replicas: -1, bogus: 1 });
    assert.equal(a.status, 400);
    assert.match(JSON.parse(a.body).error, /^invalid request body: replicas: replicas must be a non-negative integer; unknown field "bogus"$/);
    const q = await api.call('GET', '/v1/list?kind=pods&colour=blue');
    assert.equal(q.status, 400);
    assert.equal(JSON.parse(q.body).error, 'invalid query: unknown field "colour"');
    const missing = await api.call('GET', '/v1/get?kind=pods');
    assert.equal(JSON.parse(missing.body).error, 'invalid query: name: expected string, received undefined');
  });

  test('a body over the limit is refused as Kubernetes refuses it, and manifests may be larger', async () => {
    const big = await post('/v1/label', { kind: 'ns', names: ['default'], field: 'labels', set: { a: 'x'.repeat(MAX_REQUEST_BYTES) } });
    assert.equal(big.status, 413);
    assert.deepEqual(JSON.parse(big.body), { error: `Request entity too large: limit is ${MAX_REQUEST_BYTES}`, code: 'WEFT_ERR_REQUEST_TOO_LARGE' });
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  k: "${'x'.repeat(MAX_REQUEST_BYTES)}"\n`;
    const manifest = await post('/v1/apply', { sources: [{ name: 'big.yaml', text }], namespace: 'default' });
    assert.equal(manifest.status, 422);
    assert.match(JSON.parse(manifest.body).issues[0], /^big\.yaml:6 document 1 \(ConfigMap big\): data\.k: Too long: the object must have at most 1572864 bytes/);
    const tooMany = await post('/v1/apply', { sources: [{ name: 'x.yaml', text: 'x'.repeat(MAX_MANIFEST_REQUEST_BYTES) }], namespace: 'default' });
    assert.equal(tooMany.status, 413);
  });

  test("apply answers Istio's warnings beside its lines, and none when there are none", async () => {
    const dr = 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: warned\nspec:\n  host: r\n  trafficPolicy:\n    loadBalancer:\n      consistentHash:\n        useSourceIp: true\n        minimumRingSize: 64\n';
    const a = await post('/v1/apply', { sources: [{ name: 'dr.yaml', text: dr }], namespace: 'default', dryRun: true });
    assert.equal(a.status, 200, a.body);
    assert.deepEqual(JSON.parse(a.body), {
      lines: ['destinationrule.networking.istio.io/warned created (dry run)'],
      warnings: ["consistent hash MinimumRingSize is deprecated, use ConsistentHashLB's RingHash configuration instead"],
    });
    const plain = await post('/v1/apply', { sources: [{ name: 'c.yaml', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: quiet\n' }], namespace: 'default', dryRun: true });
    assert.deepEqual(JSON.parse(plain.body), { lines: ['configmap/quiet created (dry run)'] });
  });

  test('an alias bomb is a 422 naming file and document', async () => {
    const bomb = 'a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n';
    const a = await post('/v1/apply', { sources: [{ name: 'bomb.yaml', text: bomb }], namespace: 'default' });
    assert.equal(a.status, 422);
    assert.deepEqual(JSON.parse(a.body), {
      error: 'error validating data',
      code: 'WEFT_ERR_INVALID_CONFIG',
      issues: ['bomb.yaml:1 document 1: too many alias expansions: aliases may repeat their anchors at most 100 times in all'],
    });
  });

  test('random bodies and queries sent to every endpoint never get a 500, and the runtime still answers', async () => {
    const keys = Object.keys(routes);
    // The table is the server's own: a new endpoint is fuzzed without touching this test.
    assert.ok(keys.length >= 14, keys.join(', '));
    const fuzz = new RandomJson(20240607, 256 * 1024);
    let sent = 0;
    for (const key of keys) {
      const [method, path] = key.split(' ') as [string, string];
      const route = routes[key]!;
      for (let i = 0; i < 120; i++) {
        const query = route.body && !fuzz.chance(0.1) ? '' : fuzz.query(route.query);
        const body = method === 'POST' ? fuzz.body(route.body) : undefined;
        const a = await api.call(method, `${path}${query}`, body);
        assertHandled(a, `${key}${query.slice(0, 200)} ${String(body).slice(0, 200)}`);
        sent++;
      }
    }
    assert.equal(sent, keys.length * 120);
    const info = await api.call('GET', '/v1/info');
    assert.equal(info.status, 200);
    const list = await api.call('GET', '/v1/list?kind=Namespace');
    assert.equal(list.status, 200);
    assert.ok((JSON.parse(list.body) as { items: Array<{ metadata: { name: string } }> }).items.some((n) => n.metadata.name === 'default'));
  });
});

describe('label and annotate skip validation (issue 7 defect 5)', () => {
  test('numbers, objects and deep values for labels are refused before anything is stored', async () => {
    const version = api.runtime.store.resourceVersion;
    let deep: unknown = 'x';
    for (let i = 0; i < 1000; i++) deep = { a: deep };
    for (const value of [5, { nested: 'x' }, deep, null, ['x']]) {
      const a = await post('/v1/label', { kind: 'ns', names: ['default'], field: 'labels', set: { app: value } });
      assert.equal(a.status, 400, JSON.stringify(value).slice(0, 50));
      assert.match(JSON.parse(a.body).error, /^invalid request body: set\.app: expected string, received /);
    }
    assert.equal(api.runtime.store.resourceVersion, version);
  });

  test('an invalid key through the API is a 422 with the same issue apply gives', async () => {
    const a = await post('/v1/label', { kind: 'ns', names: ['default'], field: 'labels', set: { 'Bad Key!': 'x' } });
    assert.equal(a.status, 422);
    const body = JSON.parse(a.body) as { code: string; issues: string[] };
    assert.equal(body.code, 'WEFT_ERR_INVALID_CONFIG');
    assert.match(body.issues[0]!, /^Namespace default: metadata\.labels: Invalid value: "Bad Key!": name part must consist of alphanumeric characters/);
  });
});
