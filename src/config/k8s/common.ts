// Building blocks shared by the Kubernetes kinds.

import { z } from 'zod';

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

/** Label and annotation keys: optional DNS-subdomain prefix, then a name of at most 63 characters. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && !isDnsSubdomain(prefix)) return `key "${key}": prefix must be a DNS subdomain`;
  if (name.length === 0 || name.length > 63 || !qualifiedName.test(name)) {
    return `key "${key}": name part must be 1-63 characters of alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric`;
  }
  return undefined;
}

export const labelMap = z.record(z.string(), z.string()).superRefine((m, ctx) => {
  for (const [k, v] of Object.entries(m)) {
    const p = labelKeyProblem(k);
    if (p) ctx.addIssue({ code: 'custom', message: `invalid label ${p}`, path: [k] });
    if (v.length > 63 || !labelValue.test(v)) {
      ctx.addIssue({ code: 'custom', message: `invalid label value "${v}": at most 63 characters of alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric`, path: [k] });
    }
  }
});

export const annotationMap = z.record(z.string(), z.string());

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
