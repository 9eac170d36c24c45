// Istio's standard metrics (istio_requests_total and friends) as the sidecar's istio_stats filter
// reports them, plus a small registry for the proxy's own counters and gauges.
//
// The request path only touches numbers: callers prepare() a series once per peer pair, and each
// request then finds its cell through the last-used cell or a few Map lookups on values it already
// holds. Label strings are rendered at prepare() (the peer part) or at scrape time (the rest).

import { EnvoyHistogram, ENVOY_BUCKET_LE_LABELS } from './envoy-histogram.js';
import { DEFAULT_CANONICAL_REVISION, UNKNOWN, type DestinationServiceLabels, type WorkloadLabels } from './labels.js';
import { escapeHelp, escapeLabelValue, formatSampleValue } from './prometheus-text.js';
import { SimpleRegistry, type Counter, type Gauge } from './simple-metrics.js';

export type Reporter = 'source' | 'destination';
export type RequestProtocol = 'http' | 'grpc';
export type ConnectionSecurityPolicy = 'mutual_tls' | 'none' | 'unknown';

export interface TcpSeriesLabels {
  reporter: Reporter;
  source: WorkloadLabels;
  destination: WorkloadLabels;
  destinationService: DestinationServiceLabels;
  connectionSecurityPolicy: ConnectionSecurityPolicy;
}

export interface RequestSeriesLabels extends TcpSeriesLabels {
  requestProtocol: RequestProtocol;
}

/** Istio's way of saying "no response flags". */
const NO_FLAGS = '-';

/** Counters and histograms of one response_code / grpc_response_status / response_flags combination. */
class RequestCell {
  count = 0;
  readonly duration = new EnvoyHistogram();
  readonly requestBytes = new EnvoyHistogram();
  readonly responseBytes = new EnvoyHistogram();
  /** Full label set, rendered on first scrape. */
  labels: string | undefined;

  constructor(
    readonly responseCode: number,
    readonly responseFlags: string,
    readonly grpcStatus: string,
  ) {}
}

/**
 * Handle for all HTTP/gRPC traffic between one peer pair; get it from IstioMetrics.prepare().
 * Its methods serve IstioMetrics; callers only hold the handle and pass it back.
 */
export class RequestSeries {
  /** Every cell, in creation order, for the renderer. */
  readonly cells: RequestCell[] = [];
  private readonly byCode = new Map<number, Map<string, Map<string, RequestCell>>>();
  private last: RequestCell | undefined;

  /**
   * @param head rendered labels from reporter through request_protocol
   * @param tail rendered `,connection_security_policy="..."`
   */
  constructor(
    private readonly head: string,
    private readonly tail: string,
  ) {}

  cell(responseCode: number, responseFlags: string, grpcStatus: string): RequestCell {
    // Consecutive requests between a pair usually share code and flags.
    const last = this.last;
    if (last !== undefined && last.responseCode === responseCode && last.responseFlags === responseFlags && last.grpcStatus === grpcStatus) {
      return last;
    }
    let byFlags = this.byCode.get(responseCode);
    if (byFlags === undefined) {
      byFlags = new Map();
      this.byCode.set(responseCode, byFlags);
    }
    let byGrpc = byFlags.get(responseFlags);
    if (byGrpc === undefined) {
      byGrpc = new Map();
      byFlags.set(responseFlags, byGrpc);
    }
    let cell = byGrpc.get(grpcStatus);
    if (cell === undefined) {
      cell = new RequestCell(responseCode, responseFlags, grpcStatus);
      byGrpc.set(grpcStatus, cell);
      this.cells.push(cell);
    }
    this.last = cell;
    return cell;
  }

  labelsOf(cell: RequestCell): string {
    cell.labels ??=
      `${this.head},response_code="${cell.responseCode}",grpc_response_status="${escapeLabelValue(cell.grpcStatus)}"` +
      `,response_flags="${escapeLabelValue(cell.responseFlags)}"${this.tail}`;
    return cell.labels;
  }
}

class TcpCell {
  opened = 0;
  closed = 0;
  sent = 0;
  received = 0;
  /** Istio creates the closed counter only when a connection closes. */
  closeSeen = false;
  labels: string | undefined;

  constructor(readonly responseFlags: string) {}
}

/** Handle for all TCP connections between one peer pair; get it from IstioMetrics.prepareTcp(). Same contract as RequestSeries. */
export class TcpSeries {
  readonly cells: TcpCell[] = [];
  private readonly byFlags = new Map<string, TcpCell>();
  private last: TcpCell | undefined;

  constructor(
    private readonly head: string,
    private readonly tail: string,
  ) {}

  cell(responseFlags: string): TcpCell {
    const last = this.last;
    if (last !== undefined && last.responseFlags === responseFlags) return last;
    let cell = this.byFlags.get(responseFlags);
    if (cell === undefined) {
      cell = new TcpCell(responseFlags);
      this.byFlags.set(responseFlags, cell);
      this.cells.push(cell);
    }
    this.last = cell;
    return cell;
  }

  labelsOf(cell: TcpCell): string {
    cell.labels ??= `${this.head},response_flags="${escapeLabelValue(cell.responseFlags)}"${this.tail}`;
    return cell.labels;
  }
}

interface Sorted<T> {
  size: number;
  rows: { labels: string; cell: T }[];
}

export class IstioMetrics {
  private readonly requestSeries = new Map<string, RequestSeries>();
  private readonly tcpSeries = new Map<string, TcpSeries>();
  private readonly registry = new SimpleRegistry();
  private sortedRequests: Sorted<RequestCell> = { size: 0, rows: [] };
  private sortedTcp: Sorted<TcpCell> = { size: 0, rows: [] };

  /** Returns the same handle for equal labels; keep it for the lifetime of the peer pair. */
  prepare(p: RequestSeriesLabels): RequestSeries {
    const head = renderPeerLabels(p, p.requestProtocol);
    const tail = renderSecurityPolicy(p.connectionSecurityPolicy);
    const key = head + tail;
    let series = this.requestSeries.get(key);
    if (series === undefined) {
      series = new RequestSeries(head, tail);
      this.requestSeries.set(key, series);
    }
    return series;
  }

  /**
   * Counts one finished request. `durationMs` is truncated to whole milliseconds as Istio does;
   * `requestBytes` / `responseBytes` are the downstream wire bytes (headers included).
   * `grpcStatus` is omitted for plain HTTP, which Istio reports as an empty grpc_response_status.
   */
  recordRequest(
    series: RequestSeries,
    responseCode: number,
    responseFlags: string,
    durationMs: number,
    requestBytes: number,
    responseBytes: number,
    grpcStatus?: string,
  ): void {
    const cell = series.cell(responseCode, responseFlags === '' ? NO_FLAGS : responseFlags, grpcStatus ?? '');
    cell.count++;
    cell.duration.observe(durationMs);
    cell.requestBytes.observe(requestBytes);
    cell.responseBytes.observe(responseBytes);
  }

  /** Like prepare(), with request_protocol "tcp". */
  prepareTcp(p: TcpSeriesLabels): TcpSeries {
    const head = renderPeerLabels(p, 'tcp');
    const tail = renderSecurityPolicy(p.connectionSecurityPolicy);
    const key = head + tail;
    let series = this.tcpSeries.get(key);
    if (series === undefined) {
      series = new TcpSeries(head, tail);
      this.tcpSeries.set(key, series);
    }
    return series;
  }

  // Istio fixes a connection's labels, response_flags included, when it first reports the
  // connection (after metadata exchange, or at close if that never completed), and reuses them for
  // its bytes and close. Pass the same flags to tcpOpened, tcpBytes and tcpClosed for one connection; a connection
  // that failed before being reported (e.g. UF,URX) is opened, counted and closed with those flags.

  tcpOpened(series: TcpSeries, responseFlags: string = NO_FLAGS): void {
    series.cell(responseFlags === '' ? NO_FLAGS : responseFlags).opened++;
  }

  tcpClosed(series: TcpSeries, responseFlags: string = NO_FLAGS): void {
    const cell = series.cell(responseFlags === '' ? NO_FLAGS : responseFlags);
    cell.closed++;
    cell.closeSeen = true;
  }

  /** Adds bytes sent to / received from the downstream since the last call. */
  tcpBytes(series: TcpSeries, sent: number, received: number, responseFlags: string = NO_FLAGS): void {
    const cell = series.cell(responseFlags === '' ? NO_FLAGS : responseFlags);
    cell.sent += sent;
    cell.received += received;
  }

  /** An unlabelled counter rendered after the istio_ metrics. Same name, same counter. */
  counter(name: string, help: string): Counter {
    return this.registry.counter(name, help);
  }

  /** An unlabelled gauge rendered after the istio_ metrics. Same name, same gauge. */
  gauge(name: string, help: string): Gauge {
    return this.registry.gauge(name, help);
  }

  /**
   * Prometheus text exposition 0.0.4. Families come in Envoy's order (counters, then histograms,
   * each sorted by name), families without samples are left out as Envoy does, and series within a
   * family are sorted by their labels so repeated scrapes are stable.
   */
  render(): string {
    const out: string[] = [];
    const requests = this.sortRequests();
    const tcp = this.sortTcp();

    if (requests.length > 0) {
      header(out, 'istio_requests_total', 'counter', 'Requests handled by the proxy.');
      for (const { labels, cell } of requests) out.push(`istio_requests_total{${labels}} ${cell.count}\n`);
      out.push('\n');
    }
    if (tcp.length > 0) {
      const closed = tcp.filter((r) => r.cell.closeSeen);
      if (closed.length > 0) {
        header(out, 'istio_tcp_connections_closed_total', 'counter', 'TCP connections closed.');
        for (const { labels, cell } of closed) out.push(`istio_tcp_connections_closed_total{${labels}} ${cell.closed}\n`);
        out.push('\n');
      }
      header(out, 'istio_tcp_connections_opened_total', 'counter', 'TCP connections opened.');
      for (const { labels, cell } of tcp) out.push(`istio_tcp_connections_opened_total{${labels}} ${cell.opened}\n`);
      out.push('\n');
      header(out, 'istio_tcp_received_bytes_total', 'counter', 'Bytes received from the downstream on TCP connections.');
      for (const { labels, cell } of tcp) out.push(`istio_tcp_received_bytes_total{${labels}} ${cell.received}\n`);
      out.push('\n');
      header(out, 'istio_tcp_sent_bytes_total', 'counter', 'Bytes sent to the downstream on TCP connections.');
      for (const { labels, cell } of tcp) out.push(`istio_tcp_sent_bytes_total{${labels}} ${cell.sent}\n`);
      out.push('\n');
    }
    if (requests.length > 0) {
      histogramFamily(out, 'istio_request_bytes', 'Request sizes in bytes.', requests, (c) => c.requestBytes);
      histogramFamily(out, 'istio_request_duration_milliseconds', 'Request durations in milliseconds.', requests, (c) => c.duration);
      histogramFamily(out, 'istio_response_bytes', 'Response sizes in bytes.', requests, (c) => c.responseBytes);
    }
    this.registry.renderInto(out);
    return out.join('');
  }

  private sortRequests(): { labels: string; cell: RequestCell }[] {
    let size = 0;
    for (const s of this.requestSeries.values()) size += s.cells.length;
    // Cells are only ever added, so an unchanged count means an unchanged set.
    if (size !== this.sortedRequests.size) {
      const rows: { labels: string; cell: RequestCell }[] = [];
      for (const s of this.requestSeries.values()) for (const cell of s.cells) rows.push({ labels: s.labelsOf(cell), cell });
      rows.sort(byLabels);
      this.sortedRequests = { size, rows };
    }
    return this.sortedRequests.rows;
  }

  private sortTcp(): { labels: string; cell: TcpCell }[] {
    let size = 0;
    for (const s of this.tcpSeries.values()) size += s.cells.length;
    if (size !== this.sortedTcp.size) {
      const rows: { labels: string; cell: TcpCell }[] = [];
      for (const s of this.tcpSeries.values()) for (const cell of s.cells) rows.push({ labels: s.labelsOf(cell), cell });
      rows.sort(byLabels);
      this.sortedTcp = { size, rows };
    }
    return this.sortedTcp.rows;
  }
}

function byLabels(a: { labels: string }, b: { labels: string }): number {
  return a.labels < b.labels ? -1 : a.labels > b.labels ? 1 : 0;
}

function header(out: string[], name: string, type: 'counter' | 'histogram', help: string): void {
  out.push(`# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n`);
}

function histogramFamily(
  out: string[],
  name: string,
  help: string,
  rows: readonly { labels: string; cell: RequestCell }[],
  pick: (cell: RequestCell) => EnvoyHistogram,
): void {
  header(out, name, 'histogram', help);
  for (const { labels, cell } of rows) {
    const snap = pick(cell).snapshot();
    for (let i = 0; i < ENVOY_BUCKET_LE_LABELS.length; i++) {
      out.push(`${name}_bucket{${labels},${ENVOY_BUCKET_LE_LABELS[i]}} ${snap.buckets[i]}\n`);
    }
    out.push(
      `${name}_bucket{${labels},le="+Inf"} ${snap.count}\n` +
        `${name}_sum{${labels}} ${formatSampleValue(snap.sum)}\n` +
        `${name}_count{${labels}} ${snap.count}\n`,
    );
  }
  out.push('\n');
}

/** Labels from reporter through request_protocol, in the order istio_stats pushes its tags. */
function renderPeerLabels(p: TcpSeriesLabels, protocol: RequestProtocol | 'tcp'): string {
  const s = p.source;
  const d = p.destination;
  const svc = p.destinationService;
  return (
    `reporter="${p.reporter}"` +
    `,source_workload="${label(s.workload)}"` +
    `,source_canonical_service="${label(s.canonicalService)}"` +
    `,source_canonical_revision="${revision(s.canonicalRevision)}"` +
    `,source_workload_namespace="${label(s.workloadNamespace)}"` +
    `,source_principal="${label(s.principal)}"` +
    `,source_app="${label(s.app)}"` +
    `,source_version="${label(s.version)}"` +
    `,source_cluster="${label(s.cluster)}"` +
    `,destination_workload="${label(d.workload)}"` +
    `,destination_workload_namespace="${label(d.workloadNamespace)}"` +
    `,destination_principal="${label(d.principal)}"` +
    `,destination_app="${label(d.app)}"` +
    `,destination_version="${label(d.version)}"` +
    `,destination_service="${label(svc.service)}"` +
    `,destination_canonical_service="${label(d.canonicalService)}"` +
    `,destination_canonical_revision="${revision(d.canonicalRevision)}"` +
    `,destination_service_name="${label(svc.serviceName)}"` +
    `,destination_service_namespace="${label(svc.serviceNamespace)}"` +
    `,destination_cluster="${label(d.cluster)}"` +
    `,request_protocol="${protocol}"`
  );
}

function renderSecurityPolicy(policy: ConnectionSecurityPolicy): string {
  return `,connection_security_policy="${policy}"`;
}

function label(value: string): string {
  return value === '' ? UNKNOWN : escapeLabelValue(value);
}

function revision(value: string): string {
  return value === '' ? DEFAULT_CANONICAL_REVISION : escapeLabelValue(value);
}
