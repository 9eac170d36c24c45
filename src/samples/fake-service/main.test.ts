import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check(), 'condition not reached');
}

describe('main', () => {
  it('prints one line and exits 1 on a bad configuration', async () => {
    const p = run({ ERROR_RATE: 'abc' });
    assert.equal(await p.exited, 1);
    assert.equal(p.err(), 'fake-service: ERROR_RATE: must be a number (got "abc")\n');
  });

  it('serves on LISTEN_ADDR and exits 0 on SIGTERM with a keep-alive connection open', async () => {
    const port = await freePort();
    const p = run({ LISTEN_ADDR: `127.0.0.1:${port}`, NAME: 'service-a' });
    await waitFor(() => p.out().includes('Started service'));
    assert.match(p.out(), new RegExp(`\\[INFO\\]  Started service: name=service-a upstreamURIs= upstreamWorkers=1 listenAddress=127\\.0\\.0\\.1:${port}\\n`));
    const agent = new http.Agent({ keepAlive: true });
    const status = await new Promise<number>((resolve, reject) => {
      http.get(`http://127.0.0.1:${port}/`, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      }).on('error', reject);
    });
    assert.equal(status, 200);
    p.child.kill('SIGTERM');
    assert.equal(await p.exited, 0);
    agent.destroy();
  });

  it('exits 0 on SIGINT', async () => {
    const p = run({ LISTEN_ADDR: '127.0.0.1:0' });
    await waitFor(() => p.out().includes('Started service'));
    p.child.kill('SIGINT');
    assert.equal(await p.exited, 0);
  });
});

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
