// apps/v1 Deployment.

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
  ...accepted(['minReadySeconds', 'revisionHistoryLimit', 'paused', 'progressDeadlineSeconds']),
});
export type DeploymentSpec = z.infer<typeof deploymentSpec>;

export const deployment: KindInfo = {
  kind: 'Deployment',
  group: 'apps',
  versions: ['v1'],
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
