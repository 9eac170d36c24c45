import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeServiceConfigError, parseConfig, parseListenAddress } from './config.js';

describe('parseConfig', () => {
  it('uses fake-service defaults for an empty environment', () => {
    const c = parseConfig({});
    assert.equal(c.name, 'Service');
    assert.equal(c.message, 'Hello World');
    assert.equal(c.owner, '');
    assert.deepEqual(c.listen, { host: '0.0.0.0', port: 9090, raw: '0.0.0.0:9090' });
    assert.equal(c.serverType, 'http');
    assert.deepEqual(c.upstreamUris, []);
    assert.equal(c.upstreamWorkers, 1);
    assert.equal(c.errorRate, 0);
    assert.equal(c.errorType, 'http_error');
    assert.equal(c.errorCode, 500);
    assert.equal(c.rateLimit, 0);
    assert.equal(c.rateLimitCode, 503);
    assert.deepEqual(c.httpClient, { appendRequest: true, keepAlives: false, requestTimeoutMs: 30_000 });
    assert.equal(c.healthCheckCode, 200);
    assert.deepEqual(c.ready, { successCode: 200, failureCode: 503, delayMs: 0, rootPathWaitTillReady: false });
    assert.equal(c.tracingZipkin, undefined);
    assert.equal(c.logFormat, 'text');
    assert.equal(c.logLevel, 'info');
  });

  it('reads the variables the workshop manifests set', () => {
    const c = parseConfig({
      UPSTREAM_URIS: 'http://service-b, http://service-c ,',
      SERVICE_OWNER: 'dave',
      LISTEN_ADDR: '0.0.0.0:8080',
      SERVER_TYPE: 'http',
      NAME: 'service-a',
      MESSAGE: 'Hello from service-a',
      KUBERNETES_NAMESPACE: 'istioinaction',
      ERROR_TYPE: 'http_error',
      ERROR_RATE: '0.6',
      ERROR_CODE: '500',
    });
    assert.deepEqual(c.upstreamUris, ['http://service-b', 'http://service-c']);
    assert.equal(c.owner, 'dave');
    assert.equal(c.listen.port, 8080);
    assert.equal(c.name, 'service-a');
    assert.equal(c.errorRate, 0.6);
  });

  it('parses Go durations, booleans and the remaining settings', () => {
    const c = parseConfig({
      TIMING_50_PERCENTILE: '10ms',
      TIMING_90_PERCENTILE: '1.5s',
      TIMING_99_PERCENTILE: '1m30s',
      TIMING_VARIANCE: '10',
      ERROR_TYPE: 'delay',
      ERROR_DELAY: '250us',
      RATE_LIMIT: '2.5',
      RATE_LIMIT_CODE: '429',
      HTTP_CLIENT_APPEND_REQUEST: 'false',
      HTTP_CLIENT_KEEP_ALIVES: 'TRUE',
      HTTP_CLIENT_REQUEST_TIMEOUT: '2s',
      HEALTH_CHECK_RESPONSE_CODE: '204',
      READY_CHECK_RESPONSE_SUCCESS_CODE: '201',
      READY_CHECK_RESPONSE_FAILURE_CODE: '500',
      READY_CHECK_RESPONSE_DELAY: '100ms',
      TRACING_ZIPKIN: 'http://zipkin.istio-system:9411/api/v2/spans',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'DEBUG',
      UPSTREAM_WORKERS: '4',
    });
    assert.deepEqual(c.timing, { p50Ms: 10, p90Ms: 1500, p99Ms: 90_000, variancePercent: 10 });
    assert.equal(c.errorType, 'delay');
    assert.equal(c.errorDelayMs, 0.25);
    assert.equal(c.rateLimit, 2.5);
    assert.equal(c.rateLimitCode, 429);
    assert.deepEqual(c.httpClient, { appendRequest: false, keepAlives: true, requestTimeoutMs: 2000 });
    assert.equal(c.healthCheckCode, 204);
    assert.deepEqual(c.ready, { successCode: 201, failureCode: 500, delayMs: 100, rootPathWaitTillReady: false });
    assert.equal(c.tracingZipkin, 'http://zipkin.istio-system:9411/api/v2/spans');
    assert.equal(c.logFormat, 'json');
    assert.equal(c.logLevel, 'debug');
    assert.equal(c.upstreamWorkers, 4);
  });

  it('treats empty variables as unset', () => {
    const c = parseConfig({ NAME: '', ERROR_RATE: '', LISTEN_ADDR: '' });
    assert.equal(c.name, 'Service');
    assert.equal(c.errorRate, 0);
    assert.equal(c.listen.port, 9090);
  });

  const bad: Array<[Record<string, string>, string, RegExp]> = [
    [{ ERROR_RATE: 'abc' }, 'ERROR_RATE', /must be a number \(got "abc"\)/],
    [{ ERROR_RATE: '1.5' }, 'ERROR_RATE', /between 0 and 1/],
    [{ ERROR_RATE: '-0.1' }, 'ERROR_RATE', /between 0 and 1/],
    [{ LISTEN_ADDR: '0.0.0.0' }, 'LISTEN_ADDR', /must be host:port/],
    [{ LISTEN_ADDR: 'localhost:http' }, 'LISTEN_ADDR', /port must be a number/],
    [{ LISTEN_ADDR: '0.0.0.0:70000' }, 'LISTEN_ADDR', /port must be a number/],
    [{ SERVER_TYPE: 'grpc' }, 'SERVER_TYPE', /only the http server is built in/],
    [{ SERVER_TYPE: 'tcp' }, 'SERVER_TYPE', /must be http/],
    [{ ERROR_TYPE: 'timeout' }, 'ERROR_TYPE', /one of http_error, delay/],
    [{ ERROR_CODE: 'five hundred' }, 'ERROR_CODE', /must be an integer/],
    [{ ERROR_CODE: '42' }, 'ERROR_CODE', /between 100 and 599/],
    [{ ERROR_DELAY: '10' }, 'ERROR_DELAY', /must be a duration/],
    [{ TIMING_50_PERCENTILE: '-5ms' }, 'TIMING_50_PERCENTILE', /must not be negative/],
    [{ TIMING_VARIANCE: '10%' }, 'TIMING_VARIANCE', /must be an integer/],
    [{ UPSTREAM_WORKERS: '0' }, 'UPSTREAM_WORKERS', /must be 1 or more/],
    [{ UPSTREAM_URIS: 'grpc://payments:9090' }, 'UPSTREAM_URIS', /only http/],
    [{ UPSTREAM_URIS: 'service-b' }, 'UPSTREAM_URIS', /not an http:\/\/ URI/],
    [{ UPSTREAM_URIS: 'https://service-b' }, 'UPSTREAM_URIS', /only http:\/\/ upstreams/],
    [{ RATE_LIMIT: 'fast' }, 'RATE_LIMIT', /must be a number/],
    [{ HTTP_CLIENT_APPEND_REQUEST: 'yes' }, 'HTTP_CLIENT_APPEND_REQUEST', /must be true or false/],
    [{ HTTP_CLIENT_REQUEST_TIMEOUT: '30 seconds' }, 'HTTP_CLIENT_REQUEST_TIMEOUT', /must be a duration/],
    [{ LOG_FORMAT: 'xml' }, 'LOG_FORMAT', /one of text, json/],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL', /one of trace, debug, info, warn, error, off/],
    [{ TRACING_ZIPKIN: 'zipkin:9411' }, 'TRACING_ZIPKIN', /http\(s\) URL/],
  ];
  for (const [env, variable, message] of bad) {
    it(`rejects ${variable}=${Object.values(env)[0]}`, () => {
      assert.throws(
        () => parseConfig(env),
        (err: unknown) => {
          assert.ok(err instanceof FakeServiceConfigError);
          assert.equal(err.variable, variable);
          assert.ok(err.message.startsWith(`${variable}: `), err.message);
          assert.match(err.message, message);
          assert.ok(!err.message.includes('\n'), 'one line');
          return true;
        },
      );
    });
  }
});

describe('parseListenAddress', () => {
  it('keeps the host exactly as written', () => {
    assert.deepEqual(parseListenAddress('0.0.0.0:8080'), { host: '0.0.0.0', port: 8080, raw: '0.0.0.0:8080' });
    assert.deepEqual(parseListenAddress(':9090'), { host: '', port: 9090, raw: ':9090' });
    assert.deepEqual(parseListenAddress('localhost:0'), { host: 'localhost', port: 0, raw: 'localhost:0' });
    assert.deepEqual(parseListenAddress('[::1]:9090'), { host: '::1', port: 9090, raw: '[::1]:9090' });
  });
});
