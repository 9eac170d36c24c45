// Log lines in the shape of hashicorp/go-hclog, which fake-service logs through:
//   2022-02-06T17:34:59.493Z [INFO]  error_injector: Injecting error: request_count=3 error_type=http_error
// Values that span lines are stacked under the message with a "  | " prefix, as hclog does.

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'off';
export type LogFormat = 'text' | 'json';
export type LogFields = Record<string, string | number | boolean>;

export const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'off'];

export interface Logger {
  trace(msg: string, fields?: LogFields): void;
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger whose lines carry a module name ("error_injector: ..."). */
  named(name: string): Logger;
}

export interface LoggerOptions {
  format: LogFormat;
  level: LogLevel;
  /** Where finished lines go; stdout by default. */
  write?: (line: string) => void;
  now?: () => Date;
}

const TAGS: Record<Exclude<LogLevel, 'off'>, string> = {
  trace: '[TRACE] ',
  debug: '[DEBUG] ',
  info: '[INFO]  ',
  warn: '[WARN]  ',
  error: '[ERROR] ',
};

export function createLogger(opts: LoggerOptions, name = ''): Logger {
  const write = opts.write ?? ((line: string) => void process.stdout.write(line));
  const now = opts.now ?? (() => new Date());
  const min = LOG_LEVELS.indexOf(opts.level);
  const emit = (level: Exclude<LogLevel, 'off'>, msg: string, fields: LogFields = {}): void => {
    if (LOG_LEVELS.indexOf(level) < min) return;
    const t = now();
    write(opts.format === 'json' ? jsonLine(t, level, name, msg, fields) : textLine(t, level, name, msg, fields));
  };
  return {
    trace: (m, f) => emit('trace', m, f),
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    named: (sub) => createLogger(opts, name ? `${name}.${sub}` : sub),
  };
}

function textLine(t: Date, level: Exclude<LogLevel, 'off'>, name: string, msg: string, fields: LogFields): string {
  let out = `${hclogTime(t)} ${TAGS[level]}${name ? `${name}: ` : ''}${msg}`;
  const entries = Object.entries(fields);
  if (entries.length) out += ':';
  for (const [k, raw] of entries) {
    const v = String(raw);
    if (v.includes('\n')) {
      const lines = v.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      out += `\n  ${k}=\n${lines.map((l) => `  | ${l}\n`).join('')}  `;
    } else if (needsQuoting(v)) out += ` ${k}=${JSON.stringify(v)}`;
    else out += ` ${k}=${v}`;
  }
  return out + '\n';
}

function jsonLine(t: Date, level: Exclude<LogLevel, 'off'>, name: string, msg: string, fields: LogFields): string {
  // hclog marshals a map, so keys come out sorted; "@" sorts before letters.
  const rec: Record<string, string | number | boolean> = {
    ...fields,
    '@level': level,
    '@message': msg,
    '@timestamp': isoLocal(t, 6, ':'),
  };
  if (name) rec['@module'] = name;
  const sorted = Object.fromEntries(Object.keys(rec).sort().map((k) => [k, rec[k]!]));
  return JSON.stringify(sorted) + '\n';
}

function needsQuoting(v: string): boolean {
  return /[\s"\\]|[^\x21-\x7e]/.test(v);
}

/** 2006-01-02T15:04:05.000Z0700 in local time, the timestamp hclog writes. */
function hclogTime(t: Date): string {
  return isoLocal(t, 3, '');
}

function isoLocal(t: Date, fractionDigits: 3 | 6, offsetSep: '' | ':'): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const frac = p(t.getMilliseconds(), 3) + (fractionDigits === 6 ? '000' : '');
  const off = -t.getTimezoneOffset();
  const zone = off === 0 ? 'Z' : `${off > 0 ? '+' : '-'}${p(Math.floor(Math.abs(off) / 60))}${offsetSep}${p(Math.abs(off) % 60)}`;
  return `${t.getFullYear()}-${p(t.getMonth() + 1)}-${p(t.getDate())}T${p(t.getHours())}:${p(t.getMinutes())}:${p(t.getSeconds())}.${frac}${zone}`;
}
