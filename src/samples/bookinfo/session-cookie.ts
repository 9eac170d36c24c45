// productpage's signed session cookie: the signed-in user, like Flask's `session` cookie (not its format).

import { createHmac, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'session';

// A fixed key so that every productpage replica accepts every other's cookie; nothing secret rides on it.
const KEY = 'weft-bookinfo-productpage';

function sign(payload: string): string {
  return createHmac('sha256', KEY).update(payload).digest('base64url');
}

export function encodeSession(user: string): string {
  const payload = Buffer.from(JSON.stringify({ user }), 'utf8').toString('base64url');
  return `${payload}.${sign(payload)}`;
}

/** The user in a session cookie value, or undefined when the value is absent, malformed or not signed by us. */
export function decodeSession(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const [payload, mac, ...rest] = value.split('.');
  if (payload === undefined || mac === undefined || rest.length > 0) return undefined;
  const expected = Buffer.from(sign(payload));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  try {
    const data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { user?: unknown };
    return typeof data.user === 'string' ? data.user : undefined;
  } catch {
    return undefined;
  }
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const name = part.slice(0, i).trim();
    if (!out.has(name)) out.set(name, part.slice(i + 1).trim());
  }
  return out;
}
