// StatefulSet, DaemonSet and Job: pod templates run by their own controllers, stored in their newest version.

import { z } from 'zod';
import type { KindInfo } from '../kind-info.js';
import { accepted, labelSelector } from './common.js';
import { defaultSelectorFromTemplate, podTemplate } from './deployment.js';
import { checkPodSpec, type PodSpec } from './pod.js';

export const statefulSetSpec = z.strictObject({
  replicas: z.number().int().min(0).optional(),
  selector: labelSelector,
  template: podTemplate,
  serviceName: z.string().optional(),
  podManagementPolicy: z.enum(['OrderedReady', 'Parallel']).optional(),
  ...accepted(['updateStrategy', 'volumeClaimTemplates', 'revisionHistoryLimit', 'minReadySeconds', 'persistentVolumeClaimRetentionPolicy', 'ordinals']),
});
export type StatefulSetSpec = z.infer<typeof statefulSetSpec>;

export const daemonSetSpec = z.strictObject({
  selector: labelSelector,
  template: podTemplate,
  ...accepted(['updateStrategy', 'revisionHistoryLimit', 'minReadySeconds', 'templateGeneration']),
});
export type DaemonSetSpec = z.infer<typeof daemonSetSpec>;

export const jobSpec = z.strictObject({
  template: podTemplate,
  backoffLimit: z.number().int().min(0).optional(),
  completions: z.number().int().min(0).optional(),
  parallelism: z.number().int().min(0).optional(),
  selector: labelSelector.optional(),
  ...accepted(['activeDeadlineSeconds', 'ttlSecondsAfterFinished', 'manualSelector', 'completionMode', 'suspend', 'podFailurePolicy', 'backoffLimitPerIndex', 'maxFailedIndexes', 'podReplacementPolicy', 'successPolicy']),
});
export type JobSpec = z.infer<typeof jobSpec>;

/** Template checks shared with Deployment: the pod spec, and a selector the template's labels match. */
function checkTemplate(spec: { selector?: { matchLabels?: Record<string, string> }; template: { metadata?: { labels?: Record<string, string> }; spec: unknown } }): Array<[string, string]> {
  const out = checkPodSpec(spec.template.spec as PodSpec, 'spec.template.spec');
  const labels = spec.template.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(spec.selector?.matchLabels ?? {})) {
    if (labels[k] !== v) {
      out.push(['spec.template.metadata.labels', `selector does not match template labels (${k}=${v} missing)`]);
      break;
    }
  }
  return out;
}

export const statefulSet: KindInfo = {
  kind: 'StatefulSet',
  group: 'apps',
  versions: ['v1beta1', 'v1beta2', 'v1'],
  storageVersion: 'v1',
  plural: 'statefulsets',
  singular: 'statefulset',
  shortNames: ['sts'],
  namespaced: true,
  spec: statefulSetSpec,
  specRequired: true,
  upgradeSpec: defaultSelectorFromTemplate,
  check: (o) => checkTemplate(o.spec as StatefulSetSpec),
};

export const daemonSet: KindInfo = {
  kind: 'DaemonSet',
  group: 'apps',
  versions: ['v1'],
  extraApiVersions: ['extensions/v1beta1'],
  storageVersion: 'v1',
  plural: 'daemonsets',
  singular: 'daemonset',
  shortNames: ['ds'],
  namespaced: true,
  spec: daemonSetSpec,
  specRequired: true,
  upgradeSpec: defaultSelectorFromTemplate,
  check: (o) => checkTemplate(o.spec as DaemonSetSpec),
};

export const job: KindInfo = {
  kind: 'Job',
  group: 'batch',
  versions: ['v1'],
  plural: 'jobs',
  singular: 'job',
  shortNames: [],
  namespaced: true,
  spec: jobSpec,
  specRequired: true,
  check: (o) => {
    const spec = o.spec as JobSpec;
    const out = checkTemplate(spec);
    const policy = spec.template.spec.restartPolicy;
    // A Job's pods must end: Kubernetes refuses Always (the pod default) here.
    if (policy !== 'Never' && policy !== 'OnFailure') {
      out.push(['spec.template.spec.restartPolicy', `Unsupported value: "${policy ?? 'Always'}": supported values: "OnFailure", "Never"`]);
    }
    return out;
  },
};
