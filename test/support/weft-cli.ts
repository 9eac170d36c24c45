// Drives the real `weft` executable against a runtime of the test's own (its own WEFT_HOME and loopback block).

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const weftBin = join(repoRoot, 'bin', 'weft');

/** The workshop's manifests: the seed copy beside the repo when present, else the repo's own copy. */
export function manifestDir(): string {
  const seeds = join(repoRoot, '..', 'shared', 'seeds', 'happy-istio');
  return existsSync(seeds) ? seeds : join(repoRoot, 'samples', 'happy-istio');
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class WeftSandbox {
  readonly home: string;
  private readonly background = new Set<ChildProcess>();

  constructor(prefix = 'weft-e2e-') {
    // Short path: the state directory holds sockets and is named in process environments.
    this.home = mkdtempSync(join(tmpdir(), prefix));
  }

  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return { ...process.env, WEFT_HOME: this.home, ...extra };
  }

  run(args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [weftBin, ...args], { env: this.env(), stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`weft ${args.join(' ')} timed out\nstdout: ${stdout}\nstderr: ${stderr}`));
      }, opts.timeoutMs ?? 60_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? 1, stdout, stderr });
      });
      child.stdin.end(opts.input ?? '');
    });
  }

  /** Runs and insists on exit 0. */
  async ok(args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<string> {
    const r = await this.run(args, opts);
    if (r.code !== 0) throw new Error(`weft ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    return r.stdout;
  }

  /** Starts a long-running weft command (port-forward, logs -f); resolves once a line matches. */
  start(args: string[], ready: RegExp, timeoutMs = 20_000): Promise<{ child: ChildProcess; match: RegExpMatchArray; output: () => string }> {
    const child = spawn(process.execPath, [weftBin, ...args], { env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] });
    this.background.add(child);
    child.once('exit', () => this.background.delete(child));
    let out = '';
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`weft ${args.join(' ')} did not print ${ready}: ${out}`)), timeoutMs);
      const onData = (d: Buffer) => {
        out += d.toString();
        const m = out.match(ready);
        if (m) {
          clearTimeout(timer);
          resolve({ child, match: m, output: () => out });
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`weft ${args.join(' ')} exited ${code}: ${out}`));
      });
    });
  }

  /** Stops background commands and the runtime, then removes the state directory. */
  async cleanup(): Promise<void> {
    for (const c of this.background) c.kill('SIGTERM');
    await this.run(['down'], { timeoutMs: 90_000 }).catch(() => undefined);
    rmSync(this.home, { recursive: true, force: true });
  }

  /** PIDs of live processes started for this runtime (they carry its state directory in their environment). */
  processesOfThisRuntime(): number[] {
    const out: number[] = [];
    const mine = new Set([...this.background].map((c) => c.pid));
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d) || Number(d) === process.pid || mine.has(Number(d))) continue;
      try {
        const env = readFileSync(`/proc/${d}/environ`, 'latin1');
        if (env.includes(`WEFT_NET_TABLE=${this.home}/`) || env.split('\0').includes(`WEFT_HOME=${this.home}`)) out.push(Number(d));
      } catch {
        // Gone or not ours.
      }
    }
    return out;
  }
}
