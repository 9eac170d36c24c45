// Weft's fortio: `fortio load`, `fortio curl` and `fortio server` (the default, as the fortio image runs it).
// The server answers HTTP on 8080; fortio's gRPC ping (8079), UI and TCP/UDP echo ports are not built in.

import { parseFlags, lastFlag, type ParsedFlags } from './flags.js';
import { fetchOnce } from './curl.js';
import { parseGoDuration } from './go-format.js';
import { FORTIO_VERSION, makeTarget } from './http-target.js';
import { runLoad } from './load.js';
import { createFortioServer } from './server.js';

const BOOLEANS = new Set(['quiet', 'stdclient', 'k', 'h2', 'keepalive', 'nocatchup', 'uniform', 'jitter', 'compression', 'grpc', 'sequential-warmup', 'no-reresolve', 'allow-initial-errors', 'json-output']);

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function target(flags: ParsedFlags) {
  const url = flags.positional[0];
  if (url === undefined) fail('Error: fortio command needs a url or destination');
  try {
    return makeTarget(url, flags.values.get('H') ?? [], lastFlag(flags, 'payload'));
  } catch (err) {
    return fail((err as Error).message);
  }
}

function numberFlag(flags: ParsedFlags, name: string, dflt: number): number {
  const v = lastFlag(flags, name);
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n)) fail(`invalid value "${v}" for flag -${name}`);
  return n;
}

/** A duration flag in milliseconds: a Go duration, or bare seconds as fortio's flags take them. */
function durationFlag(flags: ParsedFlags, name: string, dfltMs: number): number {
  const v = lastFlag(flags, name);
  if (v === undefined) return dfltMs;
  try {
    return parseGoDuration(v);
  } catch (err) {
    return fail((err as Error).message);
  }
}

async function load(flags: ParsedFlags): Promise<void> {
  const t = target(flags);
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  process.once('SIGTERM', () => controller.abort());
  const durationMs = durationFlag(flags, 't', 5000);
  const percentiles = (lastFlag(flags, 'p') ?? '50,75,90,99,99.9').split(',').map(Number).filter(Number.isFinite);
  await runLoad({
    target: t,
    connections: numberFlag(flags, 'c', 8),
    qps: Math.max(0, numberFlag(flags, 'qps', 8)),
    exactly: Math.max(0, numberFlag(flags, 'n', 0)),
    durationMs,
    percentiles,
    sizeLines: !['error', 'critical', 'fatal'].includes((lastFlag(flags, 'loglevel') ?? 'info').toLowerCase()),
    out: (s) => void process.stdout.write(s),
    signal: controller.signal,
  });
}

async function curl(flags: ParsedFlags): Promise<void> {
  const t = target(flags);
  try {
    const r = await fetchOnce(t);
    process.stdout.write(r.output);
    if (r.code !== 200) {
      process.stderr.write(`Error status ${r.code}\n`);
      process.exitCode = 1;
    }
  } catch (err) {
    fail(`Unable to connect to ${t.url.host}: ${(err as Error).message}`);
  }
}

function server(flags: ParsedFlags): void {
  const port = lastFlag(flags, 'http-port') ?? '8080';
  const [host, portText] = port.includes(':') ? [port.slice(0, port.lastIndexOf(':')), port.slice(port.lastIndexOf(':') + 1)] : ['0.0.0.0', port];
  const maxDelayMs = durationFlag(flags, 'max-echo-delay', 1500);
  const s = createFortioServer({ hostname: process.env.HOSTNAME ?? 'fortio', maxDelayMs, log: (l) => void process.stderr.write(l) });
  s.on('error', (err) => fail(`Unable to listen on ${port}: ${err.message}`));
  s.listen(Number(portText), host || '0.0.0.0', () => {
    const a = s.address();
    const bound = a && typeof a === 'object' ? a.port : portText;
    process.stdout.write(`Fortio HTTP server listening on ${host || '0.0.0.0'}:${bound}\n`);
  });
  const stop = (): void => {
    s.close(() => process.exit(0));
    s.closeAllConnections();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

const [command = 'server', ...rest] = process.argv.slice(2);
let flags: ParsedFlags;
try {
  flags = parseFlags(rest, BOOLEANS);
} catch (err) {
  fail((err as Error).message);
}
switch (command) {
  case 'load':
    await load(flags);
    break;
  case 'curl':
    await curl(flags);
    break;
  case 'server':
    server(flags);
    break;
  case 'version':
    process.stdout.write(`${FORTIO_VERSION}\n`);
    break;
  default:
    fail(`Error: unknown command ${command}; Weft's fortio has load, curl, server and version`);
}
