import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NetTable } from './net-table.js';
import { POD_ENV } from './pod-env.js';

const shimURL = new URL('./shim.js', import.meta.url).href;
const dir = mkdtempSync(join(tmpdir(), 'weft-'));
const tablePath = join(dir, 'table.json');
const children = new Set<ChildProcess>();
let server: http.Server;
let serverPort = 0;
// Stands in for a meshed pod's sidecar: reads the PROXY line the shim sends, then passes the rest to the server.
let sidecar: net.Server;
let sidecarAddress = '';
const proxyLines: string[] = [];

const BIND_IP = '127.0.0.3';

before(async () => {
  server = http.createServer((req, res) => {
    res.setHeader('content-type', 'text/plain');
    res.end(`hello from ${req.headers.host ?? '?'}${req.url ?? ''}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serverPort = (server.address() as AddressInfo).port;
  const table: NetTable = {
    version: 1,
    names: { 'web.demo.svc.cluster.local': ['127.201.1.1'] },
    services: { '127.201.1.1': { '80': [`127.0.0.1:${serverPort}`] } },
  };
  writeFileSync(tablePath, JSON.stringify(table));
  sidecar = net.createServer((app) => {
    let head = Buffer.alloc(0);
    const onData = (d: Buffer): void => {
      head = Buffer.concat([head, d]);
      const eol = head.indexOf('\r\n');
      if (eol < 0) return;
      app.off('data', onData);
      app.pause();
      proxyLines.push(head.subarray(0, eol).toString());
      const up = net.connect(serverPort, '127.0.0.1', () => {
        up.write(head.subarray(eol + 2));
        app.pipe(up).pipe(app);
      });
      up.on('error', () => app.destroy());
      app.on('close', () => up.destroy());
    };
    app.on('data', onData);
    app.on('error', () => app.destroy());
  });
  await new Promise<void>((resolve) => sidecar.listen(0, '127.0.0.1', resolve));
  sidecarAddress = `127.0.0.1:${(sidecar.address() as AddressInfo).port}`;
});

after(async () => {
  for (const c of children) if (c.pid !== undefined && c.exitCode === null && c.signalCode === null) process.kill(c.pid, 'SIGKILL');
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await new Promise<void>((resolve) => sidecar.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

const podEnv: Record<string, string> = {
  PATH: process.env.PATH ?? '',
  [POD_ENV.bindIP]: BIND_IP,
  [POD_ENV.localhostIP]: '127.0.0.1',
  [POD_ENV.namespace]: 'demo',
  [POD_ENV.netTablePath]: tablePath,
};

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a script in a Node process with the shim preloaded, and collects what it prints. */
function runInPod(script: string, env: Record<string, string> = podEnv, nodeArgs: string[] = []): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, '--import', shimURL, '--input-type=module', '-e', script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('pod network shim', () => {
  test('http.get to a service name reaches an endpoint', async () => {
    const r = await runInPod(`
      import http from 'node:http';
      http.get('http://web/path', (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => console.log(JSON.stringify({ status: res.statusCode, body })));
      }).on('error', (e) => { console.error(e.message); process.exit(2); });
    `);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { status: number; body: string };
    assert.equal(out.status, 200);
    // The Host header still names the service, as it would in a cluster.
    assert.equal(out.body, 'hello from web/path');
  });

  test('the fully qualified name and the cluster IP reach the endpoint too', async () => {
    const r = await runInPod(`
      import http from 'node:http';
      const get = (url) => new Promise((resolve, reject) => http.get(url, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); }).on('error', reject));
      console.log(await get('http://web.demo.svc.cluster.local/'), await get('http://127.201.1.1/'), await get('http://web.demo/'));
    `);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), '200 200 200');
  });

  test('localhost means the pod\'s loopback address', async () => {
    // A server on another loopback address stands in for the pod's own localhost.
    const own = http.createServer((_req, res) => res.end('own'));
    await new Promise<void>((resolve) => own.listen(0, '127.0.0.4', resolve));
    try {
      const port = (own.address() as AddressInfo).port;
      const r = await runInPod(
        `
        import net from 'node:net';
        const s = net.connect(${port}, 'localhost', () => { console.log(s.remoteAddress); s.end(); });
        s.on('error', (e) => { console.error(e.message); process.exit(2); });
      `,
        { ...podEnv, [POD_ENV.localhostIP]: '127.0.0.4' },
      );
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), '127.0.0.4');
    } finally {
      await new Promise<void>((resolve) => own.close(() => resolve()));
    }
  });

  test('a socket to a service reports the service address as its peer, routed or captured, as getpeername does', async () => {
    const script = `
      import net from 'node:net';
      const s = net.connect({ host: 'web', port: 80 });
      const before = s.remoteAddress;
      s.on('connect', () => {
        console.log(JSON.stringify({ before, address: s.remoteAddress, port: s.remotePort, family: s.remoteFamily }));
        s.end();
      });
      s.on('error', (e) => { console.error(e.message); process.exit(2); });
    `;
    const want = { address: '127.201.1.1', port: 80, family: 'IPv4' };
    const routed = await runInPod(script);
    assert.equal(routed.code, 0, routed.stderr);
    assert.deepEqual(JSON.parse(routed.stdout), want);
    const captured = await runInPod(script, { ...podEnv, [POD_ENV.capture]: sidecarAddress });
    assert.equal(captured.code, 0, captured.stderr);
    assert.deepEqual(JSON.parse(captured.stdout), want);
  });

  test('a wildcard listen binds the pod address', async () => {
    const r = await runInPod(`
      import net from 'node:net';
      const a = net.createServer().listen(0, () => {
        const b = net.createServer().listen({ port: 0, host: '0.0.0.0' }, () => {
          console.log(a.address().address, b.address().address);
          a.close(); b.close();
        });
      });
    `);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), `${BIND_IP} ${BIND_IP}`);
  });

  test('dns.lookup answers the cluster IP for a service name', async () => {
    const r = await runInPod(`
      import dns from 'node:dns';
      dns.lookup('web', (err, address, family) => {
        if (err) { console.error(err.message); process.exit(2); }
        dns.lookup('web', { all: true }, async (err2, all) => {
          const p = await dns.promises.lookup('web.demo.svc.cluster.local');
          console.log(JSON.stringify({ address, family, all, p }));
        });
      });
    `);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      address: '127.201.1.1',
      family: 4,
      all: [{ address: '127.201.1.1', family: 4 }],
      p: { address: '127.201.1.1', family: 4 },
    });
  });

  test('without the pod environment nothing is changed', async () => {
    const r = await runInPod(
      `
      import net from 'node:net';
      const s = net.createServer().listen(0, '127.0.0.1', () => { console.log(s.address().address); s.close(); });
    `,
      { PATH: process.env.PATH ?? '' },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), '127.0.0.1');
  });

  test('the process exits when its parent closes the IPC channel', async () => {
    // The child says when it is up; its own timer only keeps a broken shim from hanging the suite.
    const script = "process.send('up'); setTimeout(() => process.exit(3), 30_000)";
    const child = spawn(process.execPath, ['--import', shimURL, '-e', script], { env: podEnv, stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    children.add(child);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await new Promise<void>((resolve) => child.once('message', () => resolve()));
    child.disconnect();
    assert.equal(await exited, 0);
    children.delete(child);
  });

  test('the process exits when the channel closed before the shim ran', async () => {
    const script = 'setTimeout(() => process.exit(3), 5_000)';
    const child = spawn(process.execPath, ['--import', shimURL, '-e', script], { env: podEnv, stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    children.add(child);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await new Promise<void>((resolve) => child.once('spawn', () => resolve()));
    child.disconnect();
    assert.equal(await exited, 0, 'exit code 3 means the process outlived its parent\'s channel');
    children.delete(child);
  });
});

describe('node apps in pods leak every outbound connection (issue 7 defect 1)', () => {
  // Connects to the service name every way an app can, then checks each options object it passed is as it was,
  // and that a keep-alive agent files its sockets under the name it asked for and reuses them.
  const script = `
    import net from 'node:net';
    import http from 'node:http';
    const changed = [];
    const untouched = (label, o, connect) => new Promise((resolve, reject) => {
      const before = JSON.stringify(o);
      const s = connect(o, () => {
        if (JSON.stringify(o) !== before) changed.push(label + ': ' + JSON.stringify(o));
        s.end();
      });
      s.on('error', reject);
      s.on('close', resolve);
    });
    await untouched('net.connect', { host: 'web', port: 80 }, (o, cb) => net.connect(o, cb));
    await untouched('socket.connect', { host: 'web', port: 80 }, (o, cb) => new net.Socket().connect(o, cb));
    await untouched('net.createConnection', { host: 'web.demo.svc.cluster.local', port: '80' }, (o, cb) => net.createConnection(o, cb));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = () => new Promise((resolve, reject) => {
      http.get({ host: 'web', port: 80, path: '/', agent }, (res) => { res.resume(); res.on('end', resolve); }).on('error', reject);
    });
    await Promise.all([get(), get(), get()]);
    const pool = (p) => Object.fromEntries(Object.entries(p).map(([k, l]) => [k, l.length]));
    console.log(JSON.stringify({ changed, sockets: pool(agent.sockets), free: pool(agent.freeSockets) }));
    agent.destroy();
  `;
  const expected = { changed: [], sockets: {}, free: { 'web:80:': 1 } };

  test('a routed connection leaves the caller\'s options as they were', async () => {
    const r = await runInPod(script);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), expected);
  });

  test('a captured connection leaves the caller\'s options as they were', async () => {
    proxyLines.length = 0;
    const r = await runInPod(script, { ...podEnv, [POD_ENV.capture]: sidecarAddress });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), expected);
    // Three plain connections and one pooled for the three requests, each told the service's address.
    assert.deepEqual(proxyLines, Array(4).fill(`PROXY TCP4 ${BIND_IP} 127.201.1.1 0 80`));
  });

  test('20,000 requests through a bounded keep-alive agent finish on its few sockets, in flat memory', { timeout: 120_000 }, async () => {
    let accepted = 0;
    const onConnection = (): void => void accepted++;
    server.on('connection', onConnection);
    try {
      // Four callers share two sockets, so requests queue in the agent: with sockets it cannot find again
      // the third request waits forever and the process ends with its top-level await unsettled.
      const r = await runInPod(
        `
        import http from 'node:http';
        const total = 20_000;
        const warmUp = 2_000;
        const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
        const count = (pool) => Object.values(pool).reduce((n, l) => n + l.length, 0);
        const get = () => new Promise((resolve, reject) => {
          http.get({ host: 'web', port: 80, path: '/', agent }, (res) => { res.resume(); res.on('end', resolve); }).on('error', reject);
        });
        const rss = () => { globalThis.gc(); return process.memoryUsage().rss; };
        let started = 0;
        let done = 0;
        let warmRss = 0;
        const caller = async () => {
          while (started < total) {
            started++;
            await get();
            if (++done === warmUp) warmRss = rss();
          }
        };
        await Promise.all([caller(), caller(), caller(), caller()]);
        console.log(JSON.stringify({ done, open: count(agent.sockets) + count(agent.freeSockets), growth: rss() - warmRss }));
        agent.destroy();
      `,
        podEnv,
        ['--expose-gc'],
      );
      assert.equal(r.code, 0, `exit ${r.code} (13: requests left waiting for a socket): ${r.stderr}`);
      const out = JSON.parse(r.stdout) as { done: number; open: number; growth: number };
      assert.equal(out.done, 20_000);
      assert.ok(out.open <= 2, `the agent holds ${out.open} sockets, more than its maxSockets of 2`);
      assert.ok(accepted <= 4, `the server accepted ${accepted} connections for a pool of 2`);
      assert.ok(out.growth < 50 * 1024 * 1024, `RSS grew ${Math.round(out.growth / 1024 / 1024)} MB after warm-up`);
    } finally {
      server.off('connection', onConnection);
    }
  });
});
