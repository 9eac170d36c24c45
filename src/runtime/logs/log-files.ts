// Where a container's log lives: the live file CONTAINER.log and its rotated predecessors CONTAINER.log.SEQ.
// SEQ only grows, so a rotated file keeps its name until it is deleted: a reader that listed the files
// can open them later without racing a chain of renames (.1 -> .2 -> ...) as logrotate's scheme would.

import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function rotatedPath(live: string, seq: number): string {
  return `${live}.${seq}`;
}

/** The rotated files of a live log path, oldest first. */
export function rotatedFiles(live: string): Array<{ path: string; seq: number }> {
  const dir = dirname(live);
  const prefix = `${basename(live)}.`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: Array<{ path: string; seq: number }> = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const rest = name.slice(prefix.length);
    if (/^[1-9]\d*$/.test(rest)) out.push({ path: join(dir, name), seq: Number(rest) });
  }
  return out.sort((a, b) => a.seq - b.seq);
}
