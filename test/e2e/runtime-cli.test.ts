// The local runtime through the CLI, beyond the workshop's happy path: images it does not have,
// local commands, crash loops, invalid input, the API's token, logs -f, describe, and a restart
// that resumes where it was.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WeftSandbox, manifestDir, weftBin } from '../support/weft-cli.js';

describe('runtime and CLI', () => {
  const w = new WeftSandbox('weft-e2e-cli-');

  before(async () => {
    await w.ok(['up']);
  });

  after(async () => {
    await w.cleanup();
  });

  it('shows an image it does not have as ErrImagePull, with a message saying what to do', async () => {
    assert.equal(await w.ok(['run', 'web', '--image=nginx:1.25']), 'pod/web created\n');
    const status = await until(async () => {
      const out = await w.ok(['get', 'pod', 'web']);
      return /ErrImagePull|ImagePullBackOff/.test(out) ? out : undefined;
    });
    assert.match(status, /^web\s+0\/1\s+(ErrImagePull|ImagePullBackOff)\s+0\s+\d+s$/m);
    const described = await w.ok(['describe', 'pod', 'web']);
    assert.match(described, /image "nginx:1\.25" is not built into Weft/);
    assert.match(described, /local-command\.weft\.dev\/web/);
  });

  it('runs a local command in place of an image when annotated, with the pod network', async () => {
    const script = 'require("http").createServer((q,s)=>s.end("local "+process.env.GREETING)).listen(9000)';
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'local', labels: { app: 'local' }, annotations: { 'local-command.weft.dev/app': `node -e '${script}'` } },
      spec: { containers: [{ name: 'app', image: 'example.com/whatever:1', env: [{ name: 'GREETING', value: 'hello' }], ports: [{ containerPort: 9000 }], readinessProbe: { tcpSocket: { port: 9000 }, periodSeconds: 1 } }] },
    };
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'local' }, spec: { selector: { app: 'local' }, ports: [{ port: 80, targetPort: 9000 }] } };
    await w.ok(['apply', '-f', '-'], { input: `${JSON.stringify(pod)}\n---\n${JSON.stringify(svc)}\n` });
    await w.ok(['wait', 'pod/local', '--for', 'condition=Ready', '--timeout=30s']);
    // A tools container reaches it by service name on port 80, as kube-proxy would route it.
    await w.ok(['run', 'tools', '--image=radial/busyboxplus:curl', '--', 'tail', '-f', '/dev/null']);
    await w.ok(['wait', 'pod/tools', '--for', 'condition=Ready', '--timeout=30s']);
    assert.equal(await w.ok(['exec', 'tools', '--', 'curl', '-s', 'http://local']), 'local hello');
    assert.equal(await w.ok(['exec', 'tools', '--', 'curl', '-s', 'local.default.svc.cluster.local']), 'local hello');
    const failed = await w.run(['exec', 'tools', '--', 'curl', '-s', 'http://nothing-here.default']);
    assert.equal(failed.code, 6);
    assert.match(failed.stderr, /command terminated with exit code 6/);
  });

  it('restarts a crashing container with back-off and counts the restarts', async () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'crasher', annotations: { 'local-command.weft.dev/app': 'echo starting; exit 3' } },
      spec: { containers: [{ name: 'app', image: 'local/crasher' }] },
    };
    await w.ok(['apply', '-f', '-'], { input: JSON.stringify(pod) });
    const out = await until(async () => {
      const o = await w.ok(['get', 'pod', 'crasher']);
      return /CrashLoopBackOff/.test(o) ? o : undefined;
    });
    assert.match(out, /^crasher\s+0\/1\s+CrashLoopBackOff\s+[1-9]\d*( \(\d+s ago\))?\s+\d+s$/m);
    assert.match(await w.ok(['logs', 'crasher']), /starting/);
  });

  it('rejects an invalid manifest naming file, document and field, and applies nothing', async () => {
    const file = join(w.home, 'bad.yaml');
    const good = readFileSync(join(manifestDir(), 'services-b.yaml'), 'utf8');
    writeFileSync(file, `${good}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: broken\nspec:\n  selector:\n    matchLabels: {app: broken}\n  template:\n    metadata:\n      labels: {app: broken}\n    spec:\n      containers:\n      - name: broken\n        imagee: busybox\n`);
    const r = await w.run(['apply', '-f', file]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /bad\.yaml:\d+ document 4 \(Deployment broken\): spec\.template\.spec\.containers\[0\]\.imagee: unknown field "imagee"/);
    assert.match(r.stderr, /spec\.template\.spec\.containers\[0\]\.image: required field is missing/);
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/);
    const svc = await w.run(['get', 'svc', 'service-b']);
    assert.equal(svc.code, 1);
    assert.equal(svc.stderr, 'Error from server (NotFound): services "service-b" not found\n');
  });

  it('no object size limit (issue 7 defect 2): an oversized ConfigMap is one line naming file, document and field, and nothing is applied', async () => {
    const file = join(w.home, 'big.yaml');
    writeFileSync(file, `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: small\ndata:\n  k: v\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  k: "${'x'.repeat(1200 * 1024)}"\n`);
    const r = await w.run(['apply', '-f', file]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `error: ${file}:13 document 2 (ConfigMap default/big): data: Too long: must have at most 1048576 bytes (has ${1200 * 1024 + 1})\n`);
    const small = await w.run(['get', 'cm', 'small']);
    assert.equal(small.stderr, 'Error from server (NotFound): configmaps "small" not found\n');
  });

  it('label and annotate skip validation (issue 7 defect 5): bad keys and values are one-line errors', async () => {
    const bad = await w.run(['label', 'ns', 'default', 'Bad Key!=x y']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^error: invalid label value: "Bad Key!=x y": a valid label must be an empty string or consist of alphanumeric characters, .*\n$/);
    const key = await w.run(['label', 'ns', 'default', 'Bad Key!=x']);
    assert.equal(key.code, 1);
    assert.match(key.stderr, /^error: Namespace default: metadata\.labels: Invalid value: "Bad Key!": name part must consist of alphanumeric characters, .*\n$/);
    const annotation = await w.run(['annotate', 'ns', 'default', 'a/b/c=v']);
    assert.equal(annotation.code, 1);
    assert.match(annotation.stderr, /^error: Namespace default: metadata\.annotations: Invalid value: "a\/b\/c": a qualified name must consist of .*\n$/);
    assert.doesNotMatch(await w.ok(['get', 'ns', 'default', '-o', 'yaml']), /Bad Key|a\/b\/c/);
  });

  it('answers errors in one line with a non-zero exit', async () => {
    for (const args of [['get', 'nosuchkind'], ['frobnicate'], ['logs'], ['get', 'pods', '--bogus-flag']]) {
      const r = await w.run(args);
      assert.notEqual(r.code, 0, args.join(' '));
      assert.match(r.stderr, /^error: /, args.join(' '));
      assert.ok(r.stderr.trim().split('\n').length <= 2, r.stderr);
    }
  });

  it('refuses API requests without the token, and bad requests change nothing', async () => {
    const info = JSON.parse(readFileSync(join(w.home, 'runtime.json'), 'utf8')) as { host: string; port: number };
    const token = readFileSync(join(w.home, 'token'), 'utf8').trim();
    assert.equal((await api(info, 'GET', '/v1/list?kind=Pod')).status, 401);
    assert.equal((await api(info, 'GET', '/v1/list?kind=Pod', undefined, 'Bearer wrong')).status, 401);
    const before = (await api(info, 'GET', '/v1/list?kind=Pod', undefined, `Bearer ${token}`)).body;
    const bad = await api(info, 'POST', '/v1/apply', '{"sources": 3', `Bearer ${token}`);
    assert.equal(bad.status, 400);
    const after = (await api(info, 'GET', '/v1/list?kind=Pod', undefined, `Bearer ${token}`)).body;
    assert.equal(JSON.parse(after).items.length, JSON.parse(before).items.length);
  });

  it('follows logs with -f', async () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'ticker', annotations: { 'local-command.weft.dev/app': 'i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.2; done' } },
      spec: { containers: [{ name: 'app', image: 'local/ticker' }] },
    };
    await w.ok(['apply', '-f', '-'], { input: JSON.stringify(pod) });
    await w.ok(['wait', 'pod/ticker', '--for', 'condition=Ready', '--timeout=30s']);
    const f = await w.start(['logs', '-f', 'ticker'], /tick 3\n/);
    f.child.kill('SIGTERM');
  });

  it('the CLI dies on a closed pipe (issue 7 defect 7): logs -f | head -1 ends quietly', async () => {
    // `weft logs -f ticker | head -1`: the reader takes one line and goes; the next line weft writes ends it.
    const child = spawn(process.execPath, [weftBin, 'logs', '-f', 'ticker'], { env: w.env(), stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
      const first = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const nl = out.indexOf('\n');
          if (nl < 0) return;
          child.stdout.destroy();
          resolve(out.slice(0, nl));
        });
        child.once('exit', (code) => reject(new Error(`weft logs -f exited ${code} before a line: ${stderr}`)));
      });
      assert.match(first, /^tick \d+$/);
      // The ticker writes every 0.2 s; a weft still following after 15 s did not notice.
      const guard = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const end = await ended;
      clearTimeout(guard);
      assert.equal(stderr, '');
      assert.deepEqual(end, { code: null, signal: 'SIGPIPE' });
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  it('prints yaml, json, jsonpath and label-selected lists', async () => {
    const yaml = await w.ok(['get', 'pod', 'tools', '-o', 'yaml']);
    assert.match(yaml, /^apiVersion: v1\nkind: Pod\n/);
    const ip = await w.ok(['get', 'pod', 'tools', '-o', 'jsonpath={.status.podIP}']);
    assert.match(ip, /^127\.\d+\.\d+\.\d+$/);
    const names = await w.ok(['get', 'pods', '-l', 'app=local', '-o', 'name']);
    assert.equal(names, 'pod/local\n');
    const all = await w.ok(['get', 'pods', '-A']);
    assert.match(all.split('\n')[0]!, /^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
  });

  it('resumes after a restart: the same pods, addresses and services come back', async () => {
    const before = JSON.parse(await w.ok(['get', 'pod', 'local', '-o', 'json'])) as { status: { podIP: string }; metadata: { uid: string } };
    assert.match(await w.ok(['down'], { timeoutMs: 90_000 }), /Weft stopped/);
    assert.deepEqual(w.processesOfThisRuntime(), []);
    await w.ok(['up']);
    await w.ok(['wait', 'pod/local', '--for', 'condition=Ready', '--timeout=30s']);
    const afterRestart = JSON.parse(await w.ok(['get', 'pod', 'local', '-o', 'json'])) as { status: { podIP: string }; metadata: { uid: string } };
    assert.equal(afterRestart.metadata.uid, before.metadata.uid);
    assert.equal(afterRestart.status.podIP, before.status.podIP);
    await w.ok(['wait', 'pod/tools', '--for', 'condition=Ready', '--timeout=30s']);
    assert.equal(await w.ok(['exec', 'tools', '--', 'curl', '-s', 'http://local']), 'local hello');
  });

  it('deletes by file, by name and by namespace', async () => {
    await w.ok(['create', 'ns', 'scratch']);
    await w.ok(['-n', 'scratch', 'apply', '-f', join(manifestDir(), 'services-b.yaml')]);
    assert.equal(await w.ok(['-n', 'scratch', 'delete', '-f', join(manifestDir(), 'services-b.yaml')]), 'serviceaccount "service-b" deleted\nservice "service-b" deleted\ndeployment.apps "service-b" deleted\n');
    assert.equal(await w.ok(['delete', 'pod', 'crasher']), 'pod "crasher" deleted\n');
    assert.equal(await w.ok(['delete', 'ns', 'scratch']), 'namespace "scratch" deleted\n');
    await until(async () => ((await w.run(['get', 'ns', 'scratch'])).code === 1 ? true : undefined));
  });
});

async function until<T>(f: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('condition not met in time');
}

function api(info: { host: string; port: number }, method: string, path: string, body?: string, auth?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: info.host, port: info.port, method, path, headers: auth ? { authorization: auth } : {} }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
