import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createTcpEchoServer } from '../../samples/tcp-echo/server.js';
import { runProgram, type ProgramResult } from '../../../test/support/processes.js';

const main = fileURLToPath(new URL('./main.js', import.meta.url));

/** Runs the nc program as a shell pipeline would: `sh -c "INPUT | nc ARGS"`. */
function pipeline(input: string, args: string[]): Promise<ProgramResult> {
  const quoted = args.map((a) => `'${a}'`).join(' ');
  return runProgram('sh', ['-c', `${input} | "${process.execPath}" "${main}" ${quoted}`]);
}

describe('nc, the program', () => {
  const echo = createTcpEchoServer('hello').listen(0, '127.0.0.1');
  after(() => echo.close());
  const port = async (): Promise<string> => {
    if (!echo.listening) await once(echo, 'listening');
    return String((echo.address() as AddressInfo).port);
  };

  it('(date; sleep 1) | nc HOST PORT prints the tcp-echo answer and exits 0 when the server closes', async () => {
    const r = await pipeline('(date; sleep 1)', ['127.0.0.1', await port()]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^hello \S+ \S+ +\d+ [\d:]+ \S+ \d{4}\n$/);
    assert.equal(r.stderr, '');
  });

  it('prints -v\'s line on stderr, the answer on stdout', async () => {
    const p = await port();
    const r = await pipeline('echo ping', ['-v', '-w', '2', '127.0.0.1', p]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hello ping\n');
    assert.equal(r.stderr, `Connection to 127.0.0.1 ${p} port [tcp/*] succeeded!\n`);
  });

  it('answers an unknown option, -u and a missing port with one line and exit 1, never a stack trace', async () => {
    for (const [args, line] of [
      [['-y', '127.0.0.1', '9'], /^nc: invalid option -- 'y' \(usage: nc .*\)\n$/],
      [['-u', '127.0.0.1', '53'], /^nc: UDP \(-u\) is not supported by Weft's nc: TCP only\n$/],
      [['127.0.0.1'], /^usage: nc .*\n$/],
    ] as const) {
      const r = await pipeline('true', [...args]);
      assert.equal(r.code, 1, args.join(' '));
      assert.equal(r.stdout, '');
      assert.match(r.stderr, line);
    }
  });
});
