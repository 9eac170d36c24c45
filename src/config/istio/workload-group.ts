// WorkloadGroup: a template for WorkloadEntries that VMs register themselves with, plus a readiness probe.

import { z } from 'zod';
import type { CheckFinding, KindInfo } from '../kind-info.js';
import { annotationMap, atMostOne, count, labelMap, parsedSpec, portNumber, Problems, tagProblems } from './common.js';
import { workloadEntryShape } from './workload-entry.js';

export const readinessProbe = z
  .strictObject({
    initialDelaySeconds: count.optional(),
    timeoutSeconds: count.optional(),
    periodSeconds: count.optional(),
    successThreshold: count.optional(),
    failureThreshold: count.optional(),
    httpGet: z
      .strictObject({
        path: z.string().optional(),
        port: portNumber,
        host: z.string().optional(),
        scheme: z.enum(['', 'HTTP', 'HTTPS']).optional(),
        httpHeaders: z
          .array(z.strictObject({ name: z.string().regex(/^[-_A-Za-z0-9]+$/, 'invalid header name').optional(), value: z.string().optional() }))
          .optional(),
      })
      .optional(),
    tcpSocket: z.strictObject({ host: z.string().optional(), port: portNumber }).optional(),
    exec: z.strictObject({ command: z.array(z.string().min(1)) }).optional(),
    grpc: z.strictObject({ port: portNumber.optional(), service: z.string().optional() }).optional(),
  })
  .superRefine(atMostOne(['httpGet', 'tcpSocket', 'exec', 'grpc']));

export const workloadGroupSpec = z.strictObject({
  metadata: z.strictObject({ labels: labelMap.optional(), annotations: annotationMap.optional() }).optional(),
  template: z.strictObject(workloadEntryShape),
  probe: readinessProbe.optional(),
});
export type WorkloadGroupSpec = z.infer<typeof workloadGroupSpec>;

function check(obj: { spec?: unknown }): CheckFinding[] {
  const spec = parsedSpec(workloadGroupSpec, obj.spec);
  if (!spec) return [];
  const out = new Problems();
  // Registration fills in the template's address, so Istio checks only the labels and the probe.
  for (const p of tagProblems(spec.metadata?.labels)) out.add('spec.metadata.labels', `invalid labels: ${p}`);
  return out.list;
}

export const workloadGroupKind: KindInfo = {
  kind: 'WorkloadGroup',
  group: 'networking.istio.io',
  versions: ['v1alpha3', 'v1beta1', 'v1'],
  plural: 'workloadgroups',
  singular: 'workloadgroup',
  shortNames: ['wg'],
  namespaced: true,
  spec: workloadGroupSpec,
  specRequired: true,
  check,
};
