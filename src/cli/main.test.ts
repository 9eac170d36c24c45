import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { statePaths } from '../runtime/paths.js';
import { CliError } from './errors.js';
import { extractGlobals, runCli } from './main.js';

const weftBin = new URL('../../../bin/weft', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'weft-'));
after(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
function freshHome(): string {
  return join(root, `home-${n++}`);
}

interface Ran {
  code: number;
  out: string;
  err: string;
}

async function run(argv: string[], home: string): Promise<Ran> {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    out: (s) => (out += s),
    err: (s) => (err += s),
    env: { WEFT_HOME: home, PATH: process.env.PATH ?? '' },
    stdin: Readable.from([]),
  });
  return { code, out, err };
}

function lines(s: string): string[] {
  return s.split('\n').filter((l) => l !== '');
}

describe('extractGlobals', () => {
  test('takes the namespace in every spelling, before or after the verb', () => {
    const cases: Array<[string[], string[]]> = [
      [['-n', 'foo', 'get', 'pods'], ['get', 'pods']],
      [['get', 'pods', '-n', 'foo'], ['get', 'pods']],
      [['--namespace=foo', 'get', 'pods'], ['get', 'pods']],
      [['get', '--namespace=foo', 'pods'], ['get', 'pods']],
      [['--namespace', 'foo', 'get', 'pods'], ['get', 'pods']],
      [['-nfoo', 'get', 'pods'], ['get', 'pods']],
      [['get', 'pods', '-nfoo'], ['get', 'pods']],
    ];
    for (const [args, rest] of cases) {
      assert.deepEqual(extractGlobals(args), { rest, namespace: 'foo', help: false }, args.join(' '));
    }
  });

  test('the last namespace wins; other flags and help are sorted out', () => {
    assert.equal(extractGlobals(['-n', 'a', 'get', '-n', 'b']).namespace, 'b');
    assert.deepEqual(extractGlobals(['get', 'pods', '-o', 'wide', '--help']), { rest: ['get', 'pods', '-o', 'wide'], help: true });
    assert.deepEqual(extractGlobals(['--context', 'weft', 'get', '--kubeconfig=x', 'pods', '-h']), { rest: ['get', 'pods'], help: true });
    // A long flag that merely starts with -n is not the namespace.
    assert.deepEqual(extractGlobals(['get', '--no-headers']), { rest: ['get', '--no-headers'], help: false });
  });

  test('-n without a value is an error', () => {
    assert.throws(() => extractGlobals(['get', 'pods', '-n']), (err: unknown) => err instanceof CliError && err.message === "error: flag needs an argument: 'n' in -n");
  });

  test('-n=foo means namespace foo, as in kubectl', () => {
    assert.equal(extractGlobals(['-n=foo', 'get', 'pods']).namespace, 'foo');
  });
});

describe('runCli', () => {
  test('an unknown command exits 1 with one error line', async () => {
    const r = await run(['frobnicate'], freshHome());
    assert.equal(r.code, 1);
    assert.equal(r.out, '');
    const errLines = lines(r.err);
    assert.equal(errLines.filter((l) => l.startsWith('error:')).length, 1, r.err);
    assert.equal(errLines[0], 'error: unknown command "frobnicate" for "weft"');
  });

  test('an unknown flag names the flag', async () => {
    const r = await run(['get', 'pods', '--bogus'], freshHome());
    assert.equal(r.code, 1);
    assert.equal(lines(r.err)[0], 'error: unknown flag: --bogus');
  });

  test('an unknown global flag is an error, not the help text', async () => {
    const r = await run(['-x'], freshHome());
    assert.equal(r.code, 1);
    assert.equal(r.out, '');
    assert.match(r.err, /^error: /);
  });

  test('get pods without a running runtime says to run weft up', async () => {
    const home = freshHome();
    const r = await run(['get', 'pods'], home);
    assert.equal(r.code, 1);
    assert.equal(r.out, '');
    assert.equal(lines(r.err).length, 1, r.err);
    assert.match(r.err, /weft up/);
    assert.ok(r.err.includes(home), r.err);
  });

  test('a runtime record whose process is gone counts as not running', async () => {
    const home = freshHome();
    const dead = spawn('true', [], { stdio: 'ignore' });
    await new Promise<void>((resolve) => dead.once('exit', () => resolve()));
    const paths = statePaths(home);
    // The record of a runtime that no longer runs.
    mkdirSync(home, { recursive: true });
    writeFileSync(paths.runtimeInfo, JSON.stringify({ pid: dead.pid, host: '127.0.0.1', port: 9 }));
    writeFileSync(paths.token, 'token\n');
    const r = await run(['get', 'pods'], home);
    assert.equal(r.code, 1);
    assert.equal(lines(r.err).length, 1, r.err);
    assert.match(r.err, /weft up/);
  });

  test('--help lists the commands, apply and port-forward among them', async () => {
    const r = await run(['--help'], freshHome());
    assert.equal(r.code, 0);
    assert.equal(r.err, '');
    assert.match(r.out, /^ {2}apply\s+\S/m);
    assert.match(r.out, /^ {2}port-forward\s+\S/m);
    assert.match(r.out, /-n, --namespace/);
    const none = await run([], freshHome());
    assert.equal(none.code, 0);
    assert.equal(none.out, r.out);
  });

  test('COMMAND --help shows that command\'s usage', async () => {
    const r = await run(['apply', '--help'], freshHome());
    assert.equal(r.code, 0);
    assert.match(r.out, /Usage:/);
    assert.match(r.out, /--filename/);
  });

  test('--version prints the version', async () => {
    const r = await run(['--version'], freshHome());
    assert.equal(r.code, 0);
    assert.match(r.out, /^\d+\.\d+\.\d+/);
  });

  test('config set-context stores the namespace, current-context reads it back', async () => {
    const home = freshHome();
    const set = await run(['config', 'set-context', 'weft', '--namespace=foo'], home);
    assert.equal(set.code, 0, set.err);
    assert.equal(set.out, 'Context "weft" modified.\n');
    const cur = await run(['config', 'current-context'], home);
    assert.equal(cur.code, 0, cur.err);
    assert.equal(cur.out, 'weft\n');
    const saved = JSON.parse(readFileSync(statePaths(home).clientConfig, 'utf8')) as { currentContext: string; contexts: Record<string, { namespace?: string }> };
    assert.equal(saved.currentContext, 'weft');
    assert.equal(saved.contexts.weft?.namespace, 'foo');
    const view = await run(['config', 'view'], home);
    assert.match(view.out, /^ {4}namespace: foo$/m);
  });

  test('config set-context creates a new context and use-context switches to it', async () => {
    const home = freshHome();
    assert.equal((await run(['config', 'set-context', 'lab', '-n', 'bar'], home)).out, 'Context "lab" created.\n');
    assert.equal((await run(['config', 'use-context', 'lab'], home)).out, 'Switched to context "lab".\n');
    assert.equal((await run(['config', 'current-context'], home)).out, 'lab\n');
    const missing = await run(['config', 'use-context', 'nope'], home);
    assert.equal(missing.code, 1);
    assert.equal(missing.err, 'error: no context exists with the name: "nope"\n');
  });
});

describe('the CLI dies on a closed pipe (issue 7 defect 7)', () => {
  /** Runs the real weft executable with the given stdout; resolves how it ended and what it said on stderr. */
  function weft(args: string[], stdout: 'pipe' | number, onSpawn: (child: ReturnType<typeof spawn>) => void = () => undefined) {
    const child = spawn(process.execPath, [weftBin, ...args], { env: { WEFT_HOME: freshHome(), PATH: process.env.PATH ?? '' }, stdio: ['ignore', stdout, 'pipe'] });
    onSpawn(child);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => resolve({ code, signal, stderr }));
    });
  }

  test('output to a reader that is gone ends the command silently, by SIGPIPE as kubectl', async () => {
    // The reader is gone before weft writes anything, so its first write finds the pipe closed.
    const r = await weft(['--help'], 'pipe', (child) => child.stdout!.destroy());
    assert.equal(r.stderr, '');
    assert.deepEqual({ code: r.code, signal: r.signal }, { code: null, signal: 'SIGPIPE' });
  });

  test('output that cannot be written for another reason is one error line', async () => {
    const full = openSync('/dev/full', 'w');
    try {
      const r = await weft(['--help'], full);
      assert.equal(r.code, 1);
      assert.equal(r.stderr, 'error: writing output: ENOSPC: no space left on device, write\n');
    } finally {
      closeSync(full);
    }
  });
});
