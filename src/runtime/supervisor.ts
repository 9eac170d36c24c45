// Starts and stops container processes. Each runs in its own process group so a stop reaches its children,
// and every group is recorded on disk so a runtime that died hard can have its leftovers stopped later.

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from './store/persistence.js';

export const RUNTIME_ID_ENV = 'WEFT_RUNTIME_ID';

export interface LaunchSpec {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  /** Node programs get an IPC channel (their shim exits when it closes); others run under the guard script. */
  node: boolean;
}

export class Supervisor {
  private readonly live = new Map<number, ChildProcess>();

  constructor(private readonly pidsFile: string, readonly runtimeId: string) {}

  start(spec: LaunchSpec, logFile: string): ChildProcess {
    mkdirSync(dirname(logFile), { recursive: true });
    const out = openSync(logFile, 'a');
    try {
      const child = spawn(spec.argv[0]!, spec.argv.slice(1), {
        cwd: spec.cwd,
        env: { ...spec.env, [RUNTIME_ID_ENV]: this.runtimeId },
        detached: true,
        stdio: spec.node ? ['ignore', out, out, 'ipc'] : ['pipe', out, out],
      });
      if (child.pid !== undefined) {
        this.live.set(child.pid, child);
        this.save();
        child.once('exit', () => {
          this.live.delete(child.pid!);
          this.save();
        });
      }
      return child;
    } finally {
      closeSync(out);
    }
  }

  /** SIGTERM to the whole group, SIGKILL after the grace period; resolves when the leader has exited. */
  stop(child: ChildProcess, graceMs: number): Promise<void> {
    return new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
        resolve();
        return;
      }
      const pid = child.pid;
      const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(timer);
        // Anything the leader left in its group goes too.
        signalGroup(pid, 'SIGKILL');
        resolve();
      });
      signalGroup(pid, 'SIGTERM');
    });
  }

  async stopAll(graceMs: number): Promise<void> {
    await Promise.all([...this.live.values()].map((c) => this.stop(c, graceMs)));
  }

  private save(): void {
    const lines = [...this.live.keys()].map((pid) => `${pid} ${this.runtimeId}`).join('\n');
    try {
      writeFileAtomic(this.pidsFile, lines ? `${lines}\n` : '');
    } catch {
      // The state directory is gone (the runtime is being torn down); nothing left to record.
    }
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** Stops process groups a previous runtime recorded and did not stop (it was killed). Returns how many. */
export function reapLeftovers(pidsFile: string): number {
  if (!existsSync(pidsFile)) return 0;
  let n = 0;
  for (const line of readFileSync(pidsFile, 'utf8').split('\n')) {
    const [pidText, id] = line.trim().split(' ');
    const pid = Number(pidText);
    if (!pid || !id) continue;
    // Only a process that still carries that runtime's id is ours; the pid may have been reused.
    let environ = '';
    try {
      environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
    } catch {
      continue;
    }
    if (!environ.split('\0').includes(`${RUNTIME_ID_ENV}=${id}`)) continue;
    signalGroup(pid, 'SIGKILL');
    n++;
  }
  writeFileAtomic(pidsFile, '');
  return n;
}
