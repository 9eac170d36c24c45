// Fuzzing the HTTP/1.1 engine with mutated request heads and random byte splits, from a fixed seed
// (H1_FUZZ_SEED overrides it; failures name the seed and case). The parser must give one answer
// whatever the split; through a real sidecar, every request is either answered by the proxy or
// forwarded as exactly one unambiguous request, and the proxy never throws.
// Proxy addresses: 52, in the block of http1-smuggling.test (see test-support's addressesFor).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addService, emptyConfig, exchangeRaw, parseAccessLog, serviceHost, startProxy, startTcpBackend, type Backend, type TestProxy } from '../test-support.js';
import { readRequest, type RequestRead } from './head.js';

const SEED = Number(process.env.H1_FUZZ_SEED ?? 0x9112);
const PARSER_CASES = 2000;
const PROXY_CASES = 1000;
const HOST = serviceHost('web');
const VIP = '127.213.5.20';

/** mulberry32: small, fast, and the same sequence everywhere for a seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NASTY_LINES = [
  'Content-Length: 5',
  'Content-Length: 0',
  'Content-Length: 6',
  'Content-Length : 5',
  'Content-Length: 5, 5',
  'Content-Length: -1',
  'Content-Length: 99999999999999999999',
  'Content-Length: 5\xa0',
  'Transfer-Encoding: chunked',
  'Transfer-Encoding: Chunked',
  'Transfer-Encoding: xchunked',
  'Transfer-Encoding: identity, chunked',
  'Transfer-Encoding: chunked, identity',
  'Transfer-Encoding : chunked',
  'Transfer-Encoding:\tchunked',
  ' Transfer-Encoding: chunked',
  '\tchunked',
  'Host: other.example',
  'X-Nul: a\x00b',
  'X-Cr: a\rb',
  'X-Lf: a\nb',
  'X-Obs: caf\xe9',
  'X[bad]: 1',
  ': empty',
  'NoColon',
  'Connection: close',
  'Connection: keep-alive, Transfer-Encoding',
  'Upgrade: websocket',
];
const SPECIAL_BYTES = [0x00, 0x09, 0x0a, 0x0d, 0x20, 0x3a, 0x2c, 0x3b, 0x7f, 0x80, 0xff, 0x61, 0x30, 0x2f];

interface Mutated {
  bytes: Buffer;
  /** Unique path of the request line, to find it at the backend. */
  path: string;
}

/** One mutated request: a base request, then one to three mutations of its head (and rarely its body). */
function mutate(rand: () => number, id: string): Mutated {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const path = `/fz-${id}`;
  const bases: [string[], string][] = [
    [[`GET ${path} HTTP/1.1`, `Host: ${HOST}`], ''],
    [[`POST ${path} HTTP/1.1`, `Host: ${HOST}`, 'Content-Length: 5'], 'hello'],
    [[`POST ${path} HTTP/1.1`, `Host: ${HOST}`, 'Transfer-Encoding: chunked'], '5;e=1\r\nhello\r\n0\r\nT: 1\r\n\r\n'],
    [[`PUT ${path} HTTP/1.1`, `host: ${HOST}`, 'content-length: 0', 'x-a: b'], ''],
  ];
  const [baseLines, baseBody] = pick(bases);
  const lines = [...baseLines];
  let body = baseBody;
  const n = 1 + Math.floor(rand() * 3);
  for (let m = 0; m < n; m++) {
    const op = Math.floor(rand() * 8);
    const at = 1 + Math.floor(rand() * lines.length);
    switch (op) {
      case 0:
      case 1:
        lines.splice(at, 0, pick(NASTY_LINES));
        break;
      case 2:
        if (lines.length > 1) lines.splice(at, 0, lines[1 + Math.floor(rand() * (lines.length - 1))]!);
        break;
      case 3: {
        const i = Math.floor(rand() * lines.length);
        lines[i] = lines[i]!.replace(/^[^:]*/, (name) => (rand() < 0.5 ? name.toUpperCase() : name.toLowerCase()));
        break;
      }
      case 4: {
        // Change one byte of one line (the request line included).
        const i = Math.floor(rand() * lines.length);
        const l = lines[i]!;
        const j = Math.floor(rand() * (l.length + 1));
        lines[i] = l.slice(0, j) + String.fromCharCode(pick(SPECIAL_BYTES)) + l.slice(j + (rand() < 0.5 ? 1 : 0));
        break;
      }
      case 5:
        // Body bytes of another framing, or a broken chunk.
        body = pick(['hello', '0\r\n\r\n', '5\r\nhello\r\n0\r\n\r\n', '5\nhello\r\n0\r\n\r\n', 'zz\r\n', `0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: ${HOST}\r\n\r\n`]);
        break;
      default:
        break; // left as it is: some requests stay well-formed
    }
  }
  let head = lines.join('\r\n') + '\r\n\r\n';
  // Sometimes a line ending of the head becomes bare LF or bare CR.
  if (rand() < 0.15) {
    const ends = [...head.matchAll(/\r\n/g)].map((x) => x.index);
    const k = pick(ends);
    head = head.slice(0, k) + pick(['\n', '\r', '\n\r']) + head.slice(k + 2);
  }
  return { bytes: Buffer.from(head + body, 'latin1'), path };
}

/** Random cut points splitting buf into 1 to 8 parts. */
function splits(rand: () => number, buf: Buffer): Buffer[] {
  const cuts = new Set<number>();
  const k = Math.floor(rand() * 8);
  for (let i = 0; i < k; i++) cuts.add(1 + Math.floor(rand() * Math.max(1, buf.length - 1)));
  const sorted = [...cuts].filter((c) => c < buf.length).sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let prev = 0;
  for (const c of sorted) {
    parts.push(buf.subarray(prev, c));
    prev = c;
  }
  parts.push(buf.subarray(prev));
  return parts;
}

function outcome(r: RequestRead): string {
  return r.kind === 'reject' ? `reject ${r.error.status} ${r.error.details}` : r.kind === 'request' ? `request ${r.head.length} ${JSON.stringify(r.framing)}` : 'more';
}

/** Reads as the session does: bytes accumulate and the head is read again after each. */
function readInParts(parts: Buffer[]): RequestRead {
  let buf = Buffer.alloc(0);
  let r: RequestRead = { kind: 'more' };
  for (const p of parts) {
    buf = Buffer.concat([buf, p]);
    r = readRequest(buf);
    if (r.kind !== 'more') return r;
  }
  return r;
}

/** What a strict reader makes of the head a backend received: the problems a second parser could trip on. */
function ambiguities(head: string): string[] {
  const out: string[] = [];
  const rows = head.split('\r\n');
  if (/[\r\n\x00]/.test(rows.join(''))) out.push('bare CR, LF or NUL');
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+ \S+ HTTP\/1\.1$/.test(rows[0]!)) out.push(`request line ${JSON.stringify(rows[0])}`);
  let framing = 0;
  let hosts = 0;
  for (const row of rows.slice(1)) {
    const m = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*(.*?)[ \t]*$/.exec(row);
    if (!m) {
      out.push(`field line ${JSON.stringify(row)}`);
      continue;
    }
    const name = m[1]!.toLowerCase();
    if (name === 'content-length') {
      framing++;
      if (!/^\d+$/.test(m[2]!)) out.push(`content-length ${JSON.stringify(m[2])}`);
    }
    if (name === 'transfer-encoding') {
      framing++;
      if (m[2]!.toLowerCase() !== 'chunked') out.push(`transfer-encoding ${JSON.stringify(m[2])}`);
    }
    if (name === 'host') hosts++;
  }
  if (framing > 1) out.push('more than one framing field');
  if (hosts !== 1) out.push(`${hosts} Host fields`);
  return out;
}

describe('HTTP/1.1 fuzzing', () => {
  test(`parser: ${PARSER_CASES} mutated heads give one outcome whatever the split`, (t) => {
    t.diagnostic(`seed ${SEED}`);
    const rand = prng(SEED);
    const seen = new Map<string, number>();
    for (let i = 0; i < PARSER_CASES; i++) {
      const m = mutate(rand, `p${i}`);
      const where = `seed=${SEED} case=${i} input=${JSON.stringify(m.bytes.toString('latin1'))}`;
      let whole: RequestRead;
      try {
        whole = readRequest(m.bytes);
      } catch (err) {
        assert.fail(`readRequest threw ${(err as Error).stack} (${where})`);
      }
      const o = outcome(whole);
      const kind = whole.kind === 'reject' ? `reject ${whole.error.status}` : whole.kind;
      seen.set(kind, (seen.get(kind) ?? 0) + 1);
      for (let k = 0; k < 3; k++) assert.equal(outcome(readInParts(splits(rand, m.bytes))), o, where);
      if (whole.kind === 'request') {
        const h = whole.head;
        assert.ok(h.contentLengths + h.transferEncodings <= 1, `accepted with two framing fields (${where})`);
        const text = m.bytes.toString('latin1', 0, h.length - 4).replace(/^(\r\n)+/, '');
        assert.deepEqual(ambiguities(text), [], where);
      }
    }
    t.diagnostic(`outcomes: ${JSON.stringify(Object.fromEntries(seen))}`);
    // The mutations must reach both sides, or the test proves little.
    assert.ok([...seen.keys()].some((k) => k.startsWith('request')));
    assert.ok([...seen.keys()].some((k) => k.startsWith('reject')));
  });

  describe(`proxy: ${PROXY_CASES} mutated requests, each sent whole and split`, () => {
    let p: TestProxy;
    let backend: Backend<unknown>;
    /** Every request the backend read, by path, with its head. */
    const arrived: { path: string; head: string }[] = [];
    const backendErrors: string[] = [];

    before(async () => {
      // An independent, strict reader: takes requests one after another off each connection, by
      // Content-Length or chunked framing, and answers each.
      backend = await startTcpBackend((s) => {
        let buf = Buffer.alloc(0);
        s.on('data', (d: Buffer) => {
          buf = Buffer.concat([buf, d]);
          for (;;) {
            const end = buf.indexOf('\r\n\r\n');
            if (end < 0) return;
            const head = buf.toString('latin1', 0, end);
            const cl = /\r\ncontent-length:[ \t]*(\d+)/i.exec(head);
            let bodyEnd: number | undefined = end + 4;
            if (/\r\ntransfer-encoding:/i.test(head)) bodyEnd = chunkedEnd(buf, end + 4);
            else if (cl) bodyEnd = buf.length >= end + 4 + Number(cl[1]) ? end + 4 + Number(cl[1]) : undefined;
            if (bodyEnd === undefined) return;
            if (bodyEnd < 0) {
              backendErrors.push(`unreadable chunked body after ${JSON.stringify(head)}`);
              s.destroy();
              return;
            }
            arrived.push({ path: head.split(' ')[1] ?? '', head });
            buf = buf.subarray(bodyEnd);
            s.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
          }
        });
      });
      const config = emptyConfig();
      addService(config, { name: 'web', vip: VIP, port: 80, upstream: 'http1', endpoints: [backend.port] });
      p = await startProxy(52, config);
    });

    after(async () => {
      await p?.shutdown();
      await backend?.close();
    });

    test('every request is answered or forwarded unambiguously, the same for every split', async (t) => {
      t.diagnostic(`seed ${SEED}`);
      const rand = prng(SEED ^ 0x5a5a);
      const statuses = new Map<string, number>();
      const refused = new Set<string>();
      const run = async (i: number): Promise<void> => {
        const m = mutate(rand, `x${i}`);
        const parts = splits(rand, m.bytes);
        const where = `seed=${SEED} case=${i} input=${JSON.stringify(m.bytes.toString('latin1'))}`;
        // A request whose body is still to come gets no answer: a short wait says so.
        const wait = incomplete(m.bytes) ? 300 : 5_000;
        const a = await send(p.loopbackIP, [m.bytes], wait);
        const b = await send(p.loopbackIP, parts, wait);
        const sa = statusOf(a);
        assert.ok(a === '' || /^HTTP\/1\.1 \d{3} /.test(a), `no well-formed answer: ${JSON.stringify(a)} (${where})`);
        assert.equal(statusOf(b), sa, `split ${parts.map((x) => x.length).join('+')} answered differently (${where})`);
        // A second response only for a second request the client itself pipelined.
        assert.ok(count(a, /HTTP\/1\.1 \d{3} /g) <= 2, `${JSON.stringify(a)} (${where})`);
        statuses.set(sa, (statuses.get(sa) ?? 0) + 1);
        if (/^(400|426|431|501)$/.test(sa)) refused.add(m.path);
      };
      // A few connections at once: each case's two deliveries stay in order.
      const CONCURRENCY = 8;
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < PROXY_CASES) await run(next++);
        }),
      );
      t.diagnostic(`statuses: ${JSON.stringify(Object.fromEntries(statuses))}`);
      assert.deepEqual(backendErrors, []);
      // What the backend read is exactly what the proxy meant to forward (its access log): no request
      // smuggled past the proxy, none swallowed.
      const forwarded = (): string[] =>
        p.logLines
          .map(parseAccessLog)
          .filter((e) => e?.responseCodeDetails === 'via_upstream')
          .map((e) => e!.request.split(' ')[1]!)
          .sort();
      for (let k = 0; k < 100 && forwarded().length < arrived.length; k++) await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(arrived.map((r) => r.path).sort(), forwarded());
      for (const r of arrived) {
        assert.deepEqual(ambiguities(r.head), [], JSON.stringify(r.head));
        assert.ok(!refused.has(r.path), `refused yet forwarded: ${JSON.stringify(r.head)}`);
      }
      assert.ok(arrived.length > 0 && refused.size > 0, 'the mutations reach both forwarding and refusal');
    });
  });
});

/** The proxy reads this request's head and then waits for body bytes that were never sent. */
function incomplete(bytes: Buffer): boolean {
  const r = readRequest(bytes);
  if (r.kind !== 'request') return false;
  if (r.framing.kind === 'length') return bytes.length - r.head.length < r.framing.remaining;
  return r.framing.kind === 'chunked' && chunkedEnd(bytes, r.head.length) === undefined;
}

/** End of a chunked body starting at from: the index after it, undefined while incomplete, -1 if unreadable. */
function chunkedEnd(buf: Buffer, from: number): number | undefined {
  let i = from;
  for (;;) {
    const eol = buf.indexOf('\r\n', i);
    if (eol < 0) return undefined;
    const size = /^([0-9a-fA-F]+)(;[^\r\n]*)?$/.exec(buf.toString('latin1', i, eol));
    if (!size) return -1;
    const n = parseInt(size[1]!, 16);
    i = eol + 2;
    if (n === 0) {
      // Trailer fields, then an empty line.
      for (;;) {
        const e = buf.indexOf('\r\n', i);
        if (e < 0) return undefined;
        if (e === i) return e + 2;
        i = e + 2;
      }
    }
    if (buf.length < i + n + 2) return undefined;
    if (buf[i + n] !== 0x0d || buf[i + n + 1] !== 0x0a) return -1;
    i += n + 2;
  }
}

function statusOf(answer: string): string {
  return answer === '' ? 'waiting' : (/^HTTP\/1\.1 (\d{3}) /.exec(answer)?.[1] ?? `malformed: ${JSON.stringify(answer)}`);
}

function count(s: string, re: RegExp): number {
  return (s.match(re) ?? []).length;
}

/** One delivery on a new connection: the parts written one per tick; the answer read until close or a quiet moment after a whole response. */
function send(loopbackIP: string, parts: Buffer[], waitMs: number): Promise<string> {
  return exchangeRaw(loopbackIP, { host: VIP, port: 80 }, parts, { waitMs, quietMs: 20, silenceIsAnswer: true });
}
