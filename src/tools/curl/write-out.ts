// -w/--write-out: %{variable}, %header{name}, %% and the \n \r \t escapes,
// rendered after each transfer from what it measured.

import { libraryLine } from './curl-version.js';

/** What a finished transfer reports to -w. Times are seconds. */
export interface TransferInfo {
  url: string;
  urlEffective: string;
  urlNum: number;
  httpCode: number;
  httpVersion: string;
  method: string;
  scheme: string;
  contentType: string | undefined;
  redirectUrl: string | undefined;
  referer: string | undefined;
  remoteIp: string;
  remotePort: number;
  localIp: string;
  localPort: number;
  numConnects: number;
  numRedirects: number;
  numHeaders: number;
  sizeDownload: number;
  sizeUpload: number;
  sizeHeader: number;
  sizeRequest: number;
  sslVerifyResult: number;
  timeNameLookup: number;
  timeConnect: number;
  timeAppConnect: number;
  timePreTransfer: number;
  timeStartTransfer: number;
  timeRedirect: number;
  timeTotal: number;
  exitCode: number;
  errorMessage: string;
  fileName: string;
  /** Fields of the last response, names as received. */
  headers: Array<[string, string]>;
}

export function emptyTransferInfo(url: string, urlNum: number): TransferInfo {
  return {
    url,
    urlEffective: url,
    urlNum,
    httpCode: 0,
    httpVersion: '0',
    method: 'GET',
    scheme: 'HTTP',
    contentType: undefined,
    redirectUrl: undefined,
    referer: undefined,
    remoteIp: '',
    remotePort: 0,
    localIp: '',
    localPort: 0,
    numConnects: 0,
    numRedirects: 0,
    numHeaders: 0,
    sizeDownload: 0,
    sizeUpload: 0,
    sizeHeader: 0,
    sizeRequest: 0,
    sslVerifyResult: 0,
    timeNameLookup: 0,
    timeConnect: 0,
    timeAppConnect: 0,
    timePreTransfer: 0,
    timeStartTransfer: 0,
    timeRedirect: 0,
    timeTotal: 0,
    exitCode: 0,
    errorMessage: '',
    fileName: '',
    headers: [],
  };
}

type Value = { kind: 'string'; value: string | undefined } | { kind: 'int'; value: number } | { kind: 'time'; value: number };

const str = (value: string | undefined): Value => ({ kind: 'string', value });
const int = (value: number): Value => ({ kind: 'int', value });
const time = (value: number): Value => ({ kind: 'time', value });

const speed = (bytes: number, seconds: number): number => (seconds > 0 ? Math.floor(bytes / seconds) : 0);

/** Every variable curl knows, in the alphabetical order %{json} uses. */
function variables(info: TransferInfo): Record<string, Value> {
  return {
    certs: str(''),
    content_type: str(info.contentType),
    errormsg: str(info.errorMessage || undefined),
    exitcode: int(info.exitCode),
    filename_effective: str(info.fileName || undefined),
    ftp_entry_path: str(undefined),
    http_code: { kind: 'string', value: String(info.httpCode).padStart(3, '0') },
    http_connect: { kind: 'string', value: '000' },
    http_version: str(info.httpVersion),
    local_ip: str(info.localIp || undefined),
    local_port: int(info.localPort),
    method: str(info.method),
    num_certs: int(0),
    num_connects: int(info.numConnects),
    num_headers: int(info.numHeaders),
    num_redirects: int(info.numRedirects),
    proxy_ssl_verify_result: int(0),
    redirect_url: str(info.redirectUrl),
    referer: str(info.referer),
    remote_ip: str(info.remoteIp || undefined),
    remote_port: int(info.remotePort),
    response_code: { kind: 'string', value: String(info.httpCode).padStart(3, '0') },
    scheme: str(info.scheme),
    size_download: int(info.sizeDownload),
    size_header: int(info.sizeHeader),
    size_request: int(info.sizeRequest),
    size_upload: int(info.sizeUpload),
    speed_download: int(speed(info.sizeDownload, info.timeTotal)),
    speed_upload: int(speed(info.sizeUpload, info.timeTotal)),
    ssl_verify_result: int(info.sslVerifyResult),
    time_appconnect: time(info.timeAppConnect),
    time_connect: time(info.timeConnect),
    time_namelookup: time(info.timeNameLookup),
    time_pretransfer: time(info.timePreTransfer),
    time_redirect: time(info.timeRedirect),
    time_starttransfer: time(info.timeStartTransfer),
    time_total: time(info.timeTotal),
    url: str(info.url),
    url_effective: str(info.urlEffective),
    urlnum: int(info.urlNum),
  };
}

function plain(v: Value): string {
  if (v.kind === 'time') return v.value.toFixed(6);
  if (v.kind === 'int') return String(v.value);
  return v.value ?? '';
}

function json(v: Value): string {
  if (v.kind === 'time') return v.value.toFixed(6);
  if (v.kind === 'int') return String(v.value);
  return v.value === undefined ? 'null' : JSON.stringify(v.value);
}

function allAsJson(info: TransferInfo): string {
  const vars = variables(info);
  const codes = new Set(['http_code', 'response_code', 'http_connect']);
  const body = Object.entries(vars).map(([name, v]) =>
    codes.has(name) ? `"${name}":${Number(v.value)}` : `"${name}":${json(v)}`,
  );
  body.push(`"curl_version":${JSON.stringify(libraryLine())}`);
  return `{${body.join(',')}}`;
}

function headersAsJson(info: TransferInfo): string {
  const grouped = new Map<string, string[]>();
  for (const [name, value] of info.headers) {
    const key = name.toLowerCase();
    grouped.set(key, [...(grouped.get(key) ?? []), value]);
  }
  const entries = [...grouped].map(([name, values]) => `${JSON.stringify(name)}:${JSON.stringify(values)}`);
  return `{${entries.join(',\n')}\n}`;
}

export interface WriteOutResult {
  stdout: string;
  stderr: string;
}

/**
 * Renders a -w template. %{stderr} and %{stdout} switch where the following
 * text goes, so the result is split by destination (in order within each).
 */
export function renderWriteOut(template: string, info: TransferInfo): WriteOutResult {
  const out = { stdout: '', stderr: '' };
  let target: 'stdout' | 'stderr' = 'stdout';
  const emit = (text: string): void => {
    out[target] += text;
  };
  const vars = variables(info);
  let i = 0;
  while (i < template.length) {
    const ch = template[i] as string;
    const next = template[i + 1];
    if (ch === '%' && next !== undefined) {
      if (next === '%') {
        emit('%');
        i += 2;
        continue;
      }
      if (next === '{') {
        const end = template.indexOf('}', i + 2);
        if (end === -1) {
          emit('%{');
          i += 2;
          continue;
        }
        const name = template.slice(i + 2, end);
        i = end + 1;
        if (name === 'stdout' || name === 'stderr') target = name;
        else if (name === 'json') emit(allAsJson(info));
        else if (name === 'header_json') emit(headersAsJson(info));
        else if (name === 'onerror') {
          if (info.exitCode === 0) break;
        } else {
          const v = vars[name];
          if (v) emit(plain(v));
          else out.stderr += `curl: unknown --write-out variable: '${name}'\n`;
        }
        continue;
      }
      if (template.startsWith('header{', i + 1)) {
        const end = template.indexOf('}', i + 8);
        if (end === -1) {
          emit('%header{');
          i += 8;
          continue;
        }
        const wanted = template.slice(i + 8, end).toLowerCase();
        const values = info.headers.filter(([n]) => n.toLowerCase() === wanted).map(([, v]) => v);
        if (values.length) emit(values.join(', '));
        i = end + 1;
        continue;
      }
      emit(`%${next}`);
      i += 2;
      continue;
    }
    if (ch === '\\' && next !== undefined) {
      emit(next === 'n' ? '\n' : next === 'r' ? '\r' : next === 't' ? '\t' : `\\${next}`);
      i += 2;
      continue;
    }
    emit(ch);
    i++;
  }
  return out;
}
