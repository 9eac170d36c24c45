// DestinationRule: policies applied after routing (subsets, load balancing, pools, outlier detection, TLS).

import { z } from 'zod';
import type { KindInfo } from '../kind-info.js';
import { exportTo, isDnsLabel, labelMap, parsedSpec, Problems, workloadSelector } from './common.js';
import { checkTrafficPolicy, trafficPolicy } from './traffic-policy.js';

export const subset = z.strictObject({
  name: z.string().refine(isDnsLabel, { error: (iss) => `subset name "${String(iss.input)}" is invalid: must be a DNS-1123 label` }),
  labels: labelMap.optional(),
  trafficPolicy: trafficPolicy.optional(),
});
export type Subset = z.infer<typeof subset>;

export const destinationRuleSpec = z.strictObject({
  host: z.string().min(1, 'host is required'),
  trafficPolicy: trafficPolicy.optional(),
  subsets: z.array(subset).optional(),
  exportTo: exportTo.optional(),
  workloadSelector: workloadSelector.optional(),
});
export type DestinationRuleSpec = z.infer<typeof destinationRuleSpec>;

function check(obj: { metadata: { namespace?: string }; spec?: unknown }): Array<[string, string]> {
  const spec = parsedSpec(destinationRuleSpec, obj.spec);
  if (!spec) return [];
  const out = new Problems();
  // "*" is a wildcard over every host, as Istio indexes it (the 1.0-era workshops' mesh-wide mTLS rule).
  if (spec.trafficPolicy) checkTrafficPolicy(spec.trafficPolicy, 'spec.trafficPolicy', out);
  const names = new Map<string, number>();
  spec.subsets?.forEach((s, i) => {
    const first = names.get(s.name);
    if (first !== undefined) out.add(`spec.subsets[${i}].name`, `duplicate subset name "${s.name}" (also spec.subsets[${first}])`);
    else names.set(s.name, i);
    if (s.trafficPolicy) checkTrafficPolicy(s.trafficPolicy, `spec.subsets[${i}].trafficPolicy`, out);
  });
  const own = (e: string): boolean => e === '.' || e === obj.metadata.namespace;
  if (spec.workloadSelector && spec.exportTo && !(spec.exportTo.length === 1 && own(spec.exportTo[0]!))) {
    out.add('spec.exportTo', 'a DestinationRule with a workloadSelector can only be exported to its own namespace (".")');
  }
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
