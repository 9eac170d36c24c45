import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Route, RouteMatch, VirtualHost, WorkloadMeta } from '../../xds/proxy-config.js';
import { matchString, percentHit, pickWeighted, routeMatches, selectRoute } from './route-match.js';
import type { RequestView } from './request-view.js';

function req(path: string, headers: Record<string, string> = {}, method = 'GET', authority = 'reviews:9080'): RequestView {
  return { method, path, authority, scheme: 'http', header: (n) => headers[n] };
}

const self = { namespace: 'default', labels: { app: 'productpage', version: 'v1' } } as unknown as WorkloadMeta;

describe('routeMatches', () => {
  const cases: Array<[string, RouteMatch, RequestView, boolean]> = [
    ['no path test matches every path', {}, req('/anything?x=1'), true],
    ['prefix matches the start of the target', { prefix: '/api' }, req('/api/v1?x=1'), true],
    ['prefix is case-sensitive', { prefix: '/API' }, req('/api/v1'), false],
    ['prefix with ignoreCase', { prefix: '/API', ignoreCase: true }, req('/api/v1'), true],
    ['exact path ignores the query string', { path: '/productpage' }, req('/productpage?u=normal'), true],
    ['exact path is whole', { path: '/productpage' }, req('/productpage/x'), false],
    ['regex must match the whole path', { regex: '/reviews/[0-9]+' }, req('/reviews/12'), true],
    ['regex is not a search', { regex: '/reviews/[0-9]+' }, req('/x/reviews/12'), false],
    ['regex with (?i)', { regex: '(?i)/REVIEWS/.*' }, req('/reviews/1'), true],
    ['header exact', { headers: [{ name: 'end-user', match: { exact: 'jason' } }] }, req('/', { 'end-user': 'jason' }), true],
    ['header exact is case-sensitive', { headers: [{ name: 'end-user', match: { exact: 'jason' } }] }, req('/', { 'end-user': 'Jason' }), false],
    ['header absent fails an exact match', { headers: [{ name: 'end-user', match: { exact: 'jason' } }] }, req('/'), false],
    ['header regex', { headers: [{ name: 'cookie', match: { regex: '^(.*?;)?(user=jason)(;.*)?$' } }] }, req('/', { cookie: 'a=b; user=jason' }), false],
    ['header regex matches the whole value', { headers: [{ name: 'cookie', match: { regex: '^(.*?;)?(user=jason)(;.*)?$' } }] }, req('/', { cookie: 'a=b;user=jason' }), true],
    ['header presence', { headers: [{ name: 'x-canary' }] }, req('/', { 'x-canary': '' }), true],
    ['withoutHeaders: present fails', { headers: [{ name: 'x-canary', invert: true }] }, req('/', { 'x-canary': '1' }), false],
    ['withoutHeaders: absent passes', { headers: [{ name: 'x-canary', invert: true }] }, req('/'), true],
    ['inverted exact: a different value passes', { headers: [{ name: 'end-user', match: { exact: 'jason' }, invert: true }] }, req('/', { 'end-user': 'x' }), true],
    ['method as :method', { headers: [{ name: ':method', match: { exact: 'POST' } }] }, req('/', {}, 'POST'), true],
    ['authority prefix', { headers: [{ name: ':authority', match: { prefix: 'reviews' } }] }, req('/'), true],
    ['query param exact', { queryParams: [{ name: 'u', match: { exact: 'jason' } }] }, req('/p?a=1&u=jason'), true],
    ['query param decoded', { queryParams: [{ name: 'u', match: { exact: 'a b' } }] }, req('/p?u=a%20b'), true],
    ['query param presence', { queryParams: [{ name: 'debug' }] }, req('/p?debug'), true],
    ['query param missing', { queryParams: [{ name: 'debug' }] }, req('/p'), false],
    ['sourceLabels of the proxy', { sourceLabels: { app: 'productpage' } }, req('/'), true],
    ['sourceLabels mismatch', { sourceLabels: { app: 'productpage', version: 'v2' } }, req('/'), false],
    ['sourceNamespace', { sourceNamespace: 'other' }, req('/'), false],
  ];
  for (const [name, m, r, want] of cases) test(name, () => assert.equal(routeMatches(m, r, self), want));

  test('a catastrophic backtracking pattern answers (linear-time RE2)', () => {
    assert.equal(routeMatches({ regex: '(a+)+$' }, req(`/${'a'.repeat(40)}!`), self), false);
  });
});

describe('selectRoute', () => {
  test('the first matching route wins, in order', () => {
    const route = (name: string, match: RouteMatch): Route => ({ name, match, action: { cluster: name } });
    const vh: VirtualHost = { name: 'reviews', domains: ['reviews'], routes: [route('jason', { headers: [{ name: 'end-user', match: { exact: 'jason' } }] }), route('all', { prefix: '/' })] };
    assert.equal(selectRoute(vh, req('/', { 'end-user': 'jason' }), self)?.name, 'jason');
    assert.equal(selectRoute(vh, req('/'), self)?.name, 'all');
    assert.equal(selectRoute({ ...vh, routes: vh.routes.slice(0, 1) }, req('/'), self), undefined);
  });
});

describe('pickWeighted and percentHit', () => {
  test('weights split the draws; weight 0 is never picked', () => {
    const entries = [{ id: 'a', weight: 80 }, { id: 'b', weight: 20 }, { id: 'c', weight: 0 }];
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 1000; i++) counts[pickWeighted(entries, () => i / 1000)!.id]!++;
    assert.deepEqual(counts, { a: 800, b: 200, c: 0 });
    assert.equal(pickWeighted([{ weight: 0 }]), undefined);
    assert.equal(pickWeighted([]), undefined);
  });
  test('percentages, fractions included', () => {
    assert.equal(percentHit(100, () => 0.999), true);
    assert.equal(percentHit(0, () => 0), false);
    assert.equal(percentHit(0.5, () => 0.004), true);
    assert.equal(percentHit(0.5, () => 0.006), false);
  });
  test('string matches', () => {
    assert.equal(matchString({ exact: 'a' }, 'a'), true);
    assert.equal(matchString({ prefix: 'ab' }, 'abc'), true);
    assert.equal(matchString({ regex: 'a.c' }, 'abc'), true);
    assert.equal(matchString({ regex: 'a.c' }, 'abcd'), false);
  });
});
