import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { specIssues, type SpecIssue } from './spec-issues.js';
import { virtualServiceKind, virtualServiceSpec } from './virtual-service.js';

const issues = (yaml: string): SpecIssue[] => specIssues(virtualServiceKind, parse(yaml));
const paths = (list: SpecIssue[]): string[] => list.map((i) => i.path);

test('workshop mirror route validates', () => {
  assert.deepEqual(
    issues(`
hosts:
- "service-c.istioinaction.svc.cluster.local"
gateways:
- mesh
http:
- route:
  - destination:
      host: service-c
      subset: version-v1
  mirror:
    host: service-c
    subset: version-v2
  mirrorPercentage:
    value: 100.0
`),
    [],
  );
});

test('Bookinfo gateway routes with exact and prefix uri matches and a port number', () => {
  const yaml = `
hosts: ["*"]
gateways: [bookinfo-gateway]
http:
- match:
  - uri: {exact: /productpage}
  - uri: {prefix: /static}
  - uri: {exact: /login}
  - uri: {exact: /logout}
  - uri: {prefix: /api/v1/products}
  route:
  - destination:
      host: productpage
      port:
        number: 9080
`;
  assert.deepEqual(issues(yaml), []);
  const spec = virtualServiceSpec.parse(parse(yaml));
  assert.equal(spec.http?.[0]?.route?.[0]?.destination.port?.number, 9080);
  assert.equal(spec.http?.[0]?.match?.[1]?.uri?.prefix, '/static');
});

test('Bookinfo fault injection: delay and abort for end-user jason', () => {
  assert.deepEqual(
    issues(`
hosts: [ratings]
http:
- match:
  - headers:
      end-user:
        exact: jason
  fault:
    delay:
      percentage:
        value: 100.0
      fixedDelay: 7s
  route:
  - destination: {host: ratings, subset: v1}
- route:
  - destination: {host: ratings, subset: v1}
`),
    [],
  );
  assert.deepEqual(
    issues(`
hosts: [ratings]
http:
- match:
  - headers:
      end-user: {exact: jason}
  fault:
    abort:
      percentage: {value: 100.0}
      httpStatus: 500
  route:
  - destination: {host: ratings, subset: v1}
`),
    [],
  );
});

test('retries, timeout and a 50/50 split validate', () => {
  assert.deepEqual(
    issues(`
hosts: [reviews]
http:
- route:
  - destination: {host: reviews, subset: v1}
    weight: 50
  - destination: {host: reviews, subset: v3}
    weight: 50
  timeout: 10s
  retries:
    attempts: 3
    perTryTimeout: 2s
    retryOn: gateway-error,connect-failure,refused-stream,503
`),
    [],
  );
});

test('the rest of HTTPRoute: redirect, rewrite, cors, headers, mirrors, tls and tcp routes', () => {
  assert.deepEqual(
    issues(`
hosts: [api.example.com]
gateways: [mesh, istio-system/public]
exportTo: ["."]
http:
- name: old
  match:
  - uri: {prefix: /v1}
    ignoreUriCase: true
    method: {exact: GET}
    queryParams: {debug: {}}
    withoutHeaders: {x-internal: {}}
    sourceLabels: {app: web}
    sourceNamespace: web
    port: 8080
    statPrefix: old_api
  redirect: {uri: /v2, redirectCode: 301, derivePort: FROM_REQUEST_PORT}
- match:
  - uri: {regex: '^/v2/[0-9]+$'}
  rewrite:
    uriRegexRewrite: {match: '^/v2/(.*)$', rewrite: '/\\1'}
  corsPolicy:
    allowOrigins: [{exact: https://example.com}]
    allowOrigin: [https://old.example.com]
    allowMethods: [GET, POST]
    maxAge: 24h
    allowCredentials: true
    unmatchedPreflights: IGNORE
  headers:
    request: {set: {x-a: "1"}, remove: [x-b]}
    response: {add: {x-c: "2"}}
  mirrors:
  - destination: {host: shadow}
    percentage: {value: 5}
  mirrorPercent: 10
  route:
  - destination: {host: api}
    headers: {response: {set: {x-route: api}}}
- directResponse: {status: 503, body: {string: "down"}}
tls:
- match:
  - sniHosts: [api.example.com]
    port: 443
  route:
  - destination: {host: api, port: {number: 443}}
tcp:
- match:
  - port: 5432
    destinationSubnets: [10.0.0.0/8]
  route:
  - destination: {host: db}
`),
    [],
  );
});

test('a misspelt field is an error naming the field', () => {
  const list = issues(`
hosts: [reviews]
http:
- route:
  - destination:
      hots: reviews
`);
  assert.ok(paths(list).includes('spec.http[0].route[0].destination.hots'), JSON.stringify(list));
  assert.ok(paths(list).includes('spec.http[0].route[0].destination.host'), JSON.stringify(list));
});

test('weights of several destinations must add up to 100', () => {
  const list = issues(`
hosts: [reviews]
http:
- route:
  - destination: {host: reviews, subset: v1}
    weight: 50
  - destination: {host: reviews, subset: v2}
    weight: 40
`);
  assert.deepEqual(list, [{ path: 'spec.http[0].route', message: 'total destination weight 90 != 100' }]);
  assert.deepEqual(paths(issues(`
hosts: [reviews]
tcp:
- route:
  - destination: {host: a}
  - destination: {host: b}
`)), ['spec.tcp[0].route']);
  assert.deepEqual(paths(issues('{hosts: [r], http: [{route: [{destination: {host: r}, weight: 101}]}]}')), ['spec.http[0].route[0].weight']);
});

test('a StringMatch with two fields is rejected at the match', () => {
  const list = issues(`
hosts: [reviews]
http:
- match:
  - uri: {exact: /a, prefix: /b}
  route:
  - destination: {host: reviews}
`);
  assert.deepEqual(paths(list), ['spec.http[0].match[0].uri']);
  assert.match(list[0]!.message, /only one of exact, prefix or regex/);
});

test('a duration without a unit is rejected', () => {
  const list = issues(`
hosts: [reviews]
http:
- route:
  - destination: {host: reviews}
  timeout: 10 seconds
`);
  assert.deepEqual(paths(list), ['spec.http[0].timeout']);
  assert.match(list[0]!.message, /invalid duration/);
  assert.deepEqual(paths(issues('{hosts: [r], http: [{route: [{destination: {host: r}}], fault: {delay: {fixedDelay: 1d}}}]}')), ['spec.http[0].fault.delay.fixedDelay']);
});

test('mirrorPercentage above 100 is rejected', () => {
  const list = issues(`
hosts: [c]
http:
- route: [{destination: {host: c, subset: v1}}]
  mirror: {host: c, subset: v2}
  mirrorPercentage: {value: 150}
`);
  assert.deepEqual(paths(list), ['spec.http[0].mirrorPercentage.value']);
});

test('cross-field rules: route or redirect, mesh wildcard, retryOn, abort status', () => {
  assert.deepEqual(paths(issues('{hosts: [r], http: [{timeout: 1s}]}')), ['spec.http[0]']);
  assert.deepEqual(paths(issues('{hosts: [r], http: [{redirect: {uri: /x}, route: [{destination: {host: r}}]}]}')), ['spec.http[0]']);
  assert.deepEqual(paths(issues('{hosts: ["*"], http: [{route: [{destination: {host: r}}]}]}')), ['spec.hosts[0]']);
  assert.deepEqual(paths(issues('{hosts: [r]}')), ['spec']);
  assert.deepEqual(paths(issues('{hosts: [r], http: [{route: [{destination: {host: r}}], retries: {attempts: 2, retryOn: 5xxx}}]}')), ['spec.http[0].retries.retryOn']);
  assert.deepEqual(paths(issues('{hosts: [r], http: [{route: [{destination: {host: r}}], fault: {abort: {httpStatus: 700}}}]}')), ['spec.http[0].fault.abort.httpStatus']);
  assert.deepEqual(paths(issues('{hosts: [r], http: [{route: [{destination: {host: r}}], fault: {abort: {httpStatus: 500, grpcStatus: UNAVAILABLE}}}]}')), ['spec.http[0].fault.abort']);
});

test('header presence matches and delegates are accepted', () => {
  assert.deepEqual(issues('{hosts: [r], http: [{match: [{headers: {x-canary: {}}}], route: [{destination: {host: r}}]}]}'), []);
  assert.deepEqual(issues('{hosts: [r], gateways: [gw], http: [{match: [{uri: {prefix: /p}}], delegate: {name: p, namespace: ns}}]}'), []);
  // a delegate target has no hosts
  assert.deepEqual(issues('{http: [{route: [{destination: {host: p}}]}]}'), []);
});
