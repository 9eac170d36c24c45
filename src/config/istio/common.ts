// Building blocks shared by the Istio kinds: string matches, durations, percents, selectors, ports.

import { isIP } from 'node:net';
import { z } from 'zod';
import { MAX_RE2_LENGTH, re2Problem } from '../../regex/re2.js';

export const int32 = z.number().int().min(-2147483648).max(2147483647);
export const uint32 = z.number().int().min(0).max(4294967295);
/** Non-negative int32: the Go validation rejects negative counts and limits. */
export const count = z.number().int().min(0).max(2147483647);

export const portNumber = z
  .number()
  .int()
  .refine((n) => n >= 1 && n <= 65535, { error: (iss) => `port number ${String(iss.input)} must be in the range 1..65535` });

export const stringList = z.array(z.string());
export const labelMap = z.record(z.string(), z.string());
export const annotationMap = z.record(z.string(), z.string());

/** Protobuf wrapper types (BoolValue, UInt32Value, ...) are nullable in Istio's CRDs. */
export const nullableBool = z.boolean().nullish();

// ---------------------------------------------------------------------------------------------
// Durations

const durationUnits: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3,
  'μs': 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};
const durationPart = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

function durationMs(s: string): number | undefined {
  if (s === '0') return 0;
  if (s === '') return undefined;
  let total = 0;
  durationPart.lastIndex = 0;
  while (durationPart.lastIndex < s.length) {
    const at = durationPart.lastIndex;
    const m = durationPart.exec(s);
    if (!m || m.index !== at) return undefined;
    total += Number(m[1]) * durationUnits[m[2]!]!;
  }
  return total;
}

/**
 * Milliseconds in a Go/protobuf duration string: "1s", "0.5s", "100ms", "1m30s", "1h", "250us".
 * Throws RangeError for anything else (Istio has no "d" unit and needs a unit on every number).
 */
export function parseDurationMs(s: string): number {
  const ms = durationMs(s);
  if (ms === undefined) throw new RangeError(`invalid duration "${s}"`);
  return ms;
}

const durationHint = 'a number and a unit (h, m, s, ms, us, ns), e.g. 10s, 0.5s, 100ms, 1m30s';

/** A duration of zero or more. */
export const duration = z.string().superRefine((s, ctx) => {
  if (durationMs(s) === undefined) ctx.addIssue({ code: 'custom', message: `invalid duration "${s}": use ${durationHint}` });
});

/** A duration of at least 1ms, which is what Istio's CRDs demand of timeouts, intervals and the like. */
export const positiveDuration = z.string().superRefine((s, ctx) => {
  const ms = durationMs(s);
  if (ms === undefined) ctx.addIssue({ code: 'custom', message: `invalid duration "${s}": use ${durationHint}` });
  else if (ms < 1) ctx.addIssue({ code: 'custom', message: `duration "${s}" must be at least 1ms` });
});

// ---------------------------------------------------------------------------------------------
// String matches

/** Istio's words for a regex it refuses; `where` names the field as Istio's messages do ("uri", "headers"). */
export function regexProblem(re: string, where: string): string | undefined {
  if (re.length > MAX_RE2_LENGTH) return `${JSON.stringify(where)}: regex is too large, max length allowed is ${MAX_RE2_LENGTH}`;
  const problem = re2Problem(re);
  return problem ? `${JSON.stringify(where)}: ${problem}; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)` : undefined;
}

/** A string holding an RE2 pattern, checked as Istio checks it. */
export function regexIn(where: string): z.ZodString {
  return z.string().check((c) => {
    const problem = regexProblem(c.value, where);
    if (problem) c.issues.push({ code: 'custom', message: problem, input: c.value });
  });
}
export const regexString = regexIn('regex');

const stringMatchShape = {
  exact: z.string().optional(),
  prefix: z.string().optional(),
  regex: regexString.optional(),
};
const matchKeys = ['exact', 'prefix', 'regex'] as const;

function setKeys<T extends object>(v: T, keys: readonly (keyof T & string)[]): string[] {
  return keys.filter((k) => v[k] !== undefined && v[k] !== null);
}

/** exact | prefix | regex, exactly one. */
export const stringMatch = z.strictObject(stringMatchShape).superRefine((v, ctx) => {
  const set = setKeys(v, matchKeys);
  if (set.length !== 1) {
    ctx.addIssue({
      code: 'custom',
      message: set.length === 0 ? 'one of exact, prefix or regex is required' : `only one of exact, prefix or regex may be set (found ${set.join(', ')})`,
    });
  }
});
export type StringMatch = z.infer<typeof stringMatch>;

/** Header and query-parameter matches: as StringMatch, but `{}` is allowed and matches on presence. */
export const presenceMatch = z.strictObject(stringMatchShape).superRefine((v, ctx) => {
  const set = setKeys(v, matchKeys);
  if (set.length > 1) ctx.addIssue({ code: 'custom', message: `only one of exact, prefix or regex may be set (found ${set.join(', ')})` });
});
export type PresenceMatch = z.infer<typeof presenceMatch>;

// ---------------------------------------------------------------------------------------------
// Small messages

/** Percent: a double in 0..100; Istio also rejects values between 0 and 0.0001. */
export const percent = z.strictObject({
  value: z
    .number()
    .min(0, 'percentage must be in range 0..100')
    .max(100, 'percentage must be in range 0..100')
    .refine((v) => v <= 0 || v >= 0.0001, 'percentage must be 0 or at least 0.0001')
    .optional(),
});
export type Percent = z.infer<typeof percent>;

export const portSelector = z.strictObject({ number: portNumber });
export type PortSelector = z.infer<typeof portSelector>;

/** A protocol name as Istio parses it (case-insensitively). */
export const protocols = ['HTTP', 'HTTPS', 'HTTP2', 'HTTP_PROXY', 'GRPC', 'GRPC-WEB', 'TCP', 'TLS', 'UDP', 'MONGO', 'MYSQL', 'REDIS', 'THRIFT'];
export const protocolName = z.string().refine((p) => protocols.includes(p.toUpperCase()), {
  error: (iss) => `invalid protocol "${String(iss.input)}"; supported protocols are ${protocols.join(', ')}`,
});

/** networking's Port: gateways, service entries and sidecars. */
export const port = z.strictObject({
  number: uint32.optional(),
  protocol: z.string().optional(),
  name: z.string().optional(),
  targetPort: uint32.optional(),
});

const labelProblems = (m: Record<string, string>, ctx: z.RefinementCtx, maxValue: number): void => {
  for (const [k, v] of Object.entries(m)) {
    if (k === '') ctx.addIssue({ code: 'custom', message: 'label key must not be empty', path: [k] });
    if (k.includes('*')) ctx.addIssue({ code: 'custom', message: `wildcard not allowed in label key "${k}"`, path: [k] });
    if (v.includes('*')) ctx.addIssue({ code: 'custom', message: `wildcard not allowed in label value "${v}"`, path: [k] });
    if (v.length > maxValue) ctx.addIssue({ code: 'custom', message: `label value "${v}" is longer than ${maxValue} characters`, path: [k] });
  }
};

/** type.v1beta1.WorkloadSelector: `selector: {matchLabels: ...}` on security and telemetry kinds. */
export const workloadSelector = z.strictObject({
  matchLabels: labelMap.superRefine((m, ctx) => labelProblems(m, ctx, 63)).optional(),
});
export type WorkloadSelector = z.infer<typeof workloadSelector>;

/** networking's WorkloadSelector: `workloadSelector: {labels: ...}` on Sidecar and ServiceEntry. */
export const networkingWorkloadSelector = z.strictObject({
  labels: labelMap.superRefine((m, ctx) => labelProblems(m, ctx, 63)).optional(),
});

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export function isDnsLabel(s: string): boolean {
  return s.length <= 63 && dnsLabel.test(s);
}

/** An IP address or a CIDR block such as 10.0.0.0/8. */
export function isIpOrCidr(a: string): boolean {
  const [ip, bits, ...rest] = a.split('/');
  const family = isIP(ip ?? '');
  if (!family || rest.length) return false;
  if (bits === undefined) return true;
  const n = /^\d+$/.test(bits) ? Number(bits) : -1;
  return n >= 0 && n <= (family === 4 ? 32 : 128);
}

/** PolicyTargetReference: a Gateway API style reference in the policy's own namespace. */
export const targetRef = z.strictObject({
  group: z
    .string()
    .max(253)
    .regex(/^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, 'group must be a DNS subdomain')
    .optional(),
  kind: z.string().min(1).max(63).regex(/^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/, 'kind must be alphanumeric, starting with a letter'),
  name: z.string().min(1).max(253),
  namespace: z.string().refine((s) => s === '', 'cross namespace referencing is not currently supported').optional(),
});
export type TargetRef = z.infer<typeof targetRef>;
export const targetRefs = z.array(targetRef).max(16);

/** exportTo: namespaces, "." for the own namespace, "*" for all. */
export const exportTo = z.array(z.string()).superRefine((list, ctx) => {
  const seen = new Set<string>();
  list.forEach((e, i) => {
    if (seen.has(e)) ctx.addIssue({ code: 'custom', message: `duplicate entries in exportTo for entry ${e}`, path: [i] });
    seen.add(e);
    if (e !== '.' && e !== '*' && e !== '~' && !isDnsLabel(e)) ctx.addIssue({ code: 'custom', message: `invalid exportTo value "${e}"`, path: [i] });
  });
  if (seen.has('*') && list.length > 1) ctx.addIssue({ code: 'custom', message: 'cannot have both public (*) and non-public exportTo values for a resource' });
});

// ---------------------------------------------------------------------------------------------
// Helpers for `check`

/** The parsed spec when it matches the schema; checks run on typed data and stay quiet on what zod already reported. */
export function parsedSpec<T>(schema: z.ZodType<T>, spec: unknown): T | undefined {
  const r = schema.safeParse(spec ?? {});
  return r.success ? r.data : undefined;
}

/** Collects [path, message] pairs for KindInfo.check. */
export class Problems {
  readonly list: Array<[string, string]> = [];
  add(path: string, message: string): void {
    this.list.push([path, message]);
  }
}

/** Which of the named fields are present. */
export function present<T extends object>(v: T, keys: readonly (keyof T & string)[]): string[] {
  return setKeys(v, keys);
}

/** Adds an issue when more than one of the named fields is set. */
export function atMostOne<T extends object>(keys: readonly (keyof T & string)[]) {
  return (v: T, ctx: z.RefinementCtx): void => {
    const set = setKeys(v, keys);
    if (set.length > 1) ctx.addIssue({ code: 'custom', message: `only one of ${keys.join(', ')} may be set (found ${set.join(', ')})` });
  };
}

/** selector, targetRef and targetRefs pick workloads in different ways; Istio allows one of them. */
export function checkTargeting(spec: { selector?: unknown; targetRef?: unknown; targetRefs?: unknown }, out: Problems): void {
  const set = present(spec, ['selector', 'targetRef', 'targetRefs']);
  if (set.length > 1) out.add(`spec.${set[1]}`, `only one of selector, targetRef or targetRefs can be set (found ${set.join(', ')})`);
}
