import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startEveryNthServer, type EveryNthServer } from '../../../test/support/every-nth-server.js';
import { exchange, type Exchange } from '../../../test/support/http-exchange.js';
import { runProgram, type ProgramResult } from '../../../test/support/processes.js';

const main = fileURLToPath(new URL('./main.js', import.meta.url));

function fortio(args: string[]): Promise<ProgramResult> {
  return runProgram(process.execPath, [main, ...args]);
}

describe('fortio load', () => {
  let upstream: EveryNthServer;
  before(async () => {
    upstream = await startEveryNthServer(4);
  });
  after(() => upstream.close());

  it('makes exactly -n calls over -c connections and counts the codes', async () => {
    const before = upstream.served();
    const r = await fortio(['load', '-c', '2', '-qps', '0', '-n', '20', '-loglevel', 'Warning', `http://127.0.0.1:${upstream.port}/get`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(upstream.served() - before, 20);
    assert.match(r.stdout, /^Starting at max qps with 2 thread\(s\) \[gomax \d+\] for exactly 20 calls \(10 per thread \+ 0\)$/m);
    assert.match(r.stdout, /^Code 200 : 15 \(75\.0 %\)\nCode 503 : 5 \(25\.0 %\)$/m);
    assert.match(r.stdout, /^All done 20 calls \(plus 0 warmup\) \d+\.\d{3} ms avg, \d+\.\d qps$/m);
    assert.match(r.stdout, /^Aggregated Function Time : count 20 avg /m);
    assert.match(r.stdout, /^# target 50% \d/m);
    assert.match(r.stdout, /^# target 99\.9% \d/m);
    assert.match(r.stdout, /^Response Header Sizes : count 20 avg /m);
  });

  it('prints the summary lines for a known mix of codes', async () => {
    // One connection, 20 calls; calls 6, 12 and 18 are answered 503.
    const mix = await startEveryNthServer(6);
    try {
      const r = await fortio(['load', '-c', '1', '-qps', '0', '-n', '20', '-loglevel', 'Warning', `http://127.0.0.1:${mix.port}/`]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(mix.served(), 20);
      assert.match(r.stdout, /^Starting at max qps with 1 thread\(s\) \[gomax \d+\] for exactly 20 calls \(20 per thread \+ 0\)$/m);
      assert.match(r.stdout, /^Ended after [\d.]+(ms|s|µs) : 20 calls\. qps=[\d.e+]+$/m);
      assert.match(r.stdout, /^Aggregated Function Time : count 20 avg [\d.e-]+ \+\/- [\d.e-]+ min [\d.e-]+ max [\d.e-]+ sum [\d.e-]+$/m);
      for (const p of ['50', '75', '90', '99', '99\\.9']) assert.match(r.stdout, new RegExp(`^# target ${p}% [\\d.e-]+$`, 'm'));
      assert.match(r.stdout, /^Sockets used: 4 \(for perfect keepalive, would be 1\)$/m);
      assert.match(r.stdout, /^Code 200 : 17 \(85\.0 %\)\nCode 503 : 3 \(15\.0 %\)$/m);
      assert.match(r.stdout, /^Response Body\/Total Sizes : count 20 avg /m);
      assert.match(r.stdout, /^All done 20 calls \(plus 0 warmup\) \d+\.\d{3} ms avg, \d+\.\d qps\n$/m);
    } finally {
      await mix.close();
    }
  });

  it('counts calls that got no answer as code -1, padded as Go\'s %3d', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const r = await fortio(['load', '-c', '1', '-qps', '0', '-n', '2', `http://127.0.0.1:${port}/`]);
    assert.match(r.stdout, /^Code  -1 : 2 \(100\.0 %\)$/m);
    assert.match(r.stdout, /^All done 2 calls \(plus 0 warmup\) /m);
  });

  it('leaves out the size counters at -loglevel Error, as fortio does', async () => {
    const r = await fortio(['load', '-c', '1', '-qps', '0', '-n', '2', '-loglevel', 'Error', `http://127.0.0.1:${upstream.port}/`]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /Response Header Sizes|Response Body\/Total Sizes/);
    assert.match(r.stdout, /^All done 2 calls \(plus 0 warmup\) /m);
  });

  it('keeps a connection alive and opens a new one after each error', async () => {
    // One connection, calls 4, 8, 12, 16 and 20 answered 503: four reconnects (none after the last call).
    const fresh = await startEveryNthServer(4);
    try {
      const r = await fortio(['load', '-c', '1', '-qps', '0', '-n', '20', `http://127.0.0.1:${fresh.port}/`]);
      assert.match(r.stdout, /^Sockets used: 5 \(for perfect keepalive, would be 1\)$/m);
      assert.match(r.stdout, /^127\.0\.0\.1:\d+: 5$/m);
    } finally {
      await fresh.close();
    }
  });

  it('paces calls with -qps and stops after -t with a warm-up call per connection', async () => {
    const before = upstream.served();
    const r = await fortio(['load', '-c', '1', '-qps', '20', '-t', '200ms', `http://127.0.0.1:${upstream.port}/`]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Starting at 20 qps with 1 thread\(s\) \[gomax \d+\] for 200ms : 4 calls each \(total 4\)$/m);
    assert.match(r.stdout, /^All done 4 calls \(plus 1 warmup\) /m);
    assert.equal(upstream.served() - before, 5);
  });
});

describe('fortio curl', () => {
  let upstream: EveryNthServer;
  before(async () => {
    upstream = await startEveryNthServer(2, 'hello from upstream\n');
  });
  after(() => upstream.close());

  it('prints the response head and body, and fails on a non-200 code', async () => {
    const ok = await fortio(['curl', '-H', 'X-Test: 1', `http://127.0.0.1:${upstream.port}/get`]);
    assert.equal(ok.code, 0);
    assert.match(ok.stdout, /^HTTP\/1\.1 200 OK\r\nContent-Type: text\/plain\r\nContent-Length: 20\r\n/);
    assert.ok(ok.stdout.endsWith('\r\n\r\nhello from upstream\n'));
    const bad = await fortio(['curl', '-quiet', `http://127.0.0.1:${upstream.port}/get`]);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /^HTTP\/1\.1 503 Service Unavailable\r\n/);
    assert.match(bad.stderr, /Error status 503/);
  });
});

describe('fortio server', () => {
  // A lower delay cap than the 1.5s default, so the cap can be seen quickly.
  const child = spawn(process.execPath, [main, 'server', '-http-port', '127.0.0.1:0', '-max-echo-delay', '400ms'], { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, HOSTNAME: 'fortio-pod' } });
  let port = 0;
  before(async () => {
    let out = '';
    while (!/listening on [\d.]+:(\d+)\n/.test(out)) out += String((await once(child.stdout, 'data'))[0]);
    port = Number(/listening on [\d.]+:(\d+)\n/.exec(out)![1]);
  });
  after(async () => {
    child.kill('SIGTERM');
    if (child.exitCode === null) await once(child, 'exit');
  });

  function send(path: string, body?: string): Promise<Exchange> {
    return exchange(port, path, body === undefined ? {} : { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body });
  }

  async function timed(path: string): Promise<{ status: number; ms: number }> {
    const t0 = performance.now();
    const r = await send(path);
    return { status: r.status, ms: performance.now() - t0 };
  }

  it('echoes the body on /echo', async () => {
    const r = await send('/echo', 'some payload');
    assert.equal(r.status, 200);
    assert.equal(r.text, 'some payload');
    assert.equal(r.headers['content-type'], 'text/plain');
  });

  it('answers the status and headers the query asks for', async () => {
    const r = await send('/echo?status=418&header=X-Extra:yes&delay=10ms', 'x');
    assert.equal(r.status, 418);
    assert.equal(r.headers['x-extra'], 'yes');
    assert.equal(r.text, 'x');
    assert.equal((await send('/?status=503:100')).status, 503);
    assert.equal((await send('/?status=503:0')).status, 200, 'the remainder goes to 200');
  });

  it('answers 400 to a status list fortio cannot read', async () => {
    for (const q of ['abc', '503:x', '503:60,429:50', '503:10:1']) assert.equal((await send(`/?status=${q}`)).status, 400, q);
  });

  it('waits for delay= (a Go duration, or percent chances), capped by -max-echo-delay', async () => {
    const quick = await timed('/');
    assert.ok(quick.ms < 200, `no delay asked: ${quick.ms}ms`);
    const delayed = await timed('/?delay=250ms');
    assert.equal(delayed.status, 200);
    assert.ok(delayed.ms >= 245 && delayed.ms < 1000, `delay=250ms took ${delayed.ms}ms`);
    const weighted = await timed('/?delay=250ms:100');
    assert.ok(weighted.ms >= 245, `delay=250ms:100 took ${weighted.ms}ms`);
    const capped = await timed('/?delay=5s');
    assert.ok(capped.ms >= 395 && capped.ms < 1500, `delay=5s under a 400ms cap took ${capped.ms}ms`);
    // Go's time.ParseDuration wants a unit: "1" is ignored, not a second.
    const bare = await timed('/?delay=1');
    assert.equal(bare.status, 200);
    assert.ok(bare.ms < 500, `delay=1 took ${bare.ms}ms`);
  });

  it('describes the request on /debug', async () => {
    const r = await send('/debug?x=1', 'the body');
    assert.equal(r.status, 200);
    assert.match(r.text, /^Φορτίο version [\d.]+ echo debug server up for (\d+m)?\d+(\.\d)?s on fortio-pod - request from 127\.0\.0\.1:\d+\n\nPOST \/debug\?x=1 HTTP\/1\.1\n\nheaders:\n\nHost: 127\.0\.0\.1:\d+\n/);
    assert.match(r.text, /\nContent-Type: text\/plain\n/);
    assert.ok(r.text.endsWith('\nbody:\n\nthe body\n'));
  });
});
