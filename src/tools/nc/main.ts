// Weft's nc: a netcat TCP client with OpenBSD nc's options and messages, for pods whose commands pipe
// into `nc HOST PORT`. Run through libexec/shims/nc, it sees the pod's network. Nothing escapes as a
// stack trace: a command line it cannot run is one line on stderr and exit status 1.

import { HELP, NcUsageError, parseNcArgs } from './parse-args.js';
import { runNc } from './run-nc.js';
import { exitWith } from '../exit-with.js';

async function main(argv: string[]): Promise<number> {
  let command;
  try {
    command = parseNcArgs(argv);
  } catch (err) {
    if (!(err instanceof NcUsageError)) throw err;
    process.stderr.write(`${err.message}\n`);
    return 1;
  }
  if (command.kind === 'help') {
    // OpenBSD nc's -h prints its summary and exits 1.
    process.stderr.write(HELP);
    return 1;
  }
  return runNc(command.options, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
}

// A reader that went away (nc ... | head) is not an error worth reporting.
process.stdout.on('error', () => process.exit(process.exitCode ?? 0));

main(process.argv.slice(2)).then(exitWith, (err: unknown) => {
  process.stderr.write(`nc: ${err instanceof Error ? err.message : String(err)}\n`);
  exitWith(1);
});
