// nc's command line as OpenBSD netcat reads it (getopt, options anywhere before `--`), for the client
// options Weft's nc implements. Anything else is refused in one line, never with a stack trace.

export const USAGE = 'usage: nc [-46CdhNnvz] [-q seconds] [-w timeout] destination port[-port] ...';

export interface NcOptions {
  host: string;
  /** Ports to try in order (a range expands, as `nc -z host 9000-9002`). */
  ports: number[];
  /** -v: report each connection's success or failure on stderr. */
  verbose: boolean;
  /** -z: connect, send nothing, close. */
  zero: boolean;
  /** -w: connect timeout and idle timeout, in milliseconds. */
  timeoutMs: number | undefined;
  /** -q: quit this long after EOF on stdin; undefined waits for the server (a negative -q). */
  quitAfterEofMs: number | undefined;
  /** -N: shut the write side down on EOF (also the default here, as busybox nc does it). */
  shutdownOnEof: boolean;
  /** -d: do not read stdin. */
  noStdin: boolean;
  /** -n: the destination is an address; no name lookup. */
  numeric: boolean;
  /** -C: send CRLF line endings. */
  crlf: boolean;
  family: 4 | 6 | undefined;
}

export type NcCommand = { kind: 'connect'; options: NcOptions } | { kind: 'help' };

/** A command line nc cannot run: its one-line message, exit status 1. */
export class NcUsageError extends Error {}

const WITH_VALUE = new Set(['w', 'q', 'I', 'i', 'M', 'm', 'O', 'P', 'p', 's', 'T', 'V', 'W', 'X', 'x']);
const NOT_SUPPORTED: Record<string, string> = {
  u: 'UDP (-u) is not supported by Weft\'s nc: TCP only',
  l: 'listening (-l) is not supported by Weft\'s nc: client only',
  U: 'UNIX-domain sockets (-U) are not supported by Weft\'s nc',
  k: 'keeping a listener open (-k) is not supported by Weft\'s nc: client only',
  c: 'TLS (-c) is not supported by Weft\'s nc',
};

function usageLine(message: string): NcUsageError {
  return new NcUsageError(`nc: ${message} (${USAGE})`);
}

/** strtonum's wording: "invalid", "too small", "too large". */
function integer(text: string, min: number, max: number, what: string): number {
  if (!/^[-+]?\d+$/.test(text)) throw new NcUsageError(`nc: ${what} invalid: ${text}`);
  const n = Number(text);
  if (n < min) throw new NcUsageError(`nc: ${what} too small: ${text}`);
  if (n > max) throw new NcUsageError(`nc: ${what} too large: ${text}`);
  return n;
}

function port(text: string): number {
  return integer(text, 1, 65535, 'port number');
}

/** "9000", or a range "9000-9002" (either way round, as OpenBSD nc swaps it). */
export function parsePorts(spec: string): number[] {
  const range = /^(\d+)-(\d+)$/.exec(spec);
  if (!range) return [port(spec)];
  let lo = port(range[1]!);
  let hi = port(range[2]!);
  if (lo > hi) [lo, hi] = [hi, lo];
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}

export function parseNcArgs(argv: string[]): NcCommand {
  const o: NcOptions = {
    host: '',
    ports: [],
    verbose: false,
    zero: false,
    timeoutMs: undefined,
    quitAfterEofMs: undefined,
    shutdownOnEof: false,
    noStdin: false,
    numeric: false,
    crlf: false,
    family: undefined,
  };
  const positional: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    if (arg.startsWith('--')) throw usageLine(`unrecognized option '${arg}'`);
    for (let j = 1; j < arg.length; j++) {
      const flag = arg[j]!;
      let value: string | undefined;
      if (WITH_VALUE.has(flag)) {
        value = j + 1 < arg.length ? arg.slice(j + 1) : argv[++i];
        if (value === undefined) throw usageLine(`option requires an argument -- '${flag}'`);
        j = arg.length;
      }
      const unsupported = NOT_SUPPORTED[flag];
      if (unsupported !== undefined) throw new NcUsageError(`nc: ${unsupported}`);
      switch (flag) {
        case '4':
          o.family = 4;
          break;
        case '6':
          o.family = 6;
          break;
        case 'C':
          o.crlf = true;
          break;
        case 'D':
          // Socket debugging: nothing to do without setsockopt.
          break;
        case 'd':
          o.noStdin = true;
          break;
        case 'h':
          help = true;
          break;
        case 'N':
          o.shutdownOnEof = true;
          break;
        case 'n':
          o.numeric = true;
          break;
        case 'v':
          o.verbose = true;
          break;
        case 'z':
          o.zero = true;
          break;
        case 'w':
          // 0 waits forever, rather than giving up at once.
          o.timeoutMs = integer(value!, 0, 2_147_483, 'timeout') * 1000 || undefined;
          break;
        case 'q': {
          const secs = integer(value!, -2_147_483_648, 2_147_483, 'quit timer');
          o.quitAfterEofMs = secs < 0 ? undefined : secs * 1000;
          break;
        }
        default:
          if (WITH_VALUE.has(flag)) throw new NcUsageError(`nc: option -${flag} is not supported by Weft's nc`);
          throw usageLine(`invalid option -- '${flag}'`);
      }
    }
  }
  if (help) return { kind: 'help' };
  const [host, ...ports] = positional;
  if (host === undefined || ports.length === 0) throw new NcUsageError(USAGE);
  o.host = host;
  o.ports = ports.flatMap(parsePorts);
  return { kind: 'connect', options: o };
}

export const HELP = `OpenBSD netcat (Weft's TCP client)
${USAGE}
\tCommand Summary:
\t\t-4\t\tUse IPv4
\t\t-6\t\tUse IPv6
\t\t-C\t\tSend CRLF as line-ending
\t\t-d\t\tDetach from stdin
\t\t-h\t\tThis help text
\t\t-N\t\tShutdown the network socket after EOF on stdin
\t\t-n\t\tSuppress name/port resolutions
\t\t-q secs\t\tquit after EOF on stdin and delay of secs
\t\t-v\t\tVerbose
\t\t-w timeout\tTimeout for connects and final net reads
\t\t-z\t\tZero-I/O mode [used for scanning]
\tPort numbers can be individual or ranges: lo-hi [inclusive]
`;
