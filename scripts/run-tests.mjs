// Runs every compiled test file (unit tests beside the code, end-to-end tests under test/e2e) with
// Node's test runner. Files run two at a time; each end-to-end file starts its own runtime in its own
// state directory and loopback block, so files never collide.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const filter = process.argv.slice(2);
let files = find('dist/src').concat(find('dist/test'));
if (filter.length) files = files.filter((f) => filter.some((x) => f.includes(x)));
// Long end-to-end files first so they overlap with the many short unit files.
files.sort((a, b) => Number(b.includes('/e2e/')) - Number(a.includes('/e2e/')) || a.localeCompare(b));
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
