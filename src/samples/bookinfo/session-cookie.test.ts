import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSession, encodeSession, parseCookies } from './session-cookie.js';

test('a session cookie round-trips its user, and a tampered one is refused', () => {
  const value = encodeSession('jason');
  assert.equal(decodeSession(value), 'jason');
  const [payload, mac] = value.split('.') as [string, string];
  const other = encodeSession('admin').split('.')[0]!;
  assert.equal(decodeSession(`${other}.${mac}`), undefined);
  assert.equal(decodeSession(`${payload}.${mac}x`), undefined);
  assert.equal(decodeSession(payload), undefined);
  assert.equal(decodeSession(undefined), undefined);
});

test('cookies are parsed by name, the first of a repeated name winning', () => {
  const c = parseCookies('a=1; session=abc.def; a=2; junk');
  assert.equal(c.get('a'), '1');
  assert.equal(c.get('session'), 'abc.def');
  assert.equal(c.has('junk'), false);
});
