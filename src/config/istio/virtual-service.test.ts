import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { specIssues, specWarnings, type SpecIssue } from './spec-issues.js';
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

test('weights: Istio scales them, refusing only a negative weight or a total of 0', () => {
  const list = issues(`
hosts: [reviews]
http:
- route:
  - destination: {host: reviews, subset: v1}
    weight: 50
  - destination: {host: reviews, subset: v2}
    weight: 40
`);
  assert.deepEqual(list, []);
  assert.deepEqual(issues('{hosts: [r], http: [{route: [{destination: {host: r}, weight: -1}]}]}'), [{ path: 'spec.http[0].route[0].weight', message: 'weight -1 < 0' }]);
  assert.deepEqual(paths(issues(`
hosts: [reviews]
tcp:
- route:
  - destination: {host: a}
  - destination: {host: b}
`)), ['spec.tcp[0].route']);
  assert.deepEqual(issues('{hosts: [r], tcp: [{route: [{destination: {host: a}}, {destination: {host: b}}]}]}'), [{ path: 'spec.tcp[0].route', message: 'total destination weight = 0' }]);
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
  assert.deepEqual(list, [{ path: 'spec.http[0].mirrorPercentage', message: 'mirror_percentage must have a max value of 100 (it has 150.000000)' }]);
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

const msgs = (yaml: string): string[] => specIssues(virtualServiceKind, parse(yaml)).map((i) => `${i.path}: ${i.message}`);
const warns = (yaml: string): string[] => specWarnings(virtualServiceKind, parse(yaml)).map((i) => `${i.path}: ${i.message}`);
const route = 'route: [{destination: {host: r}}]';

test('Istio: hosts, delegates and gateways', () => {
  // no hosts: a delegate, which Istio accepts unless it names gateways, tls or tcp
  assert.deepEqual(msgs(`{http: [{${route}}]}`), []);
  assert.deepEqual(msgs(`{gateways: [gw], http: [{${route}}]}`), ['spec.gateways: delegate virtual service must have no gateways specified']);
  assert.deepEqual(msgs('{tcp: [{route: [{destination: {host: r}}]}]}'), ['spec.tcp: delegate virtual service must have no tcp route specified']);
  assert.deepEqual(msgs(`{hosts: ["*"], http: [{${route}}]}`), ['spec.hosts[0]: wildcard host * is not allowed for virtual services bound to the mesh gateway']);
  assert.deepEqual(msgs(`{hosts: ["*"], gateways: [gw], http: [{${route}}]}`), []);
  assert.deepEqual(msgs(`{hosts: ["*.foo.com", "bar.foo.com"], http: [{${route}}]}`), ['spec.hosts[1]: duplicate hosts in virtual service: *.foo.com & bar.foo.com']);
  assert.deepEqual(msgs(`{hosts: ["foo_bar"], http: [{${route}}]}`), ['spec.hosts[0]: domain name "foo_bar" invalid (label "foo_bar" invalid)']);
  assert.deepEqual(msgs(`{hosts: ["10.0.0.1"], http: [{${route}}]}`), []);
  assert.deepEqual(msgs(`{hosts: [r], gateways: ["ns/"], http: [{${route}}]}`), [
    'spec.gateways[0]: config namespace and gateway name cannot be empty',
    'spec.gateways[0]: invalid value for gateway name: ""',
  ]);
  assert.deepEqual(warns(`{hosts: [r], gateways: [gw.istio-system.svc.cluster.local], http: [{${route}}]}`), [
    'spec.gateways[0]: using legacy gatewayName format "gw.istio-system.svc.cluster.local"; prefer the <namespace>/<name> format: "istio-system/gw"',
  ]);
  assert.deepEqual(msgs('{hosts: [r]}'), ['spec: http, tcp or tls must be provided in virtual service']);
});

test('Istio: route, redirect, directResponse and delegate exclusivity', () => {
  assert.deepEqual(msgs('{hosts: [r], http: [{timeout: 1s}]}'), ['spec.http[0]: HTTP route, redirect or direct_response is required']);
  assert.deepEqual(msgs(`{hosts: [r], http: [{redirect: {uri: /x}, ${route}}]}`), ['spec.http[0]: HTTP route cannot contain both route and redirect']);
  assert.deepEqual(msgs('{hosts: [r], http: [{redirect: {uri: /x}, rewrite: {uri: /y}}]}'), ['spec.http[0]: HTTP route rule cannot contain both rewrite and redirect']);
  assert.deepEqual(msgs('{hosts: [r], http: [{redirect: {uri: /x}, directResponse: {status: 200}}]}'), ['spec.http[0]: HTTP route rule cannot contain both direct_response and redirect']);
  assert.deepEqual(msgs(`{hosts: [r], http: [{directResponse: {status: 503}, ${route}}]}`), ['spec.http[0]: HTTP route cannot contain both route and direct_response']);
  assert.deepEqual(msgs('{hosts: [r], http: [{directResponse: {status: 503}, fault: {abort: {httpStatus: 500}}}]}'), ['spec.http[0]: HTTP route cannot contain both fault and direct_response']);
  assert.deepEqual(msgs(`{hosts: [r], gateways: [gw], http: [{name: root, delegate: {name: d}, ${route}}]}`), ['spec.http[0]: root HTTP route root must not specify route']);
  assert.deepEqual(msgs(`{http: [{delegate: {name: d}, ${route}}]}`), ['spec.http[0].delegate: delegate HTTP route cannot contain delegate']);
  assert.deepEqual(msgs(`{hosts: [r], http: [{mirror: {host: m}, mirrors: [{destination: {host: m}}], ${route}}]}`), ['spec.http[0]: HTTP route cannot contain both mirror and mirrors']);
});

test('Istio: matches (regex, empty prefix, header names, source namespace, JWT claims)', () => {
  assert.deepEqual(msgs(`{hosts: [r], http: [{match: [{uri: {regex: "a(?=b)"}}], ${route}}]}`), [
    'spec.http[0].match[0].uri: "uri": error parsing regexp: invalid or unsupported Perl syntax: `(?=`; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)',
  ]);
  assert.deepEqual(msgs(`{hosts: [r], http: [{match: [{headers: {x-v: {regex: "(a)\\\\1"}}}], ${route}}]}`), [
    'spec.http[0].match[0].headers.x-v: "headers": error parsing regexp: invalid escape sequence: `\\1`; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)',
  ]);
  assert.deepEqual(msgs(`{hosts: [r], http: [{match: [{uri: {prefix: ""}}], ${route}}]}`), []);
  assert.deepEqual(msgs(`{hosts: [r], http: [{match: [{authority: {prefix: ""}}], ${route}}]}`), ['spec.http[0].match[0].authority: "authority": prefix string match should not be empty']);
  assert.deepEqual(msgs(`{hosts: [r], http: [{match: [{uri: {regex: ""}}], ${route}}]}`), ['spec.http[0].match[0].uri: "uri": regex string match should not be empty']);
  assert.deepEqual(msgs(`{hosts: [r], http: [{match: [{headers: {"bad header": {exact: x}}}], ${route}}]}`), ['spec.http[0].match[0].headers: header name bad header is not a valid header name']);
  assert.deepEqual(msgs(`{hosts: [r], http: [{match: [{withoutHeaders: {x-a: {regex: "*"}}}], ${route}}]}`), []);
  assert.deepEqual(msgs(`{hosts: [r], http: [{match: [{sourceNamespace: "Not_ok"}], ${route}}]}`), ['spec.http[0].match[0].sourceNamespace: sourceNamespace match Not_ok is invalid']);
  assert.deepEqual(msgs(`{hosts: [r], http: [{match: [{headers: {"@request.auth.claims.group": {exact: g}}}], ${route}}]}`), [
    'spec.http[0].match[0]: JWT claim based routing (key: @request.auth.claims.group) is only supported for gateway, found no gateways: []',
  ]);
  assert.deepEqual(msgs(`{hosts: [r], gateways: [gw], http: [{match: [{headers: {"@request.auth.claims.group": {exact: g}}}], ${route}}]}`), []);
});

test('Istio: destinations (host, subset, port)', () => {
  assert.deepEqual(msgs('{hosts: [r], http: [{route: [{destination: {host: "*"}}]}]}'), ['spec.http[0].route[0].destination.host: invalid destination host *']);
  assert.deepEqual(msgs('{hosts: [r], http: [{route: [{destination: {host: r, subset: "v1.0"}}]}]}'), ['spec.http[0].route[0].destination.subset: subset name is invalid: v1.0']);
  assert.deepEqual(msgs('{hosts: [r], http: [{route: [{destination: {host: ""}}]}]}'), ['spec.http[0].route[0].destination.host: empty domain name not allowed']);
});

test('Istio: redirect, directResponse, rewrite and authority', () => {
  assert.deepEqual(msgs('{hosts: [r], http: [{redirect: {redirectCode: 301}}]}'), ['spec.http[0].redirect: redirect must specify URI, authority, scheme, or port']);
  assert.deepEqual(msgs('{hosts: [r], http: [{redirect: {uri: /x, redirectCode: 200}}]}'), ['spec.http[0].redirect.redirectCode: 200 is not a valid redirect code, must be 3xx']);
  assert.deepEqual(msgs('{hosts: [r], http: [{redirect: {scheme: ftp}}]}'), ['spec.http[0].redirect.scheme: invalid redirect scheme, must be "http" or "https"']);
  assert.deepEqual(msgs('{hosts: [r], http: [{directResponse: {status: 150}}]}'), ['spec.http[0].directResponse.status: HTTP status 150 is not in range 200-599']);
  assert.deepEqual(warns(`{hosts: [r], http: [{directResponse: {status: 200, body: {string: "${'x'.repeat(110 * 1024)}"}}}]}`), [
    'spec.http[0].directResponse.body: large direct_responses may impact control plane performance',
  ]);
  assert.deepEqual(msgs(`{hosts: [r], http: [{rewrite: {uri: /a, uriRegexRewrite: {match: a, rewrite: b}}, ${route}}]}`), ['spec.http[0].rewrite: rewrite may only contain one of URI or UriRegexRewrite']);
  assert.deepEqual(msgs(`{hosts: [r], http: [{rewrite: {}, ${route}}]}`), [
    'spec.http[0].rewrite: rewrite must specify at least one of URI, UriRegexRewrite, or authority. Only one of URI or UriRegexRewrite may be specified',
  ]);
  assert.deepEqual(msgs(`{hosts: [r], http: [{rewrite: {uriRegexRewrite: {match: "^/a"}}, ${route}}]}`), [
    'spec.http[0].rewrite.uriRegexRewrite: UriRegexRewrite has errors\nUriRegexRewrite requires both Rewrite and Match fields to be specified',
  ]);
  assert.deepEqual(msgs(`{hosts: [r], http: [{rewrite: {authority: a}, headers: {request: {set: {host: b}}}, ${route}}]}`), [
    'spec.http[0].headers.request: authority header cannot be set multiple times: have "a", attempting to set "b"',
  ]);
});

test('Istio: header operations', () => {
  assert.deepEqual(msgs(`{hosts: [r], http: [{headers: {response: {set: {host: x}}}, ${route}}]}`), ['spec.http[0].headers.response.set: invalid header "host": cannot set Host header']);
  assert.deepEqual(msgs(`{hosts: [r], http: [{headers: {request: {add: {":path": x}}}, ${route}}]}`), ['spec.http[0].headers.request.add: invalid header ":path": header cannot have ":" prefix']);
  assert.deepEqual(msgs(`{hosts: [r], http: [{headers: {request: {remove: [""]}}, ${route}}]}`), ['spec.http[0].headers.request.remove[0]: header name cannot be empty']);
  assert.deepEqual(msgs(`{hosts: [r], http: [{headers: {request: {set: {x-a: "a\\u0001"}}}, ${route}}]}`), ['spec.http[0].headers.request.set: header value configuration a\u0001 is invalid']);
  assert.deepEqual(msgs(`{hosts: [r], http: [{headers: {request: {set: {x-a: "%HOSTNAME%", x-b: "100%%"}}}, ${route}}]}`), []);
});

test('Istio: retries (attempts, retryOn values) and timeouts as durations', () => {
  assert.deepEqual(msgs(`{hosts: [r], http: [{retries: {attempts: -1}, ${route}}]}`), ['spec.http[0].retries.attempts: attempts cannot be negative']);
  assert.deepEqual(msgs(`{hosts: [r], http: [{retries: {retryOn: 5xx}, ${route}}]}`), ['spec.http[0].retries: http retry policy configured when attempts are set to 0 (disabled)']);
  assert.deepEqual(msgs(`{hosts: [r], http: [{retries: {attempts: 2, retryOn: "5xx,503,gateway-error"}, ${route}}]}`), []);
  assert.deepEqual(msgs(`{hosts: [r], http: [{retries: {attempts: 2, retryOn: "5xx,599"}, ${route}}]}`), ['spec.http[0].retries.retryOn: "599" is not a valid retryOn policy']);
  assert.deepEqual(msgs(`{hosts: [r], http: [{retries: {attempts: 2, perTryTimeout: 0s}, ${route}}]}`), ['spec.http[0].retries.perTryTimeout: duration must be greater than 1ms']);
  assert.deepEqual(msgs(`{hosts: [r], http: [{timeout: 0.5ms, ${route}}]}`), ['spec.http[0].timeout: duration must be greater than 1ms']);
});

test('Istio: fault percentages, abort types and mirror percentages', () => {
  assert.deepEqual(msgs(`{hosts: [r], http: [{fault: {}, ${route}}]}`), ['spec.http[0].fault: HTTP fault injection must have an abort and/or a delay']);
  assert.deepEqual(msgs(`{hosts: [r], http: [{fault: {delay: {fixedDelay: 1s, percentage: {value: 101}}}, ${route}}]}`), [
    'spec.http[0].fault.delay.percentage: percentage 101 is neither 0.0, nor in range [0.0001, 100.0]',
  ]);
  assert.deepEqual(msgs(`{hosts: [r], http: [{fault: {abort: {grpcStatus: NOPE}}, ${route}}]}`), [
    "spec.http[0].fault.abort.grpcStatus: gRPC status \"NOPE\" is not supported. See https://github.com/grpc/grpc/blob/master/doc/statuscodes.md for a list of supported codes, for example 'NOT_FOUND'",
  ]);
  assert.deepEqual(msgs(`{hosts: [r], http: [{fault: {abort: {http2Error: x}}, ${route}}]}`), ['spec.http[0].fault.abort.http2Error: HTTP/2 abort fault injection not supported yet']);
  assert.deepEqual(msgs(`{hosts: [r], http: [{fault: {delay: {exponentialDelay: 1s}}, ${route}}]}`), ['spec.http[0].fault.delay.exponentialDelay: exponentialDelay not supported yet']);
  assert.deepEqual(warns(`{hosts: [r], http: [{fault: {abort: {percentage: {value: 5}}}, ${route}}]}`), ['spec.http[0].fault.abort: abort configured, but error type not set']);
  assert.deepEqual(msgs(`{hosts: [r], http: [{mirrors: [{destination: {host: m}, percentage: {value: -1}}], ${route}}]}`), [
    'spec.http[0].mirrors[0].percentage: mirror percentage must have a min value of 0 (it has -1.000000)',
  ]);
  assert.deepEqual(warns(`{hosts: [r], http: [{mirror: {host: m}, mirrorPercent: 50, ${route}}]}`), [
    'spec.http[0].mirrorPercent: using deprecated setting "mirrorPercent", use "mirrorPercentage" instead',
  ]);
});

test('Istio: CORS policy', () => {
  assert.deepEqual(msgs(`{hosts: [r], http: [{corsPolicy: {allowOrigins: [{exact: ""}]}, ${route}}]}`), ["spec.http[0].corsPolicy.allowOrigins[0]: '' is not a valid match type for CORS allow origins"]);
  assert.deepEqual(msgs(`{hosts: [r], http: [{corsPolicy: {allowMethods: [get]}, ${route}}]}`), ['spec.http[0].corsPolicy.allowMethods[0]: "get" is not a supported HTTP method']);
  assert.deepEqual(msgs(`{hosts: [r], http: [{corsPolicy: {allowHeaders: ["*", "x y"]}, ${route}}]}`), ['spec.http[0].corsPolicy.allowHeaders[1]: header name x y is not a valid header name']);
  assert.deepEqual(msgs(`{hosts: [r], http: [{corsPolicy: {maxAge: 1500ms}, ${route}}]}`), ['spec.http[0].corsPolicy.maxAge: max_age duration is accurate only to seconds precision']);
});

test('Istio: TLS and TCP routes', () => {
  assert.deepEqual(msgs('{hosts: [a.com], tls: [{route: [{destination: {host: a.com}}]}]}'), ['spec.tls[0].match: TLS route must have at least one match condition']);
  assert.deepEqual(msgs('{hosts: [a.com], tls: [{match: [{port: 443}], route: [{destination: {host: a.com}}]}]}'), ['spec.tls[0].match[0].sniHosts: TLS match must have at least one SNI host']);
  assert.deepEqual(msgs('{hosts: [a.com], tls: [{match: [{sniHosts: [b.com]}], route: [{destination: {host: a.com}}]}]}'), [
    'spec.tls[0].match[0].sniHosts[0]: SNI host "b.com" is not a compatible subset of any of the virtual service hosts: [a.com]',
  ]);
  assert.deepEqual(msgs('{hosts: ["*.a.com"], tls: [{match: [{sniHosts: [x.a.com]}]}]}'), ['spec.tls[0].route: TLS route is required']);
  assert.deepEqual(msgs('{hosts: [a.com], tcp: [{match: [{destinationSubnets: [10.0.0.0/40]}], route: [{destination: {host: a.com}}]}]}'), [
    'spec.tcp[0].match[0].destinationSubnets[0]: 10.0.0.0/40 is not a valid CIDR block',
  ]);
  assert.deepEqual(msgs('{hosts: [a.com], tcp: [{match: [{port: 1}]}]}'), ['spec.tcp[0].route: TCP route is required']);
});

test('Istio: warnings for rules and matches earlier rules already take', () => {
  assert.deepEqual(warns(`{hosts: [r], http: [{${route}}, {${route}}]}`), ['spec.http[1]: virtualService rule #1 not used (only the last rule can have no matches)']);
  assert.deepEqual(warns(`{hosts: [r], http: [{name: a, match: [{uri: {exact: /x}}], ${route}}, {name: b, match: [{uri: {exact: /x}}], ${route}}]}`), [
    'spec.http[1].match[0]: virtualService rule "b" match #0 is not used (duplicate/overlapping match in rule "a")',
    'spec.http[1]: virtualService rule "b" not used (all matches used by prior rules)',
  ]);
  assert.deepEqual(warns(`{hosts: [r], http: [{match: [{uri: {prefix: /debug}}], ${route}}, {match: [{uri: {prefix: /debugs}}], ${route}}]}`), [
    'spec.http: virtualService rule #1 match #0 of prefix /debugs is not used (duplicate/overlapping match in rule #0 of prefix /debug on #0)',
  ]);
  assert.deepEqual(warns(`{hosts: [r], http: [{match: [{uri: {prefix: /a}}], ${route}}, {${route}}]}`), []);
});

test('Istio: exportTo ~ is for service entries only', () => {
  assert.deepEqual(msgs(`{hosts: [r], exportTo: ["~"], http: [{${route}}]}`), ['spec.exportTo[0]: exportTo ~ (none) is not allowed for Istio configuration objects']);
});
