// The JSON document a fake-service answers with, and reading an upstream's copy of it. Field order and
// omission follow fake-service's Go struct (every field but `code` is omitempty; map keys come out sorted
// because Go sorts them), with happy-service's `owner` after `name`.

import { encodeIndented, jsonArray, jsonNumber, jsonObject, jsonString, member, parseJson, type JsonNode } from './go-json.js';

export interface FakeResponse {
  name?: string;
  owner?: string;
  uri?: string;
  type?: string;
  ipAddresses?: string[];
  startTime?: string;
  endTime?: string;
  duration?: string;
  /** Response headers of an upstream call, as the caller saw them. */
  headers?: Record<string, string>;
  cookies?: Record<string, string>;
  /** Raw JSON: a string for a plain MESSAGE, the parsed document for a JSON one. */
  body?: JsonNode;
  upstreamCalls?: Record<string, FakeResponse>;
  code: number;
  error?: string;
}

/** The body as sent on the wire: indented JSON followed by a newline, like Go's json.Encoder. */
export function encodeResponse(r: FakeResponse): string {
  return encodeIndented(toNode(r)) + '\n';
}

function toNode(r: FakeResponse): JsonNode {
  const e: Array<[string, JsonNode]> = [];
  const str = (k: string, v: string | undefined): void => {
    if (v) e.push([k, jsonString(v)]);
  };
  const map = (k: string, v: Record<string, string> | undefined): void => {
    const keys = Object.keys(v ?? {}).sort();
    if (keys.length) e.push([k, jsonObject(keys.map((key) => [key, jsonString(v![key]!)]))]);
  };
  str('name', r.name);
  str('owner', r.owner);
  str('uri', r.uri);
  str('type', r.type);
  if (r.ipAddresses?.length) e.push(['ip_addresses', jsonArray(r.ipAddresses.map(jsonString))]);
  str('start_time', r.startTime);
  str('end_time', r.endTime);
  str('duration', r.duration);
  map('headers', r.headers);
  map('cookies', r.cookies);
  if (r.body && !(r.body.kind === 'literal' && r.body.raw === 'null')) e.push(['body', r.body]);
  const calls = Object.keys(r.upstreamCalls ?? {}).sort();
  if (calls.length) e.push(['upstream_calls', jsonObject(calls.map((k) => [k, toNode(r.upstreamCalls![k]!)]))]);
  e.push(['code', jsonNumber(r.code)]);
  str('error', r.error);
  return jsonObject(e);
}

/** MESSAGE as the body: JSON objects and arrays are embedded as they are, anything else is a string. */
export function messageBody(message: string): JsonNode {
  const t = message.trim();
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      return parseJson(t);
    } catch {
      // Not valid JSON after all: send it as text rather than produce a broken document.
    }
  }
  return jsonString(message);
}

/**
 * Reads an upstream's response document. Like Go's json.Unmarshal into the struct it is all or nothing:
 * a document that is not JSON, or has a field of the wrong type, yields an error and no fields.
 */
export function decodeResponse(text: string): FakeResponse {
  return fromNode(parseJson(text), '');
}

function fromNode(node: JsonNode, at: string): FakeResponse {
  if (node.kind !== 'object') throw new TypeError(`cannot unmarshal ${describe(node)} into a response${at}`);
  const str = (name: string): string | undefined => {
    const v = member(node, name);
    if (v === undefined || isNull(v)) return undefined;
    if (v.kind !== 'string') throw new TypeError(`field ${at}${name}: cannot unmarshal ${describe(v)} into a string`);
    return v.value;
  };
  const strMap = (name: string): Record<string, string> | undefined => {
    const v = member(node, name);
    if (v === undefined || isNull(v)) return undefined;
    if (v.kind !== 'object') throw new TypeError(`field ${at}${name}: cannot unmarshal ${describe(v)} into a map`);
    const out: Record<string, string> = {};
    for (const [k, item] of v.entries) {
      if (item.kind !== 'string') throw new TypeError(`field ${at}${name}.${k}: cannot unmarshal ${describe(item)} into a string`);
      out[k] = item.value;
    }
    return out;
  };
  const r: FakeResponse = { code: 0 };
  const set = <K extends keyof FakeResponse>(k: K, v: FakeResponse[K] | undefined): void => {
    if (v !== undefined) r[k] = v;
  };
  set('name', str('name'));
  set('owner', str('owner'));
  set('uri', str('uri'));
  set('type', str('type'));
  const ips = member(node, 'ip_addresses');
  if (ips && !isNull(ips)) {
    if (ips.kind !== 'array') throw new TypeError(`field ${at}ip_addresses: cannot unmarshal ${describe(ips)} into a list`);
    r.ipAddresses = ips.items.map((i) => {
      if (i.kind !== 'string') throw new TypeError(`field ${at}ip_addresses: cannot unmarshal ${describe(i)} into a string`);
      return i.value;
    });
  }
  set('startTime', str('start_time'));
  set('endTime', str('end_time'));
  set('duration', str('duration'));
  set('headers', strMap('headers'));
  set('cookies', strMap('cookies'));
  const body = member(node, 'body');
  if (body && !isNull(body)) r.body = body;
  const calls = member(node, 'upstream_calls');
  if (calls && !isNull(calls)) {
    if (calls.kind !== 'object') throw new TypeError(`field ${at}upstream_calls: cannot unmarshal ${describe(calls)} into a map`);
    r.upstreamCalls = {};
    for (const [k, v] of calls.entries) r.upstreamCalls[k] = fromNode(v, `${at}upstream_calls.${k}.`);
  }
  const code = member(node, 'code');
  if (code && !isNull(code)) {
    if (code.kind !== 'number' || !/^-?\d+$/.test(code.raw)) {
      throw new TypeError(`field ${at}code: cannot unmarshal ${describe(code)} into an int`);
    }
    r.code = Number(code.raw);
  }
  set('error', str('error'));
  return r;
}

const isNull = (n: JsonNode): boolean => n.kind === 'literal' && n.raw === 'null';

function describe(n: JsonNode): string {
  if (n.kind === 'literal') return n.raw === 'null' ? 'null' : 'bool';
  return n.kind;
}
