// Starts and stops container processes. Each runs in its own process group so a stop reaches its children,
// and every group is recorded on disk so a runtime that died hard can have its leftovers stopped later.
// Their stdout and stderr are pipes into the runtime, which writes them to rotating log files.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { ContainerOutput } from './logs/container-output.js';
import { DEFAULT_LOG_ROTATION, type LogRotation } from './logs/log-rotation.js';
import { writeFileAtomic } from './store/persistence.js';

export const RUNTIME_ID_ENV = 'WEFT_RUNTIME_ID';

export interface LaunchSpec {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  /** Node programs get an IPC channel (their shim exits when it closes); others run under the guard script. */
  node: boolean;
}

/**
 * How long a stop waits, once the group is gone, for the last output to be read: a process that left the
 * group (setsid) may hold the pipe open for ever, and its output keeps going to the log regardless.
 */
const OUTPUT_DRAIN_MS = 2000;

export class Supervisor {
  private readonly live = new Map<number, ChildProcess>();
  private readonly output: ContainerOutput;
  /** Settles when a child's output has been read to its end and written. */
  private readonly drained = new WeakMap<ChildProcess, Promise<void>>();

  constructor(private readonly pidsFile: string, readonly runtimeId: string, logRotation: LogRotation = DEFAULT_LOG_ROTATION) {
    this.output = new ContainerOutput(logRotation);
  }

  start(spec: LaunchSpec, logFile: string): ChildProcess {
    const child = spawn(spec.argv[0]!, spec.argv.slice(1), {
      cwd: spec.cwd,
      env: { ...spec.env, [RUNTIME_ID_ENV]: this.runtimeId },
      detached: true,
      stdio: spec.node ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['pipe', 'pipe', 'pipe'],
    });
    const streams = [child.stdout, child.stderr].filter((s): s is Readable => s !== null);
    this.drained.set(child, this.output.attach(logFile, streams));
    if (child.pid !== undefined) {
      this.live.set(child.pid, child);
      this.save();
      child.once('exit', () => {
        this.live.delete(child.pid!);
        this.save();
      });
    }
    return child;
  }

  /**
   * SIGTERM to the whole group, SIGKILL after the grace period; resolves when the leader has exited and
   * its last output is in the log.
   */
  async stop(child: ChildProcess, graceMs: number): Promise<void> {
    await new Promise<void>((resolve) => {
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
    const drained = this.drained.get(child);
    if (!drained) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([drained, new Promise<void>((resolve) => (timer = setTimeout(resolve, OUTPUT_DRAIN_MS)))]);
    clearTimeout(timer);
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
