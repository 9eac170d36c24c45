import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import { PassThrough } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { CurlError } from './curl-error.js';
import { parseCurlArgs } from './parse-args.js';
import { runCurl } from './run-curl.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function curl(...argv: string[]): Promise<Run> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString('latin1')));
  stderr.on('data', (c: Buffer) => (err += c.toString('latin1')));
  let code: number;
  try {
    code = await runCurl(parseCurlArgs(argv), { stdout, stderr });
  } catch (e) {
    if (!(e instanceof CurlError)) throw e;
    err += e.render();
    code = e.exitCode;
  }
  return { code, stdout: out, stderr: err };
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/** A plain TCP server whose sockets are tracked, so ones that never answer can be shut down. */
function rawServer(onSocket: (socket: net.Socket) => void): net.Server {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    onSocket(socket);
  });
  rawSockets.set(server, sockets);
  return server;
}

const rawSockets = new Map<net.Server, Set<net.Socket>>();

function close(server: net.Server): Promise<void> {
  for (const socket of rawSockets.get(server) ?? []) socket.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

describe('curl against real servers', () => {
  let port = 0;
  let base = '';
  const web = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/fail') {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end('boom');
        return;
      }
      if (req.url === '/redirect') {
        res.writeHead(302, { Location: '/landing' });
        res.end();
        return;
      }
      if (req.url === '/echo') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify({
            method: req.method,
            headers: req.headers,
            rawHeaders: req.rawHeaders,
            body: Buffer.concat(chunks).toString(),
          }),
        );
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/plain', 'X-Mixed-Case': 'Yes' });
      res.end(req.url === '/landing' ? 'landed\n' : 'hello\n');
    });
  });

  const resetter = rawServer((s) => s.once('data', () => s.resetAndDestroy()));
  const silent = rawServer((s) => s.once('data', () => s.end()));
  const sleeper = rawServer(() => undefined);
  const h2c = http2.createServer((req, res) => {
    res.setHeader('x-proto', 'h2');
    res.end(`h2 ${req.httpVersion}\n`);
  });
  let resetPort = 0;
  let silentPort = 0;
  let sleeperPort = 0;
  let h2cPort = 0;
  let closedPort = 0;

  before(async () => {
    port = await listen(web);
    base = `http://127.0.0.1:${port}`;
    resetPort = await listen(resetter);
    silentPort = await listen(silent);
    sleeperPort = await listen(sleeper);
    h2cPort = await listen(h2c);
    const probe = net.createServer();
    closedPort = await listen(probe);
    await close(probe);
  });

  after(async () => {
    web.closeAllConnections();
    await Promise.all([close(web), close(resetter), close(silent), close(sleeper), close(h2c)]);
  });

  it('prints a 200 body and exits 0', async () => {
    const r = await curl('-s', `${base}/`);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'hello\n');
    assert.equal(r.stderr, '');
  });

  it('accepts host:port/path without a scheme', async () => {
    const r = await curl('-s', `127.0.0.1:${port}/landing`);
    assert.equal(r.stdout, 'landed\n');
  });

  it('-I prints the status line and headers as received, CRLF-terminated', async () => {
    const r = await curl('-sI', `${base}/`);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(r.stdout, /\r\nX-Mixed-Case: Yes\r\n/);
    assert.ok(r.stdout.endsWith('\r\n\r\n'));
    assert.ok(!r.stdout.includes('hello'));
  });

  it('-i puts the headers before the body', async () => {
    const r = await curl('-s', '-i', `${base}/`);
    assert.match(r.stdout, /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nhello\n$/);
  });

  it("-s -o /dev/null -w '%{http_code}' prints only the code", async () => {
    const r = await curl('-s', '-o', '/dev/null', '-w', '%{http_code}', `${base}/`);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '200');
  });

  it('-w knows the common variables and escapes', async () => {
    const r = await curl(
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{response_code} %{size_download} %{url_effective} %{remote_ip} %{remote_port} %{exitcode} %{content_type}\\n',
      `127.0.0.1:${port}`,
    );
    assert.equal(r.stdout, `200 6 http://127.0.0.1:${port}/ 127.0.0.1 ${port} 0 text/plain\n`);
    const timed = await curl('-s', '-o', '/dev/null', '-w', '%{time_total}', `${base}/`);
    assert.match(timed.stdout, /^\d+\.\d{6}$/);
  });

  it('-f on a 500 exits 22 with the error line', async () => {
    const r = await curl('-sS', '-f', `${base}/fail`);
    assert.equal(r.code, 22);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'curl: (22) The requested URL returned error: 500\n');
    const quiet = await curl('-sf', `${base}/fail`);
    assert.equal(quiet.code, 22);
    assert.equal(quiet.stderr, '');
  });

  it('without -f a 500 is a successful transfer', async () => {
    const r = await curl('-s', '-w', ' %{http_code}', `${base}/fail`);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'boom 500');
  });

  it('a refused connection exits 7', async () => {
    const r = await curl('-sS', `http://127.0.0.1:${closedPort}/`);
    assert.equal(r.code, 7);
    assert.match(
      r.stderr,
      new RegExp(`^curl: \\(7\\) Failed to connect to 127\\.0\\.0\\.1 port ${closedPort} after \\d+ ms: Couldn't connect to server\\n$`),
    );
  });

  it('a reset after the request was read exits 56', async () => {
    const r = await curl('-sS', `http://127.0.0.1:${resetPort}/`);
    assert.equal(r.code, 56);
    assert.equal(r.stderr, 'curl: (56) Recv failure: Connection reset by peer\n');
  });

  it('a close without an answer exits 52', async () => {
    const r = await curl('-sS', `http://127.0.0.1:${silentPort}/`);
    assert.equal(r.code, 52);
    assert.equal(r.stderr, 'curl: (52) Empty reply from server\n');
  });

  it('-m gives up with 28', async () => {
    const started = Date.now();
    const r = await curl('-sS', '-m', '0.2', `http://127.0.0.1:${sleeperPort}/`);
    assert.equal(r.code, 28);
    assert.match(r.stderr, /^curl: \(28\) Operation timed out after \d+ milliseconds with 0 bytes received\n$/);
    assert.ok(Date.now() - started < 2000);
  });

  it('an unresolvable host exits 6', async () => {
    const r = await curl('-sS', 'http://no-such-host.invalid/');
    assert.equal(r.code, 6);
    assert.equal(r.stderr, 'curl: (6) Could not resolve host: no-such-host.invalid\n');
  });

  it('-s alone hides error messages but keeps the exit code', async () => {
    const r = await curl('-s', 'http://no-such-host.invalid/');
    assert.equal(r.code, 6);
    assert.equal(r.stderr, '');
  });

  it('-H and -d reach the server', async () => {
    const r = await curl('-s', '-H', 'X-Test: one', '-H', 'Host: example.test', '-d', 'a=1', '-d', 'b=2', `${base}/echo`);
    const seen = JSON.parse(r.stdout) as { method: string; headers: Record<string, string>; body: string };
    assert.equal(seen.method, 'POST');
    assert.equal(seen.headers['x-test'], 'one');
    assert.equal(seen.headers.host, 'example.test');
    assert.equal(seen.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(seen.headers['user-agent'], 'curl/8.5.0');
    assert.equal(seen.body, 'a=1&b=2');
  });

  it('-X sets the method and an empty -H removes a header', async () => {
    const r = await curl('-s', '-X', 'DELETE', '-H', 'Accept:', `${base}/echo`);
    const seen = JSON.parse(r.stdout) as { method: string; headers: Record<string, string> };
    assert.equal(seen.method, 'DELETE');
    assert.equal(seen.headers.accept, undefined);
  });

  it('-u sends Basic credentials', async () => {
    const r = await curl('-s', '-u', 'user:pass', `${base}/echo`);
    const seen = JSON.parse(r.stdout) as { headers: Record<string, string> };
    assert.equal(seen.headers.authorization, `Basic ${Buffer.from('user:pass').toString('base64')}`);
  });

  it('-L follows a redirect; without it the 302 is returned', async () => {
    const followed = await curl('-s', '-L', '-w', '%{http_code} %{num_redirects} %{url_effective}', `${base}/redirect`);
    assert.equal(followed.stdout, `landed\n200 1 ${base}/landing`);
    const plain = await curl('-s', '-w', '%{http_code} %{redirect_url}', `${base}/redirect`);
    assert.equal(plain.stdout, `302 ${base}/landing`);
  });

  it('--max-redirs limits -L with exit 47', async () => {
    const r = await curl('-sS', '-L', '--max-redirs', '0', `${base}/redirect`);
    assert.equal(r.code, 47);
    assert.equal(r.stderr, 'curl: (47) Maximum (0) redirects followed\n');
  });

  it('--http2-prior-knowledge speaks h2c', async () => {
    const r = await curl('-s', '-i', '--http2-prior-knowledge', `http://127.0.0.1:${h2cPort}/`);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^HTTP\/2 200 \r\n/);
    assert.match(r.stdout, /\r\nx-proto: h2\r\n/);
    assert.ok(r.stdout.endsWith('\r\n\r\nh2 2.0\n'));
    const version = await curl('-s', '-o', '/dev/null', '-w', '%{http_version}', '--http2-prior-knowledge', `http://127.0.0.1:${h2cPort}/`);
    assert.equal(version.stdout, '2');
  });

  it('-v shows connection, request and response lines', async () => {
    const r = await curl('-sv', `${base}/`);
    assert.equal(r.code, 0);
    assert.ok(r.stderr.includes(`*   Trying 127.0.0.1:${port}...\n`));
    assert.ok(r.stderr.includes(`* Connected to 127.0.0.1 (127.0.0.1) port ${port} (#0)\n`));
    assert.ok(r.stderr.includes('> GET / HTTP/1.1\r\n'));
    assert.ok(r.stderr.includes(`> Host: 127.0.0.1:${port}\r\n`));
    assert.ok(r.stderr.includes('> User-Agent: curl/8.5.0\r\n'));
    assert.ok(r.stderr.includes('< HTTP/1.1 200 OK\r\n'));
    assert.ok(r.stderr.includes('* Connection #0 to host 127.0.0.1 left intact\n'));
    assert.equal(r.stdout, 'hello\n');
  });

  it('shows the progress meter on stderr when not silent and not on a terminal', async () => {
    const r = await curl(`${base}/`);
    assert.ok(r.stderr.startsWith('  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n'));
    assert.ok(r.stderr.endsWith('\n'));
    // No Content-Length here (chunked), so only the running total is known.
    assert.match(r.stderr, /\r100     6    0     6    0     0 /);
  });

  it('handles several URLs and reports the last exit code', async () => {
    const r = await curl('-sS', `${base}/`, `http://127.0.0.1:${closedPort}/`, `${base}/landing`);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'hello\nlanded\n');
    assert.match(r.stderr, /^curl: \(7\) /);
  });

  it('reuses a kept-alive connection for the next URL', async () => {
    const r = await curl('-sv', `${base}/`, `${base}/landing`);
    assert.ok(r.stderr.includes('* Re-using existing connection #0 with host 127.0.0.1\n'));
    assert.equal(r.stdout, 'hello\nlanded\n');
  });

  it('a malformed URL exits 3', async () => {
    const r = await curl('-sS', `http://127.0.0.1:99999/`);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /^curl: \(3\) URL rejected: Port number/);
  });

  it('an unknown option exits 2 with curl\'s hint', async () => {
    const r = await curl('--foo', base);
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      "curl: option --foo: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n",
    );
  });
});
