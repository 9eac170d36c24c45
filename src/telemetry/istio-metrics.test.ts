import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { IstioMetrics, type RequestSeriesLabels, type TcpSeriesLabels } from './istio-metrics.js';
import { ENVOY_DEFAULT_BUCKETS } from './envoy-histogram.js';
import { unknownWorkload, type WorkloadLabels } from './labels.js';

interface ParsedMetric {
  value?: string;
  labels?: Record<string, string>;
  buckets?: Record<string, string>;
  count?: string;
  sum?: string;
}
interface ParsedFamily {
  name: string;
  help: string;
  type: string;
  metrics: ParsedMetric[];
}

// The parser ships as CommonJS without type declarations.
const parsePrometheusTextFormat = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => ParsedFamily[];

const LABEL_ORDER = [
  'reporter',
  'source_workload',
  'source_canonical_service',
  'source_canonical_revision',
  'source_workload_namespace',
  'source_principal',
  'source_app',
  'source_version',
  'source_cluster',
  'destination_workload',
  'destination_workload_namespace',
  'destination_principal',
  'destination_app',
  'destination_version',
  'destination_service',
  'destination_canonical_service',
  'destination_canonical_revision',
  'destination_service_name',
  'destination_service_namespace',
  'destination_cluster',
  'request_protocol',
  'response_code',
  'grpc_response_status',
  'response_flags',
  'connection_security_policy',
];

function workload(name: string, ns: string, version: string): WorkloadLabels {
  return {
    workload: `${name}-${version}`,
    workloadNamespace: ns,
    principal: `spiffe://cluster.local/ns/${ns}/sa/bookinfo-${name}`,
    app: name,
    version,
    canonicalService: name,
    canonicalRevision: version,
    cluster: 'Kubernetes',
  };
}

function productpageToReviews(reporter: 'source' | 'destination' = 'destination'): RequestSeriesLabels {
  return {
    reporter,
    source: workload('productpage', 'bookinfo', 'v1'),
    destination: workload('reviews', 'bookinfo', 'v2'),
    destinationService: { service: 'reviews.bookinfo.svc.cluster.local', serviceName: 'reviews', serviceNamespace: 'bookinfo' },
    requestProtocol: 'http',
    connectionSecurityPolicy: reporter === 'destination' ? 'mutual_tls' : 'unknown',
  };
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: string;
}

/**
 * Every sample line as Prometheus stores it. The parser folds a labelled histogram into one
 * unlabelled entry and drops its _sum/_count (yunyu/parse-prometheus-text-format#13), so histogram
 * TYPE lines are removed first and _bucket/_sum/_count come back as plain series.
 */
function samples(text: string): Sample[] {
  const untyped = text.replace(/^# TYPE \S+ histogram\n/gm, '');
  return parsePrometheusTextFormat(untyped).flatMap((f) => f.metrics.map((m) => ({ name: f.name, labels: m.labels ?? {}, value: m.value ?? '' })));
}

function only(all: Sample[], name: string, pred: (labels: Record<string, string>) => boolean = () => true): Sample[] {
  return all.filter((x) => x.name === name && pred(x.labels));
}

function family(families: ParsedFamily[], name: string): ParsedFamily {
  const f = families.find((x) => x.name === name);
  assert.ok(f, `family ${name} present`);
  return f;
}

function byCode(f: ParsedFamily, code: string): ParsedMetric {
  const m = f.metrics.find((x) => x.labels?.response_code === code);
  assert.ok(m, `series with response_code ${code}`);
  return m;
}

describe('IstioMetrics', () => {
  test('counts requests per response code with Istio label names and order', () => {
    const metrics = new IstioMetrics();
    const series = metrics.prepare(productpageToReviews());
    for (let i = 0; i < 3; i++) metrics.recordRequest(series, 200, '-', 12, 300, 1500);
    metrics.recordRequest(series, 503, 'UF,URX', 1, 300, 91);
    metrics.recordRequest(series, 503, 'UF,URX', 2, 300, 91);
    metrics.recordRequest(series, 200, '', 3, 300, 1500);

    const families = parsePrometheusTextFormat(metrics.render());
    const requests = family(families, 'istio_requests_total');
    assert.equal(requests.type, 'COUNTER');
    assert.equal(requests.metrics.length, 2);

    const ok = byCode(requests, '200');
    assert.equal(ok.value, '4');
    assert.deepEqual(Object.keys(ok.labels ?? {}), LABEL_ORDER);
    assert.deepEqual(ok.labels, {
      reporter: 'destination',
      source_workload: 'productpage-v1',
      source_canonical_service: 'productpage',
      source_canonical_revision: 'v1',
      source_workload_namespace: 'bookinfo',
      source_principal: 'spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage',
      source_app: 'productpage',
      source_version: 'v1',
      source_cluster: 'Kubernetes',
      destination_workload: 'reviews-v2',
      destination_workload_namespace: 'bookinfo',
      destination_principal: 'spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews',
      destination_app: 'reviews',
      destination_version: 'v2',
      destination_service: 'reviews.bookinfo.svc.cluster.local',
      destination_canonical_service: 'reviews',
      destination_canonical_revision: 'v2',
      destination_service_name: 'reviews',
      destination_service_namespace: 'bookinfo',
      destination_cluster: 'Kubernetes',
      request_protocol: 'http',
      response_code: '200',
      grpc_response_status: '',
      response_flags: '-',
      connection_security_policy: 'mutual_tls',
    });

    const failed = byCode(requests, '503');
    assert.equal(failed.value, '2');
    assert.equal(failed.labels?.response_flags, 'UF,URX');
  });

  test('equal labels give the same handle and one series', () => {
    const metrics = new IstioMetrics();
    const a = metrics.prepare(productpageToReviews());
    const b = metrics.prepare(productpageToReviews());
    assert.equal(a, b);
    const c = metrics.prepare(productpageToReviews('source'));
    assert.notEqual(a, c);
    metrics.recordRequest(a, 200, '-', 1, 1, 1);
    metrics.recordRequest(b, 200, '-', 1, 1, 1);
    metrics.recordRequest(c, 200, '-', 1, 1, 1);

    const requests = family(parsePrometheusTextFormat(metrics.render()), 'istio_requests_total');
    assert.equal(requests.metrics.length, 2);
    const dest = requests.metrics.find((m) => m.labels?.reporter === 'destination');
    const src = requests.metrics.find((m) => m.labels?.reporter === 'source');
    assert.equal(dest?.value, '2');
    assert.equal(src?.value, '1');
    assert.equal(src?.labels?.connection_security_policy, 'unknown');
  });

  test('histograms use Envoy default buckets, cumulative, with count equal to observations', () => {
    const metrics = new IstioMetrics();
    const series = metrics.prepare(productpageToReviews());
    const durations = [0, 1, 4, 5, 24, 25, 99, 100, 3_600_000, 5_000_000];
    for (const d of durations) metrics.recordRequest(series, 200, '-', d, 0, 2048);
    metrics.recordRequest(series, 404, 'NR', 7, 0, 0);

    const text = metrics.render();
    const types = parsePrometheusTextFormat(text);
    for (const name of ['istio_request_bytes', 'istio_request_duration_milliseconds', 'istio_response_bytes']) {
      assert.equal(family(types, name).type, 'HISTOGRAM');
    }

    const all = samples(text);
    const is200 = (l: Record<string, string>): boolean => l.response_code === '200';
    const buckets = only(all, 'istio_request_duration_milliseconds_bucket', is200);
    assert.deepEqual(
      buckets.map((b) => b.labels.le),
      [...ENVOY_DEFAULT_BUCKETS.map(String), '+Inf'],
    );
    for (const b of buckets) {
      const { le: _le, ...rest } = b.labels;
      assert.deepEqual(Object.keys(rest), LABEL_ORDER);
    }
    const counts = buckets.map((b) => Number(b.value));
    for (let i = 1; i < counts.length; i++) assert.ok(counts[i]! >= counts[i - 1]!, `cumulative at le=${buckets[i]?.labels.le}`);
    const count = only(all, 'istio_request_duration_milliseconds_count', is200);
    assert.equal(count.length, 1);
    assert.equal(count[0]?.value, String(durations.length));
    assert.equal(counts.at(-1), durations.length);

    // Envoy puts an observation equal to a bound into the next bucket (see envoy-histogram.ts).
    const le = (bound: string): string | undefined => buckets.find((b) => b.labels.le === bound)?.value;
    assert.equal(le('0.5'), '1'); // 0
    assert.equal(le('1'), '1'); // 1 is not below 1
    assert.equal(le('5'), '3'); // 0, 1, 4
    assert.equal(le('10'), '4'); // + 5
    assert.equal(le('25'), '5'); // + 24
    assert.equal(le('50'), '6'); // + 25
    assert.equal(le('100'), '7'); // + 99
    assert.equal(le('250'), '8'); // + 100
    assert.equal(le('3600000'), '8');

    // Sum of circllhist bin midpoints: 0 + 1.05 + 4.05 + 5.05 + 24.5 + 25.5 + 99.5 + 105 + 3650000 + 5050000.
    const sum = only(all, 'istio_request_duration_milliseconds_sum', is200)[0]?.value;
    assert.ok(Math.abs(Number(sum) - 8_700_264.65) < 1e-6, `sum ${sum}`);

    // The 404 series is separate and complete.
    const notFound = only(all, 'istio_request_duration_milliseconds_bucket', (l) => l.response_code === '404');
    assert.equal(notFound.length, ENVOY_DEFAULT_BUCKETS.length + 1);
    assert.equal(notFound.find((b) => b.labels.le === '5')?.value, '0');
    assert.equal(notFound.find((b) => b.labels.le === '10')?.value, '1');
    assert.equal(only(all, 'istio_request_duration_milliseconds_count', (l) => l.response_code === '404')[0]?.value, '1');

    const responseBytes = only(all, 'istio_response_bytes_bucket', is200);
    assert.equal(responseBytes.find((b) => b.labels.le === '2500')?.value, String(durations.length));
    assert.equal(responseBytes.find((b) => b.labels.le === '1000')?.value, '0');
    assert.equal(only(all, 'istio_response_bytes_count', is200)[0]?.value, String(durations.length));
    assert.equal(only(all, 'istio_request_bytes_bucket', is200).find((b) => b.labels.le === '0.5')?.value, String(durations.length));
    assert.equal(only(all, 'istio_request_bytes_sum', is200)[0]?.value, '0');
  });

  test('formats histogram sums and bounds like Envoy', () => {
    const metrics = new IstioMetrics();
    metrics.recordRequest(metrics.prepare(productpageToReviews()), 200, '-', 4.9, 0, 0);
    const text = metrics.render();
    // 4.9 ms is recorded as 4 ms; its bin [4, 4.1) contributes the midpoint, printed with {:.32g}.
    assert.match(text, /^istio_request_duration_milliseconds_sum\{[^}]*\} 4\.049999999999999822364316059975$/m);
    assert.match(text, /^istio_request_duration_milliseconds_bucket\{[^}]*,le="0\.5"\} 0$/m);
    assert.match(text, /^istio_request_duration_milliseconds_bucket\{[^}]*,le="5"\} 1$/m);
    assert.match(text, /^istio_request_duration_milliseconds_bucket\{[^}]*,le="3600000"\} 1$/m);
    assert.match(text, /^istio_request_duration_milliseconds_bucket\{[^}]*,le="\+Inf"\} 1$/m);
  });

  test('label values with backslash, quote and newline round-trip', () => {
    const metrics = new IstioMetrics();
    const odd = 'a"b\\c\nd';
    const labels = productpageToReviews();
    labels.source = { ...labels.source, workload: odd, app: '\\' };
    labels.destinationService = { ...labels.destinationService, service: 'x"y' };
    const series = metrics.prepare(labels);
    metrics.recordRequest(series, 200, '-', 1, 1, 1, 'a\nb');

    const text = metrics.render();
    assert.ok(!text.includes(odd), 'raw value must not appear unescaped');
    const all = samples(text);
    for (const name of ['istio_requests_total', 'istio_request_duration_milliseconds_bucket', 'istio_request_duration_milliseconds_sum']) {
      const m = only(all, name)[0];
      assert.equal(m?.labels.source_workload, odd);
      assert.equal(m?.labels.source_app, '\\');
      assert.equal(m?.labels.destination_service, 'x"y');
      assert.equal(m?.labels.grpc_response_status, 'a\nb');
    }
    assert.equal(metrics.prepare({ ...labels }), series);
  });

  test('missing labels report unknown, canonical revision reports latest', () => {
    const metrics = new IstioMetrics();
    const empty: WorkloadLabels = { workload: '', workloadNamespace: '', principal: '', app: '', version: '', canonicalService: '', canonicalRevision: '', cluster: '' };
    const series = metrics.prepare({
      reporter: 'source',
      source: unknownWorkload(),
      destination: empty,
      destinationService: { service: '', serviceName: '', serviceNamespace: '' },
      requestProtocol: 'grpc',
      connectionSecurityPolicy: 'unknown',
    });
    metrics.recordRequest(series, 200, '-', 1, 1, 1, '14');
    const m = family(parsePrometheusTextFormat(metrics.render()), 'istio_requests_total').metrics[0];
    assert.equal(m?.labels?.source_workload, 'unknown');
    assert.equal(m?.labels?.destination_workload, 'unknown');
    assert.equal(m?.labels?.destination_service_name, 'unknown');
    assert.equal(m?.labels?.source_canonical_revision, 'latest');
    assert.equal(m?.labels?.destination_canonical_revision, 'latest');
    assert.equal(m?.labels?.request_protocol, 'grpc');
    assert.equal(m?.labels?.grpc_response_status, '14');
  });

  test('TCP connections and bytes', () => {
    const metrics = new IstioMetrics();
    const labels: TcpSeriesLabels = {
      reporter: 'destination',
      source: workload('ratings', 'bookinfo', 'v2'),
      destination: workload('mongodb', 'bookinfo', 'v1'),
      destinationService: { service: 'mongodb.bookinfo.svc.cluster.local', serviceName: 'mongodb', serviceNamespace: 'bookinfo' },
      connectionSecurityPolicy: 'mutual_tls',
    };
    const series = metrics.prepareTcp(labels);
    assert.equal(metrics.prepareTcp({ ...labels }), series);
    metrics.tcpOpened(series);
    metrics.tcpOpened(series);
    metrics.tcpBytes(series, 100, 40);
    metrics.tcpBytes(series, 50, 10);

    let families = parsePrometheusTextFormat(metrics.render());
    assert.equal(families.find((f) => f.name === 'istio_tcp_connections_closed_total'), undefined);
    assert.equal(families.find((f) => f.name === 'istio_requests_total'), undefined);

    metrics.tcpClosed(series, '-');
    const failed = metrics.prepareTcp(labels);
    metrics.tcpOpened(failed, 'UF,URX');
    metrics.tcpBytes(failed, 0, 0, 'UF,URX');
    metrics.tcpClosed(failed, 'UF,URX');

    families = parsePrometheusTextFormat(metrics.render());
    const opened = family(families, 'istio_tcp_connections_opened_total');
    assert.equal(opened.type, 'COUNTER');
    const ok = opened.metrics.find((m) => m.labels?.response_flags === '-');
    assert.equal(ok?.value, '2');
    assert.deepEqual(Object.keys(ok?.labels ?? {}), LABEL_ORDER.filter((l) => l !== 'response_code' && l !== 'grpc_response_status'));
    assert.equal(ok?.labels?.request_protocol, 'tcp');
    assert.equal(opened.metrics.find((m) => m.labels?.response_flags === 'UF,URX')?.value, '1');

    const closed = family(families, 'istio_tcp_connections_closed_total');
    assert.equal(closed.metrics.find((m) => m.labels?.response_flags === '-')?.value, '1');
    assert.equal(closed.metrics.find((m) => m.labels?.response_flags === 'UF,URX')?.value, '1');
    assert.equal(family(families, 'istio_tcp_sent_bytes_total').metrics.find((m) => m.labels?.response_flags === '-')?.value, '150');
    assert.equal(family(families, 'istio_tcp_received_bytes_total').metrics.find((m) => m.labels?.response_flags === '-')?.value, '50');
  });

  test('families come in Envoy order with HELP and TYPE, own metrics last', () => {
    const metrics = new IstioMetrics();
    const pushes = metrics.counter('weft_xds_pushes_total', 'Configuration pushes received.');
    const version = metrics.gauge('weft_config_version', 'Version of the applied configuration.');
    assert.equal(metrics.counter('weft_xds_pushes_total', 'again'), pushes);
    assert.throws(() => metrics.gauge('weft_xds_pushes_total', 'wrong type'));
    assert.throws(() => metrics.counter('bad-name', 'x'));
    assert.throws(() => pushes.inc(-1));
    pushes.inc();
    pushes.inc(2);
    version.set(42);

    metrics.recordRequest(metrics.prepare(productpageToReviews()), 200, '-', 1, 1, 1);
    const tcp = metrics.prepareTcp(productpageToReviews());
    metrics.tcpOpened(tcp);
    metrics.tcpClosed(tcp);

    const text = metrics.render();
    const names = parsePrometheusTextFormat(text).map((f) => f.name);
    assert.deepEqual(names, [
      'istio_requests_total',
      'istio_tcp_connections_closed_total',
      'istio_tcp_connections_opened_total',
      'istio_tcp_received_bytes_total',
      'istio_tcp_sent_bytes_total',
      'istio_request_bytes',
      'istio_request_duration_milliseconds',
      'istio_response_bytes',
      'weft_config_version',
      'weft_xds_pushes_total',
    ]);
    const families = parsePrometheusTextFormat(text);
    assert.equal(family(families, 'weft_xds_pushes_total').metrics[0]?.value, '3');
    assert.equal(family(families, 'weft_xds_pushes_total').type, 'COUNTER');
    assert.equal(family(families, 'weft_config_version').metrics[0]?.value, '42');
    assert.equal(family(families, 'weft_config_version').type, 'GAUGE');
    for (const name of names) {
      assert.match(text, new RegExp(`^# HELP ${name} \\S`, 'm'));
      assert.match(text, new RegExp(`^# TYPE ${name} (counter|gauge|histogram)$`, 'm'));
    }
  });

  test('an empty registry renders nothing', () => {
    assert.equal(new IstioMetrics().render(), '');
  });
});
