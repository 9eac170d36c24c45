// Weft's own sample manifests (samples/), as the README's "Samples" section runs them: Bookinfo in
// one command (`npm run bookinfo`) then curl through the ingress gateway, and the other samples
// applied beside it and called from the curl pod.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { WeftSandbox, repoRoot } from '../support/weft-cli.js';

describe('Weft’s own samples', () => {
  const w = new WeftSandbox('weft-samples-');
  let gatewayUrl = '';

  before(async () => {
    // The script `npm run bookinfo` runs, with this sandbox's state directory.
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn('bash', [join(repoRoot, 'scripts', 'bookinfo.sh')], { env: w.env(), stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.on('data', (d: Buffer) => (text += d.toString()));
      child.stderr.on('data', (d: Buffer) => (text += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        if (code === 0) resolve(text);
        else reject(new Error(`scripts/bookinfo.sh exited ${code}: ${text}`));
      });
    });
    const m = /http:\/\/(\S+)\/productpage/.exec(out);
    assert.ok(m, out);
    gatewayUrl = m[1]!;
  });

  after(() => w.cleanup());

  it('npm run bookinfo leaves the product page answering through the ingress gateway', async () => {
    const r = spawnSync('curl', ['-s', '-w', '\n%{http_code}', `http://${gatewayUrl}/productpage`], { encoding: 'utf8' });
    const [body, code] = [r.stdout.slice(0, r.stdout.lastIndexOf('\n')), r.stdout.slice(r.stdout.lastIndexOf('\n') + 1)];
    assert.equal(code, '200');
    assert.match(body, /<title>Simple Bookstore App<\/title>/);
    assert.match(body, /The Comedy of Errors/);
    assert.doesNotMatch(body, /Error fetching product (details|reviews)/);
    const pods = (await w.ok(['get', 'pods', '-n', 'bookinfo', '--no-headers'])).trim().split('\n');
    assert.equal(pods.length, 6);
    for (const p of pods) assert.match(p, /\s2\/2\s+Running\s/);
  });

  it('running it again changes nothing and still prints the address', async () => {
    const r = spawnSync('bash', [join(repoRoot, 'scripts', 'bookinfo.sh')], { env: w.env(), encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`http://${gatewayUrl.replace(/\./g, '\\.')}/productpage`));
    assert.match(r.stdout, /unchanged/);
  });

  it('httpbin, curl, fortio, helloworld and tcp-echo run in the mesh and answer from the curl and fortio pods', async () => {
    await w.ok(['create', 'ns', 'samples']);
    await w.ok(['label', 'namespace', 'samples', 'istio-injection=enabled']);
    for (const s of ['httpbin/httpbin.yaml', 'curl/curl.yaml', 'fortio/fortio.yaml', 'helloworld/helloworld.yaml', 'tcp-echo/tcp-echo.yaml', 'bookinfo/destination-rules.yaml']) {
      await w.ok(['apply', '-n', 'samples', '-f', join(repoRoot, 'samples', s)]);
    }
    await w.ok(['-n', 'samples', 'wait', 'po', '--for', 'condition=Ready', '--all', '--timeout=120s'], { timeoutMs: 130_000 });
    const exec = (...cmd: string[]) => w.ok(['-n', 'samples', 'exec', 'deploy/curl', '-c', 'curl', '--', ...cmd]);
    const get = JSON.parse(await exec('curl', '-sS', 'http://httpbin:8000/get?show_env=1')) as { url: string; headers: Record<string, string[]> };
    assert.equal(get.url, 'http://httpbin:8000/get?show_env=1');
    assert.ok(get.headers['X-Request-Id'], JSON.stringify(get.headers));
    assert.equal(await exec('curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', 'http://httpbin:8000/status/418'), '418');
    const versions = new Set<string>();
    for (let i = 0; i < 12 && versions.size < 2; i++) {
      const line = (await exec('curl', '-sS', 'http://helloworld:5000/hello')).trim();
      const m = /^Hello version: (v[12]), instance: helloworld-v[12]-[a-z0-9]+-[a-z0-9]+$/.exec(line);
      assert.ok(m, line);
      versions.add(m[1]!);
    }
    assert.deepEqual([...versions].sort(), ['v1', 'v2']);
    const load = await w.ok(['-n', 'samples', 'exec', 'deploy/fortio-deploy', '-c', 'fortio', '--', 'fortio', 'load', '-c', '2', '-qps', '0', '-n', '10', '-loglevel', 'Warning', 'http://httpbin:8000/get']);
    assert.match(load, /^Code 200 : 10 \(100\.0 %\)$/m);
    assert.match(load, /^All done 10 calls /m);
    const echo = await exec('sh', '-c', 'echo world | nc tcp-echo 9000');
    assert.equal(echo, 'hello world\n');
  });
});
