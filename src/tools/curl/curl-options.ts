// Everything the command line can ask for, already split into plain values so
// the transfer code never looks at argv.

/** How a -d style argument treats its value, mirroring curl's option family. */
export type DataKind = 'ascii' | 'binary' | 'raw' | 'urlencode' | 'json';

export interface DataPart {
  kind: DataKind;
  value: string;
}

/** -o FILE or -O; the n-th one belongs to the n-th URL. */
export type OutputTarget = { kind: 'file'; path: string } | { kind: 'remote-name' };

/** 'default' is HTTP/1.1 in the clear and h2 or HTTP/1.1 by ALPN over TLS. */
export type HttpVersion = 'default' | '1.0' | '1.1' | '2' | '2-prior-knowledge';

export type TlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

export interface CurlOptions {
  urls: string[];
  outputs: OutputTarget[];
  createDirs: boolean;

  silent: boolean;
  showError: boolean;
  verbose: boolean;
  noProgressMeter: boolean;
  progressBar: boolean;

  include: boolean;
  head: boolean;
  dumpHeader?: string;
  writeOut?: string;

  method?: string;
  headers: string[];
  data: DataPart[];
  /** -F and --form-string parts, in order; `literal` is --form-string. */
  form: Array<{ spec: string; literal: boolean }>;
  /** -G: data goes into the query string instead of a body. */
  get: boolean;
  uploadFile?: string;
  userAgent?: string;
  referer?: string;
  user?: string;
  oauth2Bearer?: string;
  cookie?: string;
  range?: string;
  compressed: boolean;

  fail: boolean;
  failWithBody: boolean;
  failEarly: boolean;

  location: boolean;
  /** Keep credentials when a redirect changes host. */
  locationTrusted: boolean;
  maxRedirs: number;

  /** Seconds, fractional allowed. */
  maxTime?: number;
  connectTimeout?: number;

  httpVersion: HttpVersion;
  ipFamily?: 4 | 6;
  /** Raw --resolve entries ([+]host:port:addr[,addr]...), parsed per transfer. */
  resolve: string[];
  /** Raw --connect-to entries (HOST1:PORT1:HOST2:PORT2). */
  connectTo: string[];
  /** False with --no-alpn: TLS offers no protocols and HTTP/1.1 is used. */
  alpn: boolean;
  pathAsIs: boolean;

  insecure: boolean;
  cacert?: string;
  cert?: string;
  key?: string;
  tlsMin?: TlsVersion;
  tlsMax?: TlsVersion;

  retry: number;
  /** Seconds; undefined means curl's doubling backoff. */
  retryDelay?: number;
  retryMaxTime?: number;
  retryConnRefused: boolean;
  retryAllErrors: boolean;

  help: boolean;
  manual: boolean;
  version: boolean;
}

export function defaultOptions(): CurlOptions {
  return {
    urls: [],
    outputs: [],
    createDirs: false,
    silent: false,
    showError: false,
    verbose: false,
    noProgressMeter: false,
    progressBar: false,
    include: false,
    head: false,
    method: undefined,
    headers: [],
    data: [],
    form: [],
    get: false,
    compressed: false,
    fail: false,
    failWithBody: false,
    failEarly: false,
    location: false,
    locationTrusted: false,
    maxRedirs: 50,
    httpVersion: 'default',
    resolve: [],
    connectTo: [],
    alpn: true,
    pathAsIs: false,
    insecure: false,
    retry: 0,
    retryConnRefused: false,
    retryAllErrors: false,
    help: false,
    manual: false,
    version: false,
  };
}
