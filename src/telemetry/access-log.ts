// Envoy access-log lines in Istio's default text format (Istio >= 1.9, EnvoyTextLogFormat in
// pilot/pkg/model/telemetry_logging.go):
//
// [%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE%
// %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS%
// "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% %BYTES_SENT% %DURATION%
// %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%"
// "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER_RAW%
// %UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS%
// %REQUESTED_SERVER_NAME% %ROUTE_NAME%\n
//
// Envoy prints "-" for anything unset or empty and escapes nothing in text format.

import type { Writable } from 'node:stream';

export interface AccessLogEntry {
  /** Request (HTTP) or downstream connection (TCP) start, epoch milliseconds. */
  startTime: number;
  method?: string;
  /** x-envoy-original-path if set, else :path. */
  path?: string;
  /** 'HTTP/1.0' | 'HTTP/1.1' | 'HTTP/2' | 'HTTP/3'; unset for TCP. */
  protocol?: string;
  /** 0 when no response was sent, and always 0 for TCP. */
  responseCode: number;
  /** Comma-separated short flags (e.g. "UF,URX"); "" or "-" for none. */
  responseFlags: string;
  /** e.g. "via_upstream", "route_not_found". */
  responseCodeDetails?: string;
  connectionTerminationDetails?: string;
  upstreamTransportFailureReason?: string;
  bytesReceived: number;
  bytesSent: number;
  durationMs: number;
  /** Value of x-envoy-upstream-service-time on the response. */
  upstreamServiceTimeMs?: number;
  xForwardedFor?: string;
  userAgent?: string;
  requestId?: string;
  authority?: string;
  upstreamHost?: string;
  /** e.g. "outbound|9080||reviews.default.svc.cluster.local", "inbound|8080||", "PassthroughCluster". */
  upstreamCluster?: string;
  upstreamLocalAddress?: string;
  downstreamLocalAddress?: string;
  downstreamRemoteAddress?: string;
  requestedServerName?: string;
  routeName?: string;
}

const WHITESPACE = /\s/;

export function formatAccessLog(e: AccessLogEntry): string {
  return (
    `[${startTime(e.startTime)}] "${v(e.method)} ${v(e.path)} ${v(e.protocol)}" ${e.responseCode} ${v(e.responseFlags)} ` +
    `${token(e.responseCodeDetails)} ${token(e.connectionTerminationDetails)} "${v(e.upstreamTransportFailureReason)}" ` +
    `${e.bytesReceived} ${e.bytesSent} ${ms(e.durationMs)} ${e.upstreamServiceTimeMs === undefined ? '-' : ms(e.upstreamServiceTimeMs)} ` +
    `"${v(e.xForwardedFor)}" "${v(e.userAgent)}" "${v(e.requestId)}" "${v(e.authority)}" "${v(e.upstreamHost)}" ` +
    `${v(e.upstreamCluster)} ${v(e.upstreamLocalAddress)} ${v(e.downstreamLocalAddress)} ${v(e.downstreamRemoteAddress)} ` +
    `${v(e.requestedServerName)} ${v(e.routeName)}\n`
  );
}

let cachedSecond = NaN;
let cachedPrefix = '';

/**
 * %START_TIME% default: %Y-%m-%dT%H:%M:%S.%3fZ in UTC, which is exactly Date#toISOString. The part up to
 * the second is formatted once per second: every line of a busy proxy shares it.
 */
function startTime(epochMs: number): string {
  if (!Number.isFinite(epochMs)) return '-';
  const whole = Math.floor(epochMs);
  const second = Math.floor(whole / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedPrefix = new Date(second * 1000).toISOString().slice(0, 20);
  }
  const milli = whole - second * 1000;
  return `${cachedPrefix}${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}

function v(value: string | undefined): string {
  return value === undefined || value === '' ? '-' : value;
}

/** Envoy's details fields never contain whitespace; its callers replace it with underscores. */
function token(value: string | undefined): string {
  if (value === undefined || value === '') return '-';
  return WHITESPACE.test(value) ? value.replace(/\s/g, '_') : value;
}

/** Envoy prints durations as whole milliseconds, truncated. */
function ms(value: number): string {
  return String(Math.trunc(value));
}

/** Rough size of one formatted line, used to decide when the buffer is full without formatting. */
const ESTIMATED_LINE_BYTES = 320;

export interface AccessLogWriterOptions {
  /** Flush synchronously once this many bytes (estimated for unformatted entries) are pending. */
  maxBufferBytes?: number;
}

/**
 * Buffers access-log entries and writes them in batches: once per event-loop turn (setImmediate),
 * or as soon as the buffer passes maxBufferBytes. log() is the request path's only cost: an array
 * push; formatting happens at flush. Entries are read at flush, so do not mutate one after logging it.
 */
export class AccessLogWriter {
  private pending: (AccessLogEntry | string)[] = [];
  private pendingBytes = 0;
  private scheduled = false;
  private waitingForDrain = false;
  private readonly maxBufferBytes: number;

  constructor(
    private readonly out: Writable,
    options: AccessLogWriterOptions = {},
  ) {
    this.maxBufferBytes = options.maxBufferBytes ?? 16 * 1024;
  }

  log(entry: AccessLogEntry): void {
    this.pending.push(entry);
    this.pendingBytes += ESTIMATED_LINE_BYTES;
    this.afterPush();
  }

  /** Queues an already formatted line (must end with "\n"). */
  writeLine(line: string): void {
    this.pending.push(line);
    this.pendingBytes += line.length;
    this.afterPush();
  }

  /** Writes everything pending now, unless the stream asked to wait for 'drain'. */
  flush(): void {
    if (this.waitingForDrain || this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    let chunk = '';
    for (const item of batch) chunk += typeof item === 'string' ? item : formatAccessLog(item);
    if (!this.out.write(chunk)) {
      // Keep buffering until the stream catches up rather than piling more onto its queue.
      this.waitingForDrain = true;
      this.out.once('drain', this.onDrain);
    }
  }

  private afterPush(): void {
    if (this.pendingBytes >= this.maxBufferBytes) {
      this.flush();
    } else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.onImmediate);
    }
  }

  private readonly onImmediate = (): void => {
    this.scheduled = false;
    this.flush();
  };

  private readonly onDrain = (): void => {
    this.waitingForDrain = false;
    this.flush();
  };
}
