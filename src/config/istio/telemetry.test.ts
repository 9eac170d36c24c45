import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { specIssues } from './spec-issues.js';
import { telemetryKind } from './telemetry.js';

const paths = (yaml: string): string[] => specIssues(telemetryKind, parse(yaml)).map((i) => i.path);

test('tracing, metrics and access logging validate', () => {
  assert.deepEqual(
    paths(`
tracing:
- providers: [{name: zipkin}]
  randomSamplingPercentage: 10.0
  customTags:
    my_tag: {literal: {value: "x"}}
    user: {header: {name: x-user, defaultValue: anonymous}}
metrics:
- providers: [{name: prometheus}]
  overrides:
  - match: {metric: REQUEST_COUNT, mode: CLIENT_AND_SERVER}
    tagOverrides:
      request_host: {value: "request.host"}
      response_flags: {operation: REMOVE}
accessLogging:
- providers: [{name: envoy}]
  filter: {expression: "response.code >= 400"}
`),
    [],
  );
});

test('mistakes are reported at their field', () => {
  assert.deepEqual(paths('{tracing: [{randomSamplingPercentage: 150}]}'), ['spec.tracing[0].randomSamplingPercentage']);
  assert.deepEqual(paths('{metrics: [{overrides: [{match: {metric: REQUESTS}}]}]}'), ['spec.metrics[0].overrides[0].match.metric']);
  assert.deepEqual(paths('{metrics: [{overrides: [{tagOverrides: {a: {operation: REMOVE, value: x}}}]}]}'), ['spec.metrics[0].overrides[0].tagOverrides.a.value']);
  assert.deepEqual(paths('{accessLogging: [{providers: [{}]}]}'), ['spec.accessLogging[0].providers[0].name']);
});
