import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CurlError } from './curl-error.js';
import { hostHeader, parseCurlUrl, removeDotSegments, resolveLocation, withQuery } from './curl-url.js';

function rejects(input: string): CurlError {
  try {
    parseCurlUrl(input);
  } catch (err) {
    assert.ok(err instanceof CurlError);
    return err;
  }
  assert.fail(`expected ${input} to be rejected`);
}

describe('parseCurlUrl', () => {
  it('assumes http and port 80 for a bare host', () => {
    const u = parseCurlUrl('productpage');
    assert.equal(u.scheme, 'http');
    assert.equal(u.host, 'productpage');
    assert.equal(u.port, 80);
    assert.equal(u.target, '/');
    assert.equal(u.effective, 'http://productpage/');
    assert.equal(hostHeader(u), 'productpage');
  });

  it('reads host:port/path?query', () => {
    const u = parseCurlUrl('reviews:9080/reviews/0?x=1');
    assert.equal(u.port, 9080);
    assert.equal(u.target, '/reviews/0?x=1');
    assert.equal(hostHeader(u), 'reviews:9080');
  });

  it('uses 443 for https and keeps an explicit port in the effective URL', () => {
    const u = parseCurlUrl('HTTPS://Example.com:443/a');
    assert.equal(u.scheme, 'https');
    assert.equal(u.port, 443);
    assert.equal(u.effective, 'https://Example.com:443/a');
    assert.equal(hostHeader(u), 'Example.com');
  });

  it('handles IPv6 literals and user info', () => {
    const u = parseCurlUrl('http://u:p%40ss@[::1]:8080/x');
    assert.equal(u.host, '::1');
    assert.equal(hostHeader(u), '[::1]:8080');
    assert.equal(u.user, 'u');
    assert.equal(u.password, 'p@ss');
  });

  it('removes dot segments and drops the fragment from the request', () => {
    const u = parseCurlUrl('h/a/../b/./c?q#frag');
    assert.equal(u.target, '/b/c?q');
    assert.equal(u.effective, 'http://h/b/c?q#frag');
    assert.equal(removeDotSegments('/..'), '/');
    assert.equal(parseCurlUrl('h/a/../b', true).target, '/a/../b');
  });

  it('percent-encodes non-ASCII on the wire only', () => {
    const u = parseCurlUrl('h/é');
    assert.equal(u.target, '/%c3%a9');
    assert.equal(u.effective, 'http://h/é');
  });

  it('rejects what curl rejects', () => {
    assert.equal(rejects('http://h:99999/').exitCode, 3);
    assert.equal(rejects('http://h:abc/').message, 'URL rejected: Port number was not a decimal number between 0 and 65535');
    assert.equal(rejects('http://:80/').message, 'URL rejected: No host part in the URL');
    assert.equal(rejects('http://').message, 'URL rejected: No host part in the URL');
    assert.equal(rejects('h/a b').message, 'URL rejected: Malformed input to a URL function');
    const ftp = rejects('ftp://h/');
    assert.equal(ftp.exitCode, 1);
    assert.equal(ftp.message, 'Protocol "ftp" not supported or disabled in libcurl');
  });

  it('resolves redirects and appends -G data', () => {
    assert.equal(resolveLocation(parseCurlUrl('h:8080/a/b'), '/c'), 'http://h:8080/c');
    assert.equal(resolveLocation(parseCurlUrl('h/a/b'), 'https://o/'), 'https://o/');
    assert.equal(withQuery('h/p', 'a=1'), 'h/p?a=1');
    assert.equal(withQuery('h/p?x=1#f', 'a=1'), 'h/p?x=1&a=1#f');
  });
});
