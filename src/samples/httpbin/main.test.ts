import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { exchange } from '../../../test/support/http-exchange.js';

function run(entry: string, args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [fileURLToPath(new URL(entry, import.meta.url)), ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const port = new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on http:\/\/[^\s]+:(\d+)\n/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', () => reject(new Error(`exited before listening: ${stderr}`)));
  });
  return { child, exited, port, err: () => stderr };
}

describe('httpbin entries', () => {
  it('kennethreitz: binds where gunicorn -b says, serves its shape, exits 0 on SIGTERM', async () => {
    const p = run('./main.js', ['gunicorn', '-b', '127.0.0.1:0', 'httpbin:app']);
    const r = await exchange(await p.port, '/headers');
    assert.equal(typeof (JSON.parse(r.text) as { headers: Record<string, unknown> }).headers.Host, 'string');
    p.child.kill('SIGTERM');
    assert.equal(await p.exited, 0);
  });

  it('go-httpbin: honours -host and -port, serves its shape, exits 0 on SIGINT', async () => {
    const p = run('./go-main.js', ['-host', '127.0.0.1', '-port', '0'], { PORT: '1' });
    const r = await exchange(await p.port, '/headers');
    assert.ok(Array.isArray((JSON.parse(r.text) as { headers: Record<string, unknown> }).headers.Host));
    p.child.kill('SIGINT');
    assert.equal(await p.exited, 0);
  });

  it('citizenstig: the kennethreitz shape, also bindable with -b', async () => {
    const p = run('./citizenstig-main.js', ['-b', '127.0.0.1:0']);
    const r = await exchange(await p.port, '/ip');
    assert.deepEqual(JSON.parse(r.text), { origin: '127.0.0.1' });
    p.child.kill('SIGTERM');
    assert.equal(await p.exited, 0);
  });

  it('go-httpbin exits 2 with one error line on a bad PORT', async () => {
    const p = run('./go-main.js', [], { PORT: 'x' });
    p.port.catch(() => undefined);
    assert.equal(await p.exited, 2);
    assert.equal(p.err(), 'error: invalid value "x" for env var PORT: parse error\n');
  });

  it('kennethreitz exits 1 with one line on a bad bind', async () => {
    const p = run('./main.js', ['-b', '0.0.0.0:http']);
    p.port.catch(() => undefined);
    assert.equal(await p.exited, 1);
    assert.equal(p.err(), 'httpbin: invalid --bind port: "http"\n');
  });
});
