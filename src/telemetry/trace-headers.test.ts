import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateRequestId, TRACE_HEADERS } from './trace-headers.js';

test('request ids are distinct version 4 UUIDs', () => {
  const ids = new Set<string>();
  for (let i = 0; i < 1000; i++) {
    const id = generateRequestId();
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    ids.add(id);
  }
  assert.equal(ids.size, 1000);
});

test('trace headers are lower-case and include request id, W3C and B3', () => {
  for (const h of TRACE_HEADERS) assert.equal(h, h.toLowerCase());
  for (const h of ['x-request-id', 'traceparent', 'tracestate', 'x-b3-traceid', 'x-b3-spanid', 'x-b3-parentspanid', 'x-b3-sampled', 'x-b3-flags', 'b3', 'x-ot-span-context']) {
    assert.ok((TRACE_HEADERS as readonly string[]).includes(h), h);
  }
  assert.equal(new Set(TRACE_HEADERS).size, TRACE_HEADERS.length);
});
