// Where a runtime keeps its state. Everything lives under one directory (WEFT_HOME), so runtimes never collide.

import { homedir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface StatePaths {
  home: string;
  /** The persisted resources: a snapshot... */
  state: string;
  /** ...and the changes made since (store/persistence.ts). */
  journal: string;
  /** The API bearer token (mode 0600). */
  token: string;
  /** Where the running runtime says how to reach it: pid, address, port. */
  runtimeInfo: string;
  /** The runtime's own log. */
  runtimeLog: string;
  /** Process groups the runtime started, for cleanup after a crash. */
  pids: string;
  /** Container logs. */
  logs: string;
  /** Network table read by every pod's network shim. */
  netTable: string;
  /** Client-side settings: current context and its namespace. */
  clientConfig: string;
}

export function defaultHome(env: NodeJS.ProcessEnv): string {
  if (env.WEFT_HOME) return env.WEFT_HOME;
  const base = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'weft');
}

export function statePaths(home: string): StatePaths {
  return {
    home,
    state: join(home, 'state.json'),
    journal: join(home, 'state.journal'),
    token: join(home, 'token'),
    runtimeInfo: join(home, 'runtime.json'),
    runtimeLog: join(home, 'runtime.log'),
    pids: join(home, 'pids'),
    logs: join(home, 'logs'),
    netTable: join(home, 'net', 'table.json'),
    clientConfig: join(home, 'config.json'),
  };
}

/** The package root (the folder holding package.json), from this compiled file's place in dist/src/runtime. */
export const packageRoot: string = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export const distRoot: string = join(packageRoot, 'dist');

export function distEntry(relative: string): string {
  return join(distRoot, 'src', relative);
}
