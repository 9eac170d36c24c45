// Building blocks shared by the Istio kinds: string matches, durations, percents, selectors, ports.

import { isIP } from 'node:net';
import { z } from 'zod';
import type { CheckFinding } from '../kind-info.js';
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
  else {
    const problem = durationProblem(ms);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }
});

/** Istio's ValidateDuration: at least 1ms, in whole milliseconds. */
export function durationProblem(ms: number): string | undefined {
  if (ms < 1) return 'duration must be greater than 1ms';
  // float sums of parts ("1.001s") are off by far less than a nanosecond
  if (Math.abs(ms - Math.round(ms)) > 1e-7) return 'only durations to ms precision are supported';
  return undefined;
}

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

// Regexes are checked by each kind's rules, which name the field as Istio does ("uri", "headers").
const stringMatchShape = {
  exact: z.string().optional(),
  prefix: z.string().optional(),
  regex: z.string().optional(),
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

/** Percent: a double; each field's range (fault or mirror) is checked by the kind's rules in Istio's words. */
export const percent = z.strictObject({ value: z.number().optional() });
export type Percent = z.infer<typeof percent>;

export const portSelector = z.strictObject({ number: portNumber });
export type PortSelector = z.infer<typeof portSelector>;

/** A protocol name as Istio parses it (case-insensitively). */
export const protocols = ['HTTP', 'HTTPS', 'HTTP2', 'HTTP_PROXY', 'GRPC', 'GRPC-WEB', 'TCP', 'TLS', 'UDP', 'MONGO', 'MYSQL', 'REDIS', 'THRIFT'];

/** networking's Port: gateways, service entries and sidecars. */
export const port = z.strictObject({
  number: uint32.optional(),
  protocol: z.string().optional(),
  name: z.string().optional(),
  targetPort: uint32.optional(),
});

const labelProblems = (m: Record<string, string>, ctx: z.RefinementCtx, maxValue: number): void => {
  for (const [k, v] of Object.entries(m)) {
    const pair = JSON.stringify(`${k}=${v}`);
    if (k === '') ctx.addIssue({ code: 'custom', message: `empty key is not supported in selector: ${pair}`, path: [k] });
    if (k.includes('*') || v.includes('*')) ctx.addIssue({ code: 'custom', message: `wildcard is not supported in selector: ${pair}`, path: [k] });
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

// ---------------------------------------------------------------------------------------------
// Istio's host, address and label rules, in its words (pkg/config/validation/agent)

// Istio's DNS-1123 labels also take upper case (pkg/config/labels).
const istioLabelFmt = '[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?';
const istioLabel = new RegExp(`^${istioLabelFmt}$`);
const wildcardLabel = new RegExp(`^(\\*|(\\*|\\*-)?${istioLabelFmt})$`);

/** labels.IsDNS1123Label as Istio has it. */
export function isIstioDnsLabel(s: string): boolean {
  return s.length <= 63 && istioLabel.test(s);
}

function dnsPreconditions(name: string): string | undefined {
  if (name.length > 255) return `domain name ${JSON.stringify(name)} too long (max 255)`;
  if (name.length === 0) return 'empty domain name not allowed';
  return undefined;
}

function dnsLabelsProblem(domain: string): string | undefined {
  const parts = domain.split('.');
  const top = parts[parts.length - 1]!;
  if (/^[+-]?\d+$/.test(top)) return `domain name ${JSON.stringify(domain)} invalid (top level domain ${JSON.stringify(top)} cannot be all-numeric)`;
  for (let i = 0; i < parts.length; i++) {
    // a trailing dot ("istio.io.") is allowed
    if (i === parts.length - 1 && parts[i] === '') return undefined;
    if (!isIstioDnsLabel(parts[i]!)) return `domain name ${JSON.stringify(domain)} invalid (label ${JSON.stringify(parts[i])} invalid)`;
  }
  return undefined;
}

/** ValidateFQDN. */
export function fqdnProblem(fqdn: string): string | undefined {
  return dnsPreconditions(fqdn) ?? dnsLabelsProblem(fqdn);
}

/** ValidateWildcardDomain: an FQDN whose first label may be a wildcard ("*", "*.example.com", "*x.example.com"). */
export function wildcardDomainProblem(domain: string): string | undefined {
  const pre = dnsPreconditions(domain);
  if (pre) return pre;
  const dot = domain.indexOf('.');
  const first = dot < 0 ? domain : domain.slice(0, dot);
  if (first.length > 63 || !wildcardLabel.test(first)) return `domain name ${JSON.stringify(domain)} invalid (label ${JSON.stringify(first)} invalid)`;
  return dot < 0 ? undefined : dnsLabelsProblem(domain.slice(dot + 1));
}

/** ValidatePartialWildCard: only "*" or a leading "*." may hold a wildcard. */
export function partialWildcardProblem(host: string): string | undefined {
  return host.includes('*') && host.length !== 1 && !host.startsWith('*.') ? `partial wildcard ${JSON.stringify(host)} not allowed` : undefined;
}

/** ValidatePort. */
export function portProblem(port: number): string | undefined {
  return port >= 1 && port <= 65535 ? undefined : `port number ${port} must be in the range 1..65535`;
}

/** ValidateIPAddress. */
export function ipProblem(addr: string): string | undefined {
  return isIP(addr) ? undefined : `${addr} is not a valid IP`;
}

/** ValidateIPSubnet: an address, or a CIDR block when there is one slash. */
export function ipSubnetProblem(subnet: string): string | undefined {
  if (subnet.split('/').length === 2) return isIpOrCidr(subnet) ? undefined : `${subnet} is not a valid CIDR block`;
  return ipProblem(subnet);
}

const qualifiedName = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const dnsPrefix = new RegExp(`^${istioLabelFmt}(\\.${istioLabelFmt})*$`);

/** labels.Instance.Validate: Kubernetes label keys and values, in Istio's words. */
export function tagProblems(labels: Record<string, string> | undefined): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    const parts = k.split('/');
    const name = parts[parts.length - 1]!;
    const prefix = parts.length === 2 ? parts[0]! : '';
    if (parts.length > 2 || (parts.length === 2 && !dnsPrefix.test(prefix)) || !qualifiedName.test(name)) out.push(`invalid tag key: ${JSON.stringify(k)}`);
    else if (prefix.length > 253) out.push(`invalid tag key: ${JSON.stringify(k)} (DNS prefix is too long)`);
    else if (name.length > 63) out.push(`invalid tag key: ${JSON.stringify(k)} (name is too long)`);
    if (!labelValue.test(v)) out.push(`invalid tag value: ${JSON.stringify(v)}`);
  }
  return out;
}

/** ValidateUnixAddress (the part after unix://). */
export function unixAddressProblem(addr: string): string | undefined {
  if (addr.length === 0) return 'unix address must not be empty';
  if (addr.startsWith('@')) return undefined;
  if (!addr.startsWith('/') || addr.endsWith('/')) return `${addr} is not an absolute path to a file`;
  return undefined;
}

/** ValidatePortName: a DNS-1123 label. */
export function portNameProblem(name: string): string | undefined {
  return isIstioDnsLabel(name) ? undefined : `invalid port name: ${name}`;
}

/** ValidateProtocol: empty means sniffing. */
export function protocolProblem(p: string | undefined): string | undefined {
  return p && !protocols.includes(p.toUpperCase()) ? `unsupported protocol: ${p}` : undefined;
}

/** The protocol families Istio's rules test for (protocol.Parse(...).IsHTTP/IsTLS/IsTCP). */
export function isHttpProtocol(p: string | undefined): boolean {
  return ['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB', 'HTTP_PROXY'].includes((p ?? '').toUpperCase());
}
export function isTlsProtocol(p: string | undefined): boolean {
  return ['HTTPS', 'TLS'].includes((p ?? '').toUpperCase());
}
export function isTcpProtocol(p: string | undefined): boolean {
  return ['TCP', 'HTTPS', 'TLS', 'MONGO', 'REDIS', 'MYSQL'].includes((p ?? '').toUpperCase());
}

/**
 * ValidateNamespaceSlashWildcardHostname: "namespace/dnsName" hosts of Sidecar egress listeners
 * and Gateway servers (where the namespace part may be left out).
 */
export function namespacedHostProblems(hostname: string, isGateway: boolean): string[] {
  const out: string[] = [];
  const slash = hostname.indexOf('/');
  if (slash < 0) {
    if (isGateway) return hostnamePartProblems(hostname, true);
    return ['host must be of form namespace/dnsName'];
  }
  const ns = hostname.slice(0, slash);
  const dns = hostname.slice(slash + 1);
  if (!ns || !dns) out.push('config namespace and dnsName in host entry cannot be empty');
  const special = isGateway ? ['*', '.'] : ['*', '.', '~'];
  if (!special.includes(ns) && !isIstioDnsLabel(ns)) out.push(`invalid namespace value ${JSON.stringify(ns)} in ${isGateway ? 'gateway' : 'sidecar'}`);
  return [...out, ...hostnamePartProblems(dns, isGateway)];
}

function hostnamePartProblems(hostname: string, isGateway: boolean): string[] {
  const out: string[] = [];
  if (hostname !== '*' && !hostname.includes('.')) out.push('short names (non FQDN) are not allowed');
  const bad = wildcardDomainProblem(hostname);
  // gateways also take an IP address as the host
  if (bad && !(isGateway && isIP(hostname))) out.push(bad);
  const partial = partialWildcardProblem(hostname);
  if (partial) out.push(partial);
  return out;
}

/** validateSubsetName. */
export function subsetNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'subset name cannot be empty';
  return isIstioDnsLabel(name) ? undefined : `subset name is invalid: ${name}`;
}

/** validateGatewayNames: "namespace/name", or a legacy name (warned about when it is an FQDN). */
export function gatewayNameFindings(name: string, at: string, out: Problems): void {
  const slash = name.indexOf('/');
  if (slash < 0) {
    if (name.includes('.')) {
      const parts = name.split('.');
      out.warn(at, `using legacy gatewayName format ${JSON.stringify(name)}; prefer the <namespace>/<name> format: ${JSON.stringify(`${parts[1]}/${parts[0]}`)}`);
    }
    const bad = fqdnProblem(name);
    if (bad) out.add(at, bad);
    return;
  }
  const ns = name.slice(0, slash);
  const gw = name.slice(slash + 1);
  if (!ns || !gw) out.add(at, 'config namespace and gateway name cannot be empty');
  if (!isIstioDnsLabel(ns)) out.add(at, `invalid value for namespace: ${JSON.stringify(ns)}`);
  if (!isIstioDnsLabel(gw)) out.add(at, `invalid value for gateway name: ${JSON.stringify(gw)}`);
}

/** validatePercentage: 0, or 0.0001..100. */
export function percentageProblem(value: number | undefined): string | undefined {
  if (value === undefined) return undefined;
  return value < 0 || value > 100 || (value > 0 && value < 0.0001) ? `percentage ${value} is neither 0.0, nor in range [0.0001, 100.0]` : undefined;
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

/**
 * exportTo as Istio's validateExportTo checks it: namespaces, "." for the own namespace, "*" for
 * all, and (ServiceEntry only) "~" for none.
 */
function exportToFor(serviceEntry: boolean) {
  return z.array(z.string()).superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((e, i) => {
      if (seen.has(e)) ctx.addIssue({ code: 'custom', message: `duplicate entries in exportTo for entry ${e}`, path: [i] });
      else if (e === '~' && !serviceEntry) ctx.addIssue({ code: 'custom', message: 'exportTo ~ (none) is not allowed for Istio configuration objects', path: [i] });
      else if (e !== '.' && e !== '*' && e !== '~' && !isIstioDnsLabel(e)) ctx.addIssue({ code: 'custom', message: 'only .,*, or a valid DNS 1123 label is allowed as exportTo entry', path: [i] });
      seen.add(e);
    });
    if (seen.has('*') && list.length > 1) ctx.addIssue({ code: 'custom', message: 'cannot have both public (*) and non-public exportTo values for a resource' });
    if (serviceEntry && seen.has('~') && list.length > 1) ctx.addIssue({ code: 'custom', message: 'cannot export service entry to no one (~) and someone' });
  });
}
export const exportTo = exportToFor(false);
export const serviceEntryExportTo = exportToFor(true);

// ---------------------------------------------------------------------------------------------
// Helpers for `check`

/** The parsed spec when it matches the schema; checks run on typed data and stay quiet on what zod already reported. */
export function parsedSpec<T>(schema: z.ZodType<T>, spec: unknown): T | undefined {
  const r = schema.safeParse(spec ?? {});
  return r.success ? r.data : undefined;
}

/** Collects KindInfo.check's findings: errors refuse the object, warnings are printed and it is accepted. */
export class Problems {
  readonly list: CheckFinding[] = [];
  add(path: string, message: string): void {
    this.list.push([path, message]);
  }
  warn(path: string, message: string): void {
    this.list.push([path, message, 'warning']);
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

/** validateWorkloadSelector (security, telemetry and DestinationRule selectors). */
export function checkWorkloadSelector(sel: WorkloadSelector | undefined, path: string, out: Problems): void {
  if (!sel) return;
  const labels = sel.matchLabels ?? {};
  if (Object.keys(labels).length === 0) out.warn(path, 'workload selector specified without labels');
}

/** selector, targetRef and targetRefs pick workloads in different ways; Istio allows one of them. */
export function checkTargeting(spec: { selector?: unknown; targetRef?: unknown; targetRefs?: unknown }, out: Problems): void {
  const set = present(spec, ['selector', 'targetRef', 'targetRefs']);
  if (set.length > 1) out.add(`spec.${set[1]}`, `only one of selector, targetRef or targetRefs can be set (found ${set.join(', ')})`);
}
