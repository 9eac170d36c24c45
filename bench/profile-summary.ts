// Summarises a V8 .cpuprofile: the top frames by self time, as the issue notes report them.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

export function topFrames(file: string, n = 15): Array<{ frame: string; selfPercent: number }> {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[] };
  // Shares of busy time: the idle loop is left out.
  const total = prof.nodes.reduce((a, x) => a + (x.callFrame.functionName === '(idle)' ? 0 : x.hitCount ?? 0), 0) || 1;
  const byFrame = new Map<string, number>();
  for (const x of prof.nodes) {
    const url = x.callFrame.url.replace(/^.*\/(dist|node:internal|node:)/, '$1');
    const key = `${x.callFrame.functionName || '(anonymous)'} ${url}:${x.callFrame.lineNumber + 1}`;
    if (x.callFrame.functionName === '(idle)') continue;
    byFrame.set(key, (byFrame.get(key) ?? 0) + (x.hitCount ?? 0));
  }
  byFrame.delete('(idle) :0');
  return [...byFrame].sort((a, b) => b[1] - a[1]).slice(0, n).map(([frame, hits]) => ({ frame, selfPercent: Math.round((hits / total) * 1000) / 10 }));
}

if (process.argv[1]?.endsWith('profile-summary.js')) {
  const dir = process.argv[2] ?? '.';
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.cpuprofile'))) {
    process.stdout.write(`\n${f}\n`);
    for (const t of topFrames(join(dir, f), Number(process.argv[3] ?? 15))) process.stdout.write(`${String(t.selfPercent).padStart(6)}%  ${t.frame}\n`);
  }
}
