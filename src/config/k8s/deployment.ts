// Deployment in every version Kubernetes served, stored as apps/v1.

import { z } from 'zod';
import type { KindInfo } from '../kind-info.js';
import { accepted, annotationMap, labelMap, labelSelector } from './common.js';
import { checkPodSpec, podSpec, type PodSpec } from './pod.js';

export const podTemplate = z.strictObject({
  metadata: z
    .strictObject({
      labels: labelMap.optional(),
      annotations: annotationMap.optional(),
      name: z.string().optional(),
      namespace: z.string().optional(),
      creationTimestamp: z.unknown().optional(),
    })
    .optional(),
  spec: podSpec,
});

export const deploymentSpec = z.strictObject({
  replicas: z.number().int().min(0).optional(),
  selector: labelSelector,
  template: podTemplate,
  strategy: z
    .strictObject({
      type: z.enum(['RollingUpdate', 'Recreate']).optional(),
      rollingUpdate: z
        .strictObject({ maxSurge: z.union([z.number(), z.string()]).optional(), maxUnavailable: z.union([z.number(), z.string()]).optional() })
        .optional(),
    })
    .optional(),
  // rollbackTo existed only in extensions/v1beta1 and apps/v1beta1; accepted so old manifests load.
  ...accepted(['minReadySeconds', 'revisionHistoryLimit', 'paused', 'progressDeadlineSeconds', 'rollbackTo']),
});
export type DeploymentSpec = z.infer<typeof deploymentSpec>;

/** Versions before apps/v1 defaulted an absent selector to the template's labels; apps/v1 requires it. */
export function defaultSelectorFromTemplate(apiVersion: string, spec: unknown): unknown {
  if (apiVersion === 'apps/v1' || typeof spec !== 'object' || spec === null || Array.isArray(spec)) return spec;
  const s = spec as Record<string, unknown>;
  if (s.selector !== undefined) return spec;
  const template = s.template as { metadata?: { labels?: unknown } } | undefined;
  const labels = template?.metadata?.labels;
  if (typeof labels !== 'object' || labels === null) return spec;
  return { ...s, selector: { matchLabels: { ...(labels as Record<string, string>) } } };
}

export const deployment: KindInfo = {
  kind: 'Deployment',
  group: 'apps',
  versions: ['v1beta1', 'v1beta2', 'v1'],
  extraApiVersions: ['extensions/v1beta1'],
  storageVersion: 'v1',
  upgradeSpec: defaultSelectorFromTemplate,
  plural: 'deployments',
  singular: 'deployment',
  shortNames: ['deploy'],
  namespaced: true,
  spec: deploymentSpec,
  specRequired: true,
  check: (o) => {
    const spec = o.spec as DeploymentSpec;
    const out = checkPodSpec(spec.template.spec as PodSpec, 'spec.template.spec');
    const labels = spec.template.metadata?.labels ?? {};
    for (const [k, v] of Object.entries(spec.selector.matchLabels ?? {})) {
      if (labels[k] !== v) {
        out.push(['spec.template.metadata.labels', `selector does not match template labels (${k}=${v} missing)`]);
        break;
      }
    }
    if (!spec.selector.matchLabels && !spec.selector.matchExpressions) out.push(['spec.selector', 'a selector is required']);
    return out;
  },
};
