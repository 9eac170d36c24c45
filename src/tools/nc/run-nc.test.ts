import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { PassThrough } from 'node:stream';
import { parseNcArgs } from './parse-args.js';
import { runNc } from './run-nc.js';

interface Run {
  status: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs nc in this process on a command line; stdin is fed by the caller (or never ends). */
async function nc(argv: string[], feed: (stdin: PassThrough) => void = () => {}): Promise<Run> {
  const c = parseNcArgs(argv);
  assert.equal(c.kind, 'connect');
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const start = Date.now();
  const running = runNc(c.options, { stdin, stdout, stderr });
  feed(stdin);
  const status = await running;
  return { status, stdout: out, stderr: err, ms: Date.now() - start };
}

const servers: net.Server[] = [];
async function serve(onConnection: (s: net.Socket) => void): Promise<number> {
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    s.on('error', () => {});
    onConnection(s);
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as net.AddressInfo).port;
}

/** A port nothing listens on: bound by the system, then let go. */
async function closedPort(): Promise<number> {
  const s = net.createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as net.AddressInfo).port;
  s.close();
  await once(s, 'close');
  return port;
}

after(() => {
  for (const s of servers) {
    s.close();
    // Connections the tests left open on purpose (a silent server) must not hold the process.
    s.unref();
  }
});

describe('nc against local servers', () => {
  it('sends stdin, prints the echo, and ends when the server closes after stdin\'s EOF', async () => {
    const port = await serve((s) => {
      s.pipe(s);
    });
    const r = await nc(['127.0.0.1', String(port)], (stdin) => stdin.end('hello\nworld\n'));
    assert.deepEqual(r, { ...r, status: 0, stdout: 'hello\nworld\n', stderr: '' });
  });

  it('half-closes on stdin\'s EOF and reads what the server sends after it', async () => {
    let received = '';
    const port = await serve((s) => {
      s.on('data', (d: Buffer) => (received += d.toString()));
      // Answers only once the client has shut its write side down.
      s.on('end', () => setTimeout(() => s.end(`got ${received.length} bytes\n`), 100));
    });
    const r = await nc(['127.0.0.1', String(port)], (stdin) => {
      stdin.write('Fri Dec  4 16:20:00 UTC 2026\n');
      setTimeout(() => stdin.end(), 200);
    });
    assert.equal(r.status, 0);
    assert.equal(received, 'Fri Dec  4 16:20:00 UTC 2026\n');
    assert.equal(r.stdout, 'got 29 bytes\n');
  });

  it('ends when the server closes, with stdin still open', async () => {
    const port = await serve((s) => s.end('bye\n'));
    const r = await nc(['127.0.0.1', String(port)]);
    assert.equal(r.status, 0);
    assert.equal(r.stdout, 'bye\n');
  });

  it('sends CRLF line endings with -C', async () => {
    let received = '';
    const port = await serve((s) => {
      s.on('data', (d: Buffer) => (received += d.toString()));
      s.on('end', () => s.end());
    });
    await nc(['-C', '127.0.0.1', String(port)], (stdin) => stdin.end('GET / HTTP/1.0\n\n'));
    assert.equal(received, 'GET / HTTP/1.0\r\n\r\n');
  });

  it('exits 1 on a refused port, saying so only with -v', async () => {
    const port = await closedPort();
    const quiet = await nc(['127.0.0.1', String(port)]);
    assert.deepEqual([quiet.status, quiet.stdout, quiet.stderr], [1, '', '']);
    const loud = await nc(['-v', '127.0.0.1', String(port)]);
    assert.deepEqual([loud.status, loud.stderr], [1, `nc: connect to 127.0.0.1 port ${port} (tcp) failed: Connection refused\n`]);
  });

  it('-z connects, sends nothing and closes: exit 0, and -v says it succeeded', async () => {
    let sent = '';
    let connections = 0;
    const port = await serve((s) => {
      connections++;
      s.on('data', (d: Buffer) => (sent += d.toString()));
      s.on('end', () => s.end());
    });
    const r = await nc(['-zv', '127.0.0.1', String(port)], (stdin) => stdin.end('not sent\n'));
    assert.equal(r.status, 0);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `Connection to 127.0.0.1 ${port} port [tcp/*] succeeded!\n`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(connections, 1);
    assert.equal(sent, '');
    assert.equal((await nc(['-z', '127.0.0.1', String(await closedPort())])).status, 1);
  });

  it('-z over several ports reports each and exits 0 when one answered', async () => {
    const open = await serve((s) => s.end());
    const shut = await closedPort();
    const r = await nc(['-z', '-v', '127.0.0.1', String(shut), String(open)]);
    assert.equal(r.status, 0);
    assert.equal(r.stderr, `nc: connect to 127.0.0.1 port ${shut} (tcp) failed: Connection refused\nConnection to 127.0.0.1 ${open} port [tcp/*] succeeded!\n`);
  });

  it('names the address it reached when the destination is a name', async () => {
    const port = await serve((s) => s.end());
    const r = await nc(['-4', '-zv', 'localhost', String(port)]);
    assert.equal(r.stderr, `Connection to localhost (127.0.0.1) ${port} port [tcp/*] succeeded!\n`);
  });

  it('-w gives up on an idle connection after that many seconds, exit 0', async () => {
    // The server neither answers nor closes; stdin stays open.
    const port = await serve(() => {});
    const r = await nc(['-w', '1', '127.0.0.1', String(port)], (stdin) => stdin.write('anyone?\n'));
    assert.equal(r.status, 0);
    assert.ok(r.ms >= 900 && r.ms < 3000, `${r.ms} ms`);
  });

  it('-q quits that many seconds after stdin\'s EOF when the server keeps the connection open', async () => {
    let received = '';
    let ended = false;
    const port = await serve((s) => {
      s.on('data', (d: Buffer) => (received += d.toString()));
      s.on('end', () => (ended = true));
    });
    const r = await nc(['-q', '1', '127.0.0.1', String(port)], (stdin) => stdin.end('last words\n'));
    assert.equal(r.status, 0);
    assert.ok(r.ms >= 900 && r.ms < 3000, `${r.ms} ms`);
    assert.equal(received, 'last words\n');
    assert.equal(ended, true);
  });

  it('says a name that does not resolve as getaddrinfo does, exit 1', async () => {
    const r = await nc(['-n', 'tcp-echo', '9000']);
    assert.deepEqual([r.status, r.stderr], [1, 'nc: getaddrinfo for host "tcp-echo" port 9000: Name or service not known\n']);
    const bad = await nc(['no-such-host.invalid', '9000']);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /^nc: getaddrinfo for host "no-such-host\.invalid" port 9000: (Name or service not known|Temporary failure in name resolution|No address associated with hostname)\n$/);
  });
});
