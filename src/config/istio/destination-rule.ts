// DestinationRule: policies applied after routing (subsets, load balancing, pools, outlier detection, TLS).

import { z } from 'zod';
import type { CheckFinding, KindInfo } from '../kind-info.js';
import { checkWorkloadSelector, exportTo, labelMap, parsedSpec, Problems, subsetNameProblem, tagProblems, wildcardDomainProblem, workloadSelector } from './common.js';
import { checkTrafficPolicy, trafficPolicy } from './traffic-policy.js';

export const subset = z.strictObject({
  name: z.string(),
  labels: labelMap.optional(),
  trafficPolicy: trafficPolicy.optional(),
});
export type Subset = z.infer<typeof subset>;

export const destinationRuleSpec = z.strictObject({
  host: z.string(),
  trafficPolicy: trafficPolicy.optional(),
  subsets: z.array(subset).optional(),
  exportTo: exportTo.optional(),
  workloadSelector: workloadSelector.optional(),
});
export type DestinationRuleSpec = z.infer<typeof destinationRuleSpec>;

function check(obj: { metadata: { namespace?: string }; spec?: unknown }): CheckFinding[] {
  const spec = parsedSpec(destinationRuleSpec, obj.spec);
  if (!spec) return [];
  const out = new Problems();
  // "*" is a wildcard over every host, as Istio indexes it (the 1.0-era workshops' mesh-wide mTLS rule).
  const host = wildcardDomainProblem(spec.host);
  if (host) out.add('spec.host', host);
  if (spec.trafficPolicy) checkTrafficPolicy(spec.trafficPolicy, 'spec.trafficPolicy', out);
  const names = new Set<string>();
  spec.subsets?.forEach((s, i) => {
    const at = `spec.subsets[${i}]`;
    if (names.has(s.name)) out.add(`${at}.name`, `duplicate subset names: ${s.name}`);
    names.add(s.name);
    const bad = subsetNameProblem(s.name);
    if (bad) out.add(`${at}.name`, bad);
    for (const p of tagProblems(s.labels)) out.add(`${at}.labels`, p);
    if (s.trafficPolicy) checkTrafficPolicy(s.trafficPolicy, `${at}.trafficPolicy`, out);
  });
  if (spec.workloadSelector && spec.exportTo?.length) {
    const ns = obj.metadata.namespace;
    const targets = new Set(spec.exportTo.map((e) => (e === '.' ? ns : e)));
    if (!ns || !targets.has(ns)) out.add('spec.exportTo', 'destination rule with workload selector cannot have exportTo beyond current namespace');
    else if (targets.size > 1) out.add('spec.exportTo', 'destination rule with workload selector cannot have multiple entries in exportTo');
  }
  checkWorkloadSelector(spec.workloadSelector, 'spec.workloadSelector', out);
  return out.list;
}

export const destinationRuleKind: KindInfo = {
  kind: 'DestinationRule',
  group: 'networking.istio.io',
  versions: ['v1alpha3', 'v1beta1', 'v1'],
  plural: 'destinationrules',
  singular: 'destinationrule',
  shortNames: ['dr'],
  namespaced: true,
  spec: destinationRuleSpec,
  specRequired: true,
  check,
};
