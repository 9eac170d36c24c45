// /status/{codes}: one code, a comma-separated list chosen from at random, or weighted choices
// ("200:0.9,503:0.1"); some codes come with the extras the originals add.

import type { Flavor } from './flavor.js';
import { formatJson, formatJsonLine, Ordered } from './json-format.js';

export interface WeightedCode {
  code: number;
  weight: number;
}

/** The choices in a /status path segment, or undefined when any is malformed. */
export function parseStatusCodes(raw: string): WeightedCode[] | undefined {
  const out: WeightedCode[] = [];
  for (const item of raw.split(',')) {
    const [rawCode, rawWeight, ...rest] = item.split(':');
    if (rest.length > 0 || !/^\d+$/.test(rawCode!.trim())) return undefined;
    const code = Number(rawCode);
    const weight = rawWeight === undefined ? 1 : Number(rawWeight);
    if (code < 100 || code > 599 || !Number.isFinite(weight) || weight < 0 || rawWeight?.trim() === '') return undefined;
    out.push({ code, weight });
  }
  return out;
}

/** A weighted random pick; `random` is in [0, 1). */
export function chooseStatusCode(choices: readonly WeightedCode[], random = Math.random()): number {
  const total = choices.reduce((s, c) => s + c.weight, 0);
  let x = random * total;
  for (const c of choices) {
    if (x < c.weight) return c.code;
    x -= c.weight;
  }
  return choices[choices.length - 1]!.code;
}

const TEAPOT = `
    -=[ teapot ]=-

       _...._
     .'  _ _ \`.
    | ."\` ^ \`". _,
    \\_;\`"---"\`|//
      |       ;/
      \\_     _/
        \`"""\`
`;

export interface StatusResponse {
  headers: Record<string, string>;
  body: string;
}

/** The headers and body an original sends with a code (empty for most). */
export function statusResponse(flavor: Flavor, code: number): StatusResponse {
  if ([301, 302, 303, 305, 307].includes(code)) return { headers: { Location: '/redirect/1' }, body: '' };
  if (flavor === 'go' && code === 300) {
    return { headers: { Location: '/image/jpeg' }, body: '<!doctype html>\n<head>\n<title>Multiple Choices</title>\n</head>\n<body>\n<ul>\n<li><a href="/image/jpeg">/image/jpeg</a></li>\n<li><a href="/image/png">/image/png</a></li>\n<li><a href="/image/svg">/image/svg</a></li>\n</body>\n</html>' };
  }
  if (flavor === 'go' && code === 308) {
    return { headers: { Location: '/image/jpeg' }, body: '<!doctype html>\n<head>\n<title>Permanent Redirect</title>\n</head>\n<body>Permanently redirected to <a href="/image/jpeg">/image/jpeg</a>\n</body>\n</html>' };
  }
  switch (code) {
    case 401:
      return { headers: { 'WWW-Authenticate': 'Basic realm="Fake Realm"' }, body: '' };
    case 402:
      return { headers: { 'X-More-Info': 'http://vimeo.com/22053820' }, body: 'Fuck you, pay me!' };
    case 406: {
      // The two differ slightly in this body's text.
      const body = flavor === 'go'
        ? new Ordered([['message', 'Client did not request a supported media type'], ['accept', ['image/webp', 'image/svg+xml', 'image/jpeg', 'image/png', 'image/']]])
        : new Ordered([['message', 'Client did not request a supported media type.'], ['accept', ['image/webp', 'image/svg+xml', 'image/jpeg', 'image/png', 'image/*']]]);
      // Python writes it with json.dumps on one line; Go as a pretty literal.
      const text = flavor === 'go' ? formatJson('go', body) : formatJsonLine('python', body).trimEnd();
      return { headers: { 'Content-Type': flavor === 'go' ? 'application/json; charset=utf-8' : 'application/json' }, body: text };
    }
    case 407:
      return { headers: { 'Proxy-Authenticate': 'Basic realm="Fake Realm"' }, body: '' };
    case 418:
      return { headers: { 'X-More-Info': 'http://tools.ietf.org/html/rfc2324' }, body: flavor === 'go' ? "I'm a teapot!" : TEAPOT };
    default:
      return { headers: {}, body: '' };
  }
}
