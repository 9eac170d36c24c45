// Building blocks shared by the Kubernetes kinds.

import { z } from 'zod';
import { MAX_ANNOTATIONS_BYTES } from '../limits.js';

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const qualifiedName = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

export function isDnsLabel(s: string): boolean {
  return s.length <= 63 && dns1123Label.test(s);
}

export function isDnsSubdomain(s: string): boolean {
  return s.length <= 253 && dns1123Subdomain.test(s);
}

// Kubernetes' own wording (apimachinery's validation package), so messages match the API server's.
const qualifiedNameFmt = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const qualifiedNameMsg = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const dns1123SubdomainFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
const dns1123SubdomainMsg = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const labelValueMsg = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

function regexError(msg: string, fmt: string, ...examples: string[]): string {
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}

/** Kubernetes' IsQualifiedName: label keys and (lower-cased) annotation keys. */
function qualifiedNameProblems(key: string): string[] {
  const parts = key.split('/');
  const out: string[] = [];
  let name: string;
  if (parts.length === 1) name = parts[0]!;
  else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) out.push('prefix part must be non-empty');
    else {
      if (prefix.length > 253) out.push('prefix part must be no more than 253 characters');
      if (!dns1123Subdomain.test(prefix)) out.push(`prefix part ${regexError(dns1123SubdomainMsg, dns1123SubdomainFmt, 'example.com')}`);
    }
  } else {
    return [`a qualified name ${regexError(qualifiedNameMsg, qualifiedNameFmt, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  if (name.length === 0) out.push('name part must be non-empty');
  else if (name.length > 63) out.push('name part must be no more than 63 characters');
  if (!qualifiedName.test(name)) out.push(`name part ${regexError(qualifiedNameMsg, qualifiedNameFmt, 'MyName', 'my.name', '123-abc')}`);
  return out;
}

/** Kubernetes' IsValidLabelValue. */
export function labelValueProblems(value: string): string[] {
  const out: string[] = [];
  if (value.length > 63) out.push('must be no more than 63 characters');
  if (!labelValue.test(value)) out.push(regexError(labelValueMsg, `(${qualifiedNameFmt})?`, 'MyValue', 'my_value', '12345'));
  return out;
}

/** `Invalid value: "x": ...` as Kubernetes words it; a long value is cut so the message stays one readable line. */
function invalidValue(value: string, problem: string): string {
  const shown = value.length > 80 ? `${value.slice(0, 80)}...(${value.length - 80} more characters)` : value;
  return `Invalid value: ${JSON.stringify(shown)}: ${problem}`;
}

/** Keys and values of all annotations together, in bytes, as Kubernetes counts them. */
function annotationsSize(m: Record<string, unknown>): number {
  let n = 0;
  for (const [k, v] of Object.entries(m)) n += Buffer.byteLength(k) + (typeof v === 'string' ? Buffer.byteLength(v) : 0);
  return n;
}

export const labelMap = z.record(z.string(), z.string()).superRefine((m, ctx) => {
  for (const [k, v] of Object.entries(m)) {
    for (const p of qualifiedNameProblems(k)) ctx.addIssue({ code: 'custom', message: invalidValue(k, p), path: [] });
    for (const p of labelValueProblems(v)) ctx.addIssue({ code: 'custom', message: invalidValue(v, p), path: [k] });
  }
});

export const annotationMap = z.record(z.string(), z.string()).superRefine((m, ctx) => {
  // Kubernetes checks annotation keys as qualified names, but case-insensitively.
  for (const k of Object.keys(m)) {
    for (const p of qualifiedNameProblems(k.toLowerCase())) ctx.addIssue({ code: 'custom', message: invalidValue(k, p), path: [] });
  }
  if (annotationsSize(m) > MAX_ANNOTATIONS_BYTES) ctx.addIssue({ code: 'custom', message: `Too long: must have at most ${MAX_ANNOTATIONS_BYTES} bytes`, path: [] });
});

export const labelSelector = z.strictObject({
  matchLabels: labelMap.optional(),
  matchExpressions: z
    .array(
      z.strictObject({
        key: z.string(),
        operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
        values: z.array(z.string()).optional(),
      }),
    )
    .optional(),
});
export type LabelSelector = z.infer<typeof labelSelector>;

/** An int or a named port, as in targetPort and probe ports. */
export const intOrString = z.union([z.number().int(), z.string()]);

/** Fields Kubernetes defines that Weft accepts without acting on them. */
export function accepted(names: string[]): Record<string, z.ZodOptional<z.ZodUnknown>> {
  return Object.fromEntries(names.map((n) => [n, z.unknown().optional()]));
}
