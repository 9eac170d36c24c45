// curl's command-line grammar: grouped short flags (-sSfL), a short flag's
// value glued on or in the next word (-XPOST, -X POST), long options with
// their value in the next word only, --no-<flag> for booleans and unique
// prefixes of long names.

import { CurlUsageError, formatWarning } from './curl-error.js';
import { defaultOptions, type CurlOptions, type DataKind, type TlsVersion } from './curl-options.js';

interface OptionSpec {
  long: string;
  short?: string;
  /** Booleans take no value and accept --no-<name>. */
  kind: 'bool' | 'value';
  apply(opts: CurlOptions, value: string, on: boolean, flag: string): void;
}

/** How curl names the request methods when two of them clash. */
type MethodSource =
  | 'POST (-d, --data)'
  | 'HEAD (-I, --head)'
  | 'PUT (-T, --upload-file)'
  | 'multipart formpost (-F, --form)';

const bool = (long: string, short: string | undefined, set: (o: CurlOptions, on: boolean) => void): OptionSpec => ({
  long,
  short,
  kind: 'bool',
  apply: (o, _v, on) => set(o, on),
});

const value = (
  long: string,
  short: string | undefined,
  set: (o: CurlOptions, v: string, flag: string) => void,
): OptionSpec => ({ long, short, kind: 'value', apply: (o, v, _on, flag) => set(o, v, flag) });

/** Accepted for compatibility; these change nothing a workshop can observe. */
const ignoredBool = (long: string, short?: string): OptionSpec => bool(long, short, () => undefined);
const ignoredValue = (long: string, short?: string): OptionSpec => value(long, short, () => undefined);

const data = (long: string, short: string | undefined, kind: DataKind): OptionSpec =>
  value(long, short, (o, v) => {
    o.data.push({ kind, value: v });
  });

function seconds(flag: string, raw: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) {
    throw new CurlUsageError(`option ${flag}: expected a proper numerical parameter`);
  }
  if (n < 0) throw new CurlUsageError(`option ${flag}: expected a positive numerical parameter`);
  return n;
}

function integer(flag: string, raw: string, allowMinusOne = false): number {
  if (!/^\s*-?\d+$/.test(raw)) throw new CurlUsageError(`option ${flag}: expected a proper numerical parameter`);
  const n = Number.parseInt(raw, 10);
  if (n < 0 && !(allowMinusOne && n === -1)) {
    throw new CurlUsageError(`option ${flag}: expected a positive numerical parameter`);
  }
  return n;
}

const tlsMin = (long: string, version: TlsVersion): OptionSpec =>
  bool(long, undefined, (o) => {
    o.tlsMin = version;
  });

const OPTIONS: OptionSpec[] = [
  bool('silent', 's', (o, on) => (o.silent = on)),
  bool('show-error', 'S', (o, on) => (o.showError = on)),
  bool('verbose', 'v', (o, on) => (o.verbose = on)),
  bool('include', 'i', (o, on) => (o.include = on)),
  bool('head', 'I', (o, on) => (o.head = on)),
  bool('progress-meter', undefined, (o, on) => (o.noProgressMeter = !on)),
  bool('progress-bar', '#', (o, on) => (o.progressBar = on)),
  value('output', 'o', (o, v) => o.outputs.push({ kind: 'file', path: v })),
  bool('remote-name', 'O', (o) => o.outputs.push({ kind: 'remote-name' })),
  bool('create-dirs', undefined, (o, on) => (o.createDirs = on)),
  value('write-out', 'w', (o, v) => (o.writeOut = v)),
  value('dump-header', 'D', (o, v) => (o.dumpHeader = v)),
  value('request', 'X', (o, v) => (o.method = v)),
  value('header', 'H', (o, v) => o.headers.push(v)),
  data('data', 'd', 'ascii'),
  data('data-ascii', undefined, 'ascii'),
  data('data-binary', undefined, 'binary'),
  data('data-raw', undefined, 'raw'),
  data('data-urlencode', undefined, 'urlencode'),
  data('json', undefined, 'json'),
  value('form', 'F', (o, v) => o.form.push({ spec: v, literal: false })),
  value('form-string', undefined, (o, v) => o.form.push({ spec: v, literal: true })),
  bool('get', 'G', (o, on) => (o.get = on)),
  value('upload-file', 'T', (o, v) => (o.uploadFile = v)),
  value('user-agent', 'A', (o, v) => (o.userAgent = v)),
  value('referer', 'e', (o, v) => (o.referer = v)),
  value('user', 'u', (o, v) => (o.user = v)),
  value('oauth2-bearer', undefined, (o, v) => (o.oauth2Bearer = v)),
  value('cookie', 'b', (o, v) => (o.cookie = v)),
  value('range', 'r', (o, v) => (o.range = v)),
  bool('compressed', undefined, (o, on) => (o.compressed = on)),
  bool('fail', 'f', (o, on) => (o.fail = on)),
  bool('fail-with-body', undefined, (o, on) => (o.failWithBody = on)),
  bool('fail-early', undefined, (o, on) => (o.failEarly = on)),
  bool('location', 'L', (o, on) => (o.location = on)),
  bool('location-trusted', undefined, (o, on) => {
    o.location = on;
    o.locationTrusted = on;
  }),
  value('max-redirs', undefined, (o, v, f) => (o.maxRedirs = integer(f, v, true))),
  value('max-time', 'm', (o, v, f) => (o.maxTime = seconds(f, v))),
  value('connect-timeout', undefined, (o, v, f) => (o.connectTimeout = seconds(f, v))),
  bool('http1.0', '0', (o) => (o.httpVersion = '1.0')),
  bool('http1.1', undefined, (o) => (o.httpVersion = '1.1')),
  bool('http2', undefined, (o) => (o.httpVersion = '2')),
  bool('http2-prior-knowledge', undefined, (o) => (o.httpVersion = '2-prior-knowledge')),
  bool('ipv4', '4', (o) => (o.ipFamily = 4)),
  bool('ipv6', '6', (o) => (o.ipFamily = 6)),
  value('resolve', undefined, (o, v) => o.resolve.push(v)),
  value('connect-to', undefined, (o, v) => o.connectTo.push(v)),
  bool('alpn', undefined, (o, on) => (o.alpn = on)),
  bool('path-as-is', undefined, (o, on) => (o.pathAsIs = on)),
  bool('insecure', 'k', (o, on) => (o.insecure = on)),
  value('cacert', undefined, (o, v) => (o.cacert = v)),
  value('cert', 'E', (o, v) => (o.cert = v)),
  value('key', undefined, (o, v) => (o.key = v)),
  tlsMin('tlsv1', 'TLSv1'),
  tlsMin('tlsv1.0', 'TLSv1'),
  tlsMin('tlsv1.1', 'TLSv1.1'),
  tlsMin('tlsv1.2', 'TLSv1.2'),
  tlsMin('tlsv1.3', 'TLSv1.3'),
  value('tls-max', undefined, (o, v, f) => {
    const map: Record<string, TlsVersion> = { '1.0': 'TLSv1', '1.1': 'TLSv1.1', '1.2': 'TLSv1.2', '1.3': 'TLSv1.3' };
    const version = map[v];
    if (version) o.tlsMax = version;
    else if (v !== 'default') throw new CurlUsageError(`option ${f}: is badly used here`);
  }),
  value('retry', undefined, (o, v, f) => (o.retry = integer(f, v))),
  value('retry-delay', undefined, (o, v, f) => (o.retryDelay = integer(f, v))),
  value('retry-max-time', undefined, (o, v, f) => (o.retryMaxTime = integer(f, v))),
  bool('retry-connrefused', undefined, (o, on) => (o.retryConnRefused = on)),
  bool('retry-all-errors', undefined, (o, on) => (o.retryAllErrors = on)),
  value('url', undefined, (o, v) => o.urls.push(v)),
  bool('help', 'h', (o, on) => (o.help = on)),
  bool('manual', 'M', (o, on) => (o.manual = on)),
  bool('version', 'V', (o, on) => (o.version = on)),
  // Cookies, proxies and tuning knobs: accepted so scripts run, otherwise inert.
  ignoredValue('cookie-jar', 'c'),
  bool('junk-session-cookies', 'j', () => undefined),
  ignoredValue('proxy', 'x'),
  ignoredValue('noproxy'),
  ignoredValue('proxy-user', 'U'),
  ignoredBool('no-buffer', 'N'),
  ignoredBool('disable', 'q'),
  ignoredBool('globoff', 'g'),
  ignoredBool('raw'),
  ignoredBool('tcp-nodelay'),
  ignoredBool('keepalive'),
  ignoredValue('keepalive-time'),
  ignoredBool('basic'),
  ignoredBool('ssl-no-revoke'),
  ignoredBool('styled-output'),
  ignoredValue('capath'),
  ignoredValue('ciphers'),
  ignoredValue('cert-type'),
  ignoredValue('key-type'),
  ignoredValue('expect100-timeout'),
  ignoredValue('stderr'),
  ignoredValue('limit-rate'),
  ignoredValue('speed-limit', 'Y'),
  ignoredValue('speed-time', 'y'),
  ignoredValue('trace'),
  ignoredValue('trace-ascii'),
  ignoredBool('trace-time'),
  ignoredBool('sessionid'),
  ignoredBool('tr-encoding'),
  ignoredBool('netrc', 'n'),
];

const BY_LONG = new Map(OPTIONS.map((spec) => [spec.long, spec]));
const BY_SHORT = new Map(OPTIONS.filter((s) => s.short).map((spec) => [spec.short as string, spec]));

/** Options real curl knows but this build cannot do; curl words these the same way. */
const UNSUPPORTED = new Set(['http3', 'http3-only']);

function findLong(name: string, flag: string): OptionSpec | undefined {
  const exact = BY_LONG.get(name);
  if (exact) return exact;
  const candidates = OPTIONS.filter((spec) => spec.long.startsWith(name));
  if (candidates.length > 1) throw new CurlUsageError(`option ${flag}: is ambiguous`);
  return candidates[0];
}

/**
 * Parses curl's arguments (without the program name). Throws CurlUsageError
 * (exit 2) for anything curl would refuse before starting a transfer.
 */
export function parseCurlArgs(argv: string[]): CurlOptions {
  const opts = defaultOptions();
  if (argv.length === 0) throw new CurlUsageError('');
  const applyOne = (spec: OptionSpec, val: string, on: boolean, flag: string): void => {
    spec.apply(opts, val, on, flag);
  };

  let endOfOptions = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (endOfOptions || !arg.startsWith('-') || arg === '-') {
      opts.urls.push(arg);
      continue;
    }
    if (arg === '--') {
      endOfOptions = true;
      continue;
    }
    if (arg.startsWith('--')) {
      let name = arg.slice(2);
      let on = true;
      let spec = findLong(name, arg);
      if (!spec && name.startsWith('no-')) {
        name = name.slice(3);
        spec = findLong(name, arg);
        if (spec && spec.kind !== 'bool') {
          throw new CurlUsageError(`option ${arg}: used '--no-' for option that isn't a boolean`);
        }
        on = false;
      }
      if (!spec) {
        if (UNSUPPORTED.has(name)) {
          throw new CurlUsageError(`option ${arg}: the installed libcurl version doesn't support this`);
        }
        throw new CurlUsageError(`option ${arg}: is unknown`);
      }
      if (spec.kind === 'value') {
        const val = argv[++i];
        if (val === undefined) throw new CurlUsageError(`option ${arg}: requires parameter`);
        applyOne(spec, val, true, arg);
      } else {
        applyOne(spec, '', on, arg);
      }
      continue;
    }
    const letters = arg.slice(1);
    for (let j = 0; j < letters.length; j++) {
      const spec = BY_SHORT.get(letters[j] as string);
      if (!spec) throw new CurlUsageError(`option ${arg}: is unknown`);
      if (spec.kind === 'bool') {
        applyOne(spec, '', true, arg);
        continue;
      }
      const glued = letters.slice(j + 1);
      const val = glued !== '' ? glued : argv[++i];
      if (val === undefined) throw new CurlUsageError(`option ${arg}: requires parameter`);
      applyOne(spec, val, true, arg);
      break;
    }
  }

  if (opts.help || opts.manual || opts.version) return opts;
  if (opts.urls.length === 0) throw new CurlUsageError('no URL specified!');
  checkMethods(opts);
  return opts;
}

/**
 * curl settles -d and -T after reading the whole line, so a clash is worded
 * as "both <body method> and <earlier one>" whatever the argument order.
 */
function checkMethods(opts: CurlOptions): void {
  const clash = (wanted: MethodSource, existing: MethodSource): never => {
    throw new CurlUsageError(
      'method conflict',
      formatWarning(`You can only select one HTTP request method! You asked for both ${wanted} and ${existing}.`),
    );
  };
  const hasData = opts.data.length > 0 && !opts.get;
  const hasForm = opts.form.length > 0;
  if (hasForm && opts.head) clash('multipart formpost (-F, --form)', 'HEAD (-I, --head)');
  if (hasForm && hasData) clash('POST (-d, --data)', 'multipart formpost (-F, --form)');
  if (opts.head && opts.uploadFile !== undefined) clash('PUT (-T, --upload-file)', 'HEAD (-I, --head)');
  if (opts.head && hasData) clash('POST (-d, --data)', 'HEAD (-I, --head)');
  if (opts.uploadFile !== undefined && hasData) clash('POST (-d, --data)', 'PUT (-T, --upload-file)');
}
