// How Weft's command-line tools end: once stdout and stderr have flushed, so piped output is never cut
// short (stdin may still be open, which would otherwise keep the process alive).

export function exitWith(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const done = (): void => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}
