// A stand-in runtime for tests: starts one container with a Supervisor, prints the container's pid and
// waits, so that a test can kill it as a runtime dies hard and see what becomes of the container.
// Arguments: PIDS_FILE LOG_FILE LAUNCH_SPEC_JSON.

import { Supervisor, type LaunchSpec } from '../../src/runtime/supervisor.js';

const [pidsFile, logFile, specJson] = process.argv.slice(2);
if (!pidsFile || !logFile || !specJson) throw new Error('usage: supervisor-host PIDS_FILE LOG_FILE LAUNCH_SPEC_JSON');
const child = new Supervisor(pidsFile, `host-${process.pid}`).start(JSON.parse(specJson) as LaunchSpec, logFile);
child.once('spawn', () => process.stdout.write(`${child.pid}\n`));
setInterval(() => undefined, 1 << 30);
