import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startEveryNthServer, type EveryNthServer } from '../../../test/support/every-nth-server.js';

const main = fileURLToPath(new URL('./main.js', import.meta.url));

async function fortio(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'close')) as [number];
  return { code, stdout, stderr };
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
  const child = spawn(process.execPath, [main, 'server', '-http-port', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, HOSTNAME: 'fortio-pod' } });
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

  function send(path: string, body?: string): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path, method: body === undefined ? 'GET' : 'POST', agent: false, headers: { 'Content-Type': 'text/plain' } }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  it('echoes the body on /echo', async () => {
    const r = await send('/echo', 'some payload');
    assert.equal(r.status, 200);
    assert.equal(r.body, 'some payload');
    assert.equal(r.headers['content-type'], 'text/plain');
  });

  it('answers the status and headers the query asks for', async () => {
    const r = await send('/echo?status=418&header=X-Extra:yes&delay=10ms', 'x');
    assert.equal(r.status, 418);
    assert.equal(r.headers['x-extra'], 'yes');
    assert.equal(r.body, 'x');
  });

  it('describes the request on /debug', async () => {
    const r = await send('/debug?x=1', 'the body');
    assert.equal(r.status, 200);
    assert.match(r.body, /^Φορτίο version [\d.]+ echo debug server up for \d+s on fortio-pod - request from 127\.0\.0\.1:\d+\n\nPOST \/debug\?x=1 HTTP\/1\.1\n\nheaders:\n\nHost: 127\.0\.0\.1:\d+\n/);
    assert.match(r.body, /\nContent-Type: text\/plain\n/);
    assert.ok(r.body.endsWith('\nbody:\n\nthe body\n'));
  });
});
