import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { execSpec, fortioMain, ncMain, shimsDir } from './launch.js';

// The shim's --import gets a module that does nothing: this checks the shim and the entry, not the pod network.
const env = { PATH: `${shimsDir}:${process.env.PATH ?? ''}`, WEFT_NODE: process.execPath, WEFT_NET_SHIM: 'data:text/javascript,', WEFT_FORTIO: fortioMain, WEFT_NC: ncMain };

async function run(argv: string[], e: Record<string, string>): Promise<{ code: number; stdout: string }> {
  const child = spawn(argv[0]!, argv.slice(1), { env: e, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const [code] = (await once(child, 'close')) as [number];
  return { code, stdout };
}

describe('exec into a fortio container', () => {
  const plan = { kind: 'sample', entry: 'tools/fortio/main.js' } as const;

  for (const program of ['/usr/bin/fortio', '/usr/local/bin/fortio', 'fortio']) {
    it(`runs Weft's fortio for ${program}`, async () => {
      const spec = execSpec([program, 'version'], env, '/tmp', plan);
      const r = await run(spec.argv, spec.env);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /^\d+\.\d+\.\d+\n$/);
    });
  }

  it('leaves other absolute paths alone', () => {
    assert.deepEqual(execSpec(['/usr/bin/env', 'x'], env, '/tmp', plan).argv, ['/usr/bin/env', 'x']);
    assert.deepEqual(execSpec(['/usr/bin/fortio', 'load'], env, '/tmp', plan).argv, [join(shimsDir, 'fortio'), 'load']);
  });
});

describe('exec with nc', () => {
  const plan = { kind: 'tools' } as const;

  for (const program of ['/usr/bin/nc', '/bin/nc', 'nc']) {
    it(`runs Weft's nc for ${program}`, async () => {
      const spec = execSpec([program, '-h'], env, '/tmp', plan);
      const child = spawn(spec.argv[0]!, spec.argv.slice(1), { env: spec.env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      await once(child, 'close');
      assert.match(stderr, /^OpenBSD netcat \(Weft's TCP client\)\n/);
    });
  }

  it('puts the shim in place of the image\'s nc', () => {
    assert.deepEqual(execSpec(['/usr/bin/nc', '-zv', 'tcp-echo', '9000'], env, '/tmp', plan).argv, [join(shimsDir, 'nc'), '-zv', 'tcp-echo', '9000']);
  });
});
