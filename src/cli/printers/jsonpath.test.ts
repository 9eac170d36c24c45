import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileJsonPathTemplate, JsonPathError } from './jsonpath.js';

const render = (template: string, data: unknown, options?: Parameters<typeof compileJsonPathTemplate>[1]) =>
  compileJsonPathTemplate(template, options)(data);

const gateway = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: {
    name: 'istio-ingressgateway',
    annotations: { 'kubectl.kubernetes.io/restartedAt': '2024-05-01T10:00:00Z' },
    labels: { app: 'istio-ingressgateway' },
  },
  spec: {
    type: 'LoadBalancer',
    ports: [
      { name: 'status-port', port: 15021, nodePort: 30021 },
      { name: 'http2', port: 80, nodePort: 31380 },
      { name: 'https', port: 443, nodePort: 31390 },
    ],
  },
  status: { loadBalancer: { ingress: [{ ip: '127.1.0.10' }] } },
};

const list = {
  apiVersion: 'v1',
  kind: 'List',
  items: [
    { metadata: { name: 'service-a' }, status: { capacity: { cpu: '4' } } },
    { metadata: { name: 'service-b' }, status: { capacity: { cpu: '8' } } },
  ],
  metadata: { resourceVersion: '' },
};

test('workshop: the ingress gateway address', () => {
  assert.equal(render('{.status.loadBalancer.ingress[*].ip}', gateway), '127.1.0.10');
  assert.equal(render('{.status.loadBalancer.ingress[0].ip}', gateway), '127.1.0.10');
});

test('workshop: a node port picked by port name', () => {
  assert.equal(render('{.spec.ports[?(@.name=="http2")].nodePort}', gateway), '31380');
  assert.equal(render("{.spec.ports[?(@.name=='https')].port}", gateway), '443');
  assert.equal(render('{.spec.ports[?(@.port>=443)].name}', gateway), 'status-port https');
  assert.equal(render('{.spec.ports[?(@.name=="grpc")].nodePort}', gateway), '');
});

test('plain text, nested fields and text around actions', () => {
  assert.equal(render('hello', gateway), 'hello');
  assert.equal(render('{.metadata.name}', gateway), 'istio-ingressgateway');
  assert.equal(render('kind is {.kind}!', list), 'kind is List!');
  assert.equal(render('{$.kind}/{@.kind}', list), 'List/List');
});

test('without braces the template is plain text, as in kubectl', () => {
  assert.equal(render('.metadata.name', gateway), '.metadata.name');
});

test('several results are joined by one space', () => {
  assert.equal(render('{.items[*].metadata.name}', list), 'service-a service-b');
  assert.equal(render('{..name}', list), 'service-a service-b');
});

test('indices and slices', () => {
  assert.equal(render('{.items[0].metadata.name}', list), 'service-a');
  assert.equal(render('{.items[-1].metadata.name}', list), 'service-b');
  assert.equal(render('{.items[0:1].metadata.name}', list), 'service-a');
  assert.equal(render('{.items[1:].metadata.name}', list), 'service-b');
  assert.equal(render('{.items[0:2:2].metadata.name}', list), 'service-a');
  assert.equal(render('{.spec.ports[0,2].name}', gateway), 'status-port https');
});

test('objects and arrays print as compact JSON with sorted keys, strings raw', () => {
  assert.equal(render('{.items[0]}', list), '{"metadata":{"name":"service-a"},"status":{"capacity":{"cpu":"4"}}}');
  assert.equal(render('{.metadata.labels}', gateway), '{"app":"istio-ingressgateway"}');
  assert.equal(render('{.status.loadBalancer.ingress}', gateway), '[{"ip":"127.1.0.10"}]');
  assert.equal(render('{.spec.ports[1].port}', gateway), '80');
  assert.equal(render('{.a}', { a: '<b>' }), '<b>');
  assert.equal(render('{.a}', { a: { b: '<&>' } }), '{"b":"\\u003c\\u0026\\u003e"}');
  assert.equal(render('{.a} {.b} {.c}', { a: true, b: 1.5, c: null }), 'true 1.5 <nil>');
});

test('keys with dots: escaped, or quoted with escapes', () => {
  assert.equal(render('{.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}', gateway), '2024-05-01T10:00:00Z');
  assert.equal(render("{.metadata.annotations['kubectl\\.kubernetes\\.io/restartedAt']}", gateway), '2024-05-01T10:00:00Z');
  // As in kubectl, an unescaped dot inside quotes still separates fields.
  assert.equal(render("{.items[*]['metadata.name']}", list), 'service-a service-b');
  assert.equal(render("{['kind']}", list), 'List');
});

test('range/end iterates with each element as the current object', () => {
  assert.equal(render('{range .items[*]}{.metadata.name}{"\\t"}{end}', list), 'service-a\tservice-b\t');
  assert.equal(
    render('{range .items[*]}[{.metadata.name}, {.status.capacity}] {end}', list),
    '[service-a, {"cpu":"4"}] [service-b, {"cpu":"8"}] ',
  );
  assert.equal(render('{range .items[*]}{.metadata.name}{"\\n"}{end}total', list), 'service-a\nservice-b\ntotal');
  assert.equal(render('{range .nothing[*]}x{end}done', list), 'done');
});

test('nested ranges', () => {
  const data = { items: [{ n: 'a', ports: [1, 2] }, { n: 'b', ports: [3] }] };
  assert.equal(render('{range .items[*]}{.n}:{range .ports[*]}{@},{end};{end}', data), 'a:1,2,;b:3,;');
});

test('string literals unquote Go escapes', () => {
  assert.equal(render('{"\\n"}{"a\\tb"}{\'c\'}', {}), '\na\tbc');
  assert.equal(render('{"{"}{.k}{"}"}', { k: 'v' }), '{v}');
});

test('missing keys print nothing by default, as kubectl --allow-missing-template-keys=true', () => {
  assert.equal(render('{.foo}', gateway), '');
  assert.equal(render('{.status.loadBalancer.ingress[0].ip}', { status: { loadBalancer: {} } }), '');
});

test('missing keys are an error when not allowed', () => {
  const strict = { allowMissingKeys: false };
  assert.throws(() => render('{.foo}', gateway, strict), (err: unknown) => {
    assert.ok(err instanceof JsonPathError);
    assert.equal(err.message, 'error executing jsonpath "{.foo}": foo is not found');
    return true;
  });
  // Under [*] a key missing from some elements is not an error; missing from all is.
  const mixed = { items: [{ a: 1 }, { b: 2 }] };
  assert.equal(render('{.items[*].a}', mixed, strict), '1');
  assert.throws(() => render('{.items[*].c}', mixed, strict), /c is not found/);
  // Nothing to look in is not an error either.
  assert.equal(render('{.items[*].a}', { items: [] }, strict), '');
});

test('out-of-range indices are an error even when missing keys are allowed', () => {
  assert.throws(() => render('{.items[5]}', list), /error executing jsonpath "\{\.items\[5\]\}": array index out of bounds: index 5, length 2/);
  assert.throws(() => render('{.items[0].metadata.name}', { items: [] }), /index 0, length 0/);
  assert.equal(render('{.items[0:0]}', { items: [] }), '', 'zero-length slices are fine');
});

test('parse errors name the template', () => {
  assert.throws(() => render('{.kind', list), /^JsonPathError: error parsing jsonpath \{\.kind, unclosed action$/);
  assert.throws(() => render('{.items[x]}', list), /invalid array index x/);
  assert.throws(() => render('{end}', list), /not in range, nothing to end/);
});

test('jsonpath-as-json prints each result group as an indented array', () => {
  assert.equal(render('{.items[*].metadata.name}', list, { asJson: true }), '[\n    "service-a",\n    "service-b"\n]\n');
});
