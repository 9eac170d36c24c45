// Entry point for the curl work-alike: parse, run, exit with curl's code.
// Nothing escapes as a stack trace; an unexpected failure is reported the
// way curl reports an internal error.

import { CurlError } from './curl-error.js';
import { parseCurlArgs } from './parse-args.js';
import { runCurl } from './run-curl.js';
import { exitWith } from '../exit-with.js';

async function main(argv: string[]): Promise<number> {
  let opts;
  try {
    opts = parseCurlArgs(argv);
  } catch (err) {
    if (err instanceof CurlError) {
      process.stderr.write(err.render());
      return err.exitCode;
    }
    throw err;
  }
  return runCurl(opts, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin });
}

// A reader that went away (curl ... | head) is not an error worth reporting.
process.stdout.on('error', () => process.exit(process.exitCode ?? 23));

main(process.argv.slice(2)).then(exitWith, (err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`curl: (2) ${message}\n`);
  exitWith(2);
});
