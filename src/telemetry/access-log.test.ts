import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { AccessLogWriter, formatAccessLog, type AccessLogEntry } from './access-log.js';

// Inbound request from the Istio in Action workshop.
const WORKSHOP_LINE =
  '[2022-02-06T17:34:59.493Z] "GET / HTTP/1.1" 500 - via_upstream - "-" 0 1469 4 4 "10.244.0.21" "curl/7.74.0" ' +
  '"26299d2b-fd2a-9d58-bad5-da45e02a4dfc" "localhost:8080" "10.244.0.22:8080" inbound|8080|| 127.0.0.6:57437 ' +
  '10.244.0.22:8080 10.244.0.21:0 outbound_.80_._.service-a.istioinaction.svc.cluster.local default\n';

const workshopEntry: AccessLogEntry = {
  startTime: Date.parse('2022-02-06T17:34:59.493Z'),
  method: 'GET',
  path: '/',
  protocol: 'HTTP/1.1',
  responseCode: 500,
  responseFlags: '-',
  responseCodeDetails: 'via_upstream',
  bytesReceived: 0,
  bytesSent: 1469,
  durationMs: 4,
  upstreamServiceTimeMs: 4,
  xForwardedFor: '10.244.0.21',
  userAgent: 'curl/7.74.0',
  requestId: '26299d2b-fd2a-9d58-bad5-da45e02a4dfc',
  authority: 'localhost:8080',
  upstreamHost: '10.244.0.22:8080',
  upstreamCluster: 'inbound|8080||',
  upstreamLocalAddress: '127.0.0.6:57437',
  downstreamLocalAddress: '10.244.0.22:8080',
  downstreamRemoteAddress: '10.244.0.21:0',
  requestedServerName: 'outbound_.80_._.service-a.istioinaction.svc.cluster.local',
  routeName: 'default',
};

// Outbound TCP connection to MySQL as a sidecar logs it (istio/istio#31110).
const TCP_LINE =
  '[2021-02-26T20:30:38.150Z] "- - -" 0 - - - "-" 0 70 23 - "-" "-" "-" "-" "10.48.1.19:3306" ' +
  'outbound|3306||mysql-port-test.ns-namespace-default-project.svc.cluster.local 10.48.1.227:34122 10.48.1.19:3306 ' +
  '10.48.1.227:34120 - -\n';

// Inbound TCP connection whose upstream connect failed (istio/istio#31555).
const TCP_FAILED_LINE =
  '[2021-03-16T09:30:47.919Z] "- - -" 0 UF,URX - - "-" 0 0 2285 - "-" "-" "-" "-" "127.0.0.1:12950" inbound|12950|| - ' +
  '10.244.0.31:12950 10.244.0.1:11504 - -\n';

class Sink extends Writable {
  readonly chunks: string[] = [];
  accept = true;
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(chunk.toString());
    callback();
  }
  override write(chunk: string): boolean {
    super.write(chunk);
    return this.accept;
  }
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('formatAccessLog', () => {
  test('reproduces the workshop HTTP line', () => {
    assert.equal(formatAccessLog(workshopEntry), WORKSHOP_LINE);
  });

  test('prints TCP connections as Envoy does', () => {
    assert.equal(
      formatAccessLog({
        startTime: Date.parse('2021-02-26T20:30:38.150Z'),
        responseCode: 0,
        responseFlags: '',
        bytesReceived: 0,
        bytesSent: 70,
        durationMs: 23,
        upstreamHost: '10.48.1.19:3306',
        upstreamCluster: 'outbound|3306||mysql-port-test.ns-namespace-default-project.svc.cluster.local',
        upstreamLocalAddress: '10.48.1.227:34122',
        downstreamLocalAddress: '10.48.1.19:3306',
        downstreamRemoteAddress: '10.48.1.227:34120',
      }),
      TCP_LINE,
    );
    assert.equal(
      formatAccessLog({
        startTime: Date.parse('2021-03-16T09:30:47.919Z'),
        responseCode: 0,
        responseFlags: 'UF,URX',
        bytesReceived: 0,
        bytesSent: 0,
        durationMs: 2285,
        upstreamHost: '127.0.0.1:12950',
        upstreamCluster: 'inbound|12950||',
        downstreamLocalAddress: '10.244.0.31:12950',
        downstreamRemoteAddress: '10.244.0.1:11504',
      }),
      TCP_FAILED_LINE,
    );
  });

  test('uses "-" for empty values, whole milliseconds and underscores in details', () => {
    const line = formatAccessLog({
      ...workshopEntry,
      startTime: Date.UTC(2024, 0, 2, 3, 4, 5, 6),
      responseCode: 0,
      responseFlags: 'DC',
      responseCodeDetails: 'downstream remote disconnect',
      upstreamTransportFailureReason: 'TLS error: 268435581',
      durationMs: 12.9,
      upstreamServiceTimeMs: undefined,
      userAgent: '',
      routeName: undefined,
    });
    assert.match(line, /^\[2024-01-02T03:04:05\.006Z\] "GET \/ HTTP\/1\.1" 0 DC downstream_remote_disconnect - "TLS error: 268435581" 0 1469 12 - /);
    assert.match(line, / "10\.244\.0\.21" "-" "26299d2b-/);
    assert.ok(line.endsWith(' outbound_.80_._.service-a.istioinaction.svc.cluster.local -\n'));
  });
});

describe('AccessLogWriter', () => {
  test('batches lines logged in one turn into a single write', async () => {
    const sink = new Sink();
    const writer = new AccessLogWriter(sink);
    writer.log(workshopEntry);
    writer.log(workshopEntry);
    writer.writeLine(TCP_LINE);
    assert.equal(sink.chunks.length, 0, 'nothing written on the request path');
    await nextTurn();
    await nextTurn();
    assert.deepEqual(sink.chunks, [WORKSHOP_LINE + WORKSHOP_LINE + TCP_LINE]);

    writer.log(workshopEntry);
    await nextTurn();
    await nextTurn();
    assert.deepEqual(sink.chunks, [WORKSHOP_LINE + WORKSHOP_LINE + TCP_LINE, WORKSHOP_LINE]);
  });

  test('flushes at once when the buffer passes its limit', () => {
    const sink = new Sink();
    const writer = new AccessLogWriter(sink, { maxBufferBytes: 1000 });
    writer.log(workshopEntry);
    writer.log(workshopEntry);
    writer.log(workshopEntry);
    assert.equal(sink.chunks.length, 0);
    writer.log(workshopEntry);
    // Writable buffers synchronously written chunks until the next tick; count what was handed over.
    assert.equal(sink.writableLength + sink.chunks.join('').length, WORKSHOP_LINE.length * 4);
  });

  test('holds lines while the stream waits for drain, then writes them', async () => {
    const sink = new Sink();
    sink.accept = false;
    const writer = new AccessLogWriter(sink);
    writer.writeLine('one\n');
    writer.flush();
    writer.writeLine('two\n');
    writer.writeLine('three\n');
    await nextTurn();
    await nextTurn();
    assert.deepEqual(sink.chunks, ['one\n']);
    sink.accept = true;
    sink.emit('drain');
    await nextTurn();
    assert.deepEqual(sink.chunks, ['one\n', 'two\nthree\n']);
  });

  test('flush() writes pending lines immediately', () => {
    const sink = new Sink();
    const writer = new AccessLogWriter(sink);
    writer.writeLine('x\n');
    writer.flush();
    writer.flush();
    assert.equal(sink.writableLength + sink.chunks.join('').length, 2);
  });
});
