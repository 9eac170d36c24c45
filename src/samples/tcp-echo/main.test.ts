import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';

const main = fileURLToPath(new URL('./main.js', import.meta.url));

/** Sends the lines on one connection and collects what comes back until the server closes it. */
async function exchange(port: number, text: string): Promise<string> {
  const socket = net.connect({ host: '127.0.0.1', port });
  await once(socket, 'connect');
  let got = '';
  socket.on('data', (d: Buffer) => (got += d.toString()));
  socket.end(text);
  await once(socket, 'close');
  return got;
}

describe('tcp-echo-server', () => {
  // Two ports picked by the system; the program prints each as it listens.
  const child = spawn(process.execPath, [main, '0,0', 'hello'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  after(async () => {
    child.kill('SIGTERM');
    if (child.exitCode === null) await once(child, 'exit');
  });

  async function ports(): Promise<number[]> {
    while ((out.match(/listening on/g) ?? []).length < 2) await once(child.stdout, 'data');
    return [...out.matchAll(/listening on \[::\]:(\d+), prefix: hello\n/g)].map((m) => Number(m[1]));
  }

  it('echoes each line with the prefix on every port', async () => {
    const [a, b] = await ports();
    assert.equal(await exchange(a!, 'one\ntwo\n'), 'hello one\nhello two\n');
    assert.equal(await exchange(b!, 'three\n'), 'hello three\n');
  });

  it('drops a last line without a newline, as the original does', async () => {
    const [a] = await ports();
    assert.equal(await exchange(a!, 'four\nfive'), 'hello four\n');
  });

  it('logs each request and response', async () => {
    const [a] = await ports();
    await exchange(a!, 'six\n');
    // The child's log arrives through its stdout pipe, possibly after the socket closed.
    while (!/request: six\nresponse: hello six\n/.test(out)) await once(child.stdout, 'data');
  });
});
