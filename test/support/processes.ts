// Processes in tests: whether one still exists, and running one to its end.

import { spawn } from 'node:child_process';
import { once } from 'node:events';

/** Whether a process still exists (signal 0 checks without signalling). */

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface ProgramResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to its end and collects its output (stdin closed). */
export async function runProgram(command: string, args: string[]): Promise<ProgramResult> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'close')) as [number];
  return { code, stdout, stderr };
}
