// Validates one spec against a kind the way the config loader does: zod issues first, then `check`.
// Lets callers (and the tests here) ask "is this spec valid?" without a whole document around it.

import { formatPath } from '../errors.js';
import type { CheckFinding, KindInfo } from '../kind-info.js';

export interface SpecIssue {
  /** Field path from the document root, e.g. spec.http[0].route */
  path: string;
  message: string;
}

export function specIssues(
  info: KindInfo,
  spec: unknown,
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> } = { name: 'default', namespace: 'default' },
): SpecIssue[] {
  if (!info.spec) return [];
  const r = info.spec.safeParse(spec);
  if (!r.success) {
    const out: SpecIssue[] = [];
    for (const issue of r.error.issues) {
      const path = ['spec', ...issue.path];
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) out.push({ path: formatPath([...path, key]), message: `unknown field "${key}"` });
      } else {
        out.push({ path: formatPath(path), message: issue.message });
      }
    }
    return out;
  }
  return findings(info, r.data, metadata).filter((f) => f.length === 2).map(([path, message]) => ({ path, message }));
}

/** The warnings a valid spec is accepted with (Istio's deprecations and likely mistakes). */
export function specWarnings(
  info: KindInfo,
  spec: unknown,
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> } = { name: 'default', namespace: 'default' },
): SpecIssue[] {
  const r = info.spec?.safeParse(spec);
  if (!r?.success) return [];
  return findings(info, r.data, metadata).filter((f) => f.length === 3).map(([path, message]) => ({ path, message }));
}

function findings(info: KindInfo, spec: unknown, metadata: { name: string; namespace?: string; annotations?: Record<string, string> }): CheckFinding[] {
  return info.check?.({ metadata, spec }) ?? [];
}
