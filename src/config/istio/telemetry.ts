// Telemetry: per-mesh, namespace or workload settings for metrics, access logs and tracing.

import { z } from 'zod';
import type { CheckFinding, KindInfo } from '../kind-info.js';
import {
  atMostOne,
  checkTargeting,
  nullableBool,
  parsedSpec,
  positiveDuration,
  Problems,
  targetRef,
  targetRefs,
  workloadSelector,
} from './common.js';

const providerRef = z.strictObject({ name: z.string().min(1, 'provider name is required') });
const workloadMode = z.enum(['CLIENT_AND_SERVER', 'CLIENT', 'SERVER']);

export const customTag = z
  .strictObject({
    literal: z.strictObject({ value: z.string().min(1) }).optional(),
    environment: z.strictObject({ name: z.string().min(1), defaultValue: z.string().optional() }).optional(),
    header: z.strictObject({ name: z.string().min(1), defaultValue: z.string().optional() }).optional(),
    formatter: z.strictObject({ value: z.string().min(1) }).optional(),
  })
  .superRefine(atMostOne(['literal', 'environment', 'header', 'formatter']));

export const tracing = z.strictObject({
  match: z.strictObject({ mode: workloadMode.optional() }).optional(),
  providers: z.array(providerRef).optional(),
  randomSamplingPercentage: z.number().min(0).max(100).nullish(),
  disableSpanReporting: nullableBool,
  customTags: z.record(z.string(), customTag).optional(),
  useRequestIdForTraceSampling: nullableBool,
  enableIstioTags: nullableBool,
});

export const istioMetrics = [
  'ALL_METRICS', 'REQUEST_COUNT', 'REQUEST_DURATION', 'REQUEST_SIZE', 'RESPONSE_SIZE', 'TCP_OPENED_CONNECTIONS',
  'TCP_CLOSED_CONNECTIONS', 'TCP_SENT_BYTES', 'TCP_RECEIVED_BYTES', 'GRPC_REQUEST_MESSAGES', 'GRPC_RESPONSE_MESSAGES',
] as const;

export const metricsOverrides = z.strictObject({
  match: z
    .strictObject({
      metric: z.enum(istioMetrics).optional(),
      customMetric: z.string().min(1).optional(),
      mode: workloadMode.optional(),
    })
    .superRefine(atMostOne(['metric', 'customMetric']))
    .optional(),
  disabled: nullableBool,
  tagOverrides: z
    .record(z.string(), z.strictObject({ operation: z.enum(['UPSERT', 'REMOVE']).optional(), value: z.string().optional() }))
    .optional(),
});

export const metrics = z.strictObject({
  providers: z.array(providerRef).optional(),
  overrides: z.array(metricsOverrides).optional(),
  reportingInterval: positiveDuration.optional(),
});

export const accessLogging = z.strictObject({
  match: z.strictObject({ mode: workloadMode.optional() }).optional(),
  providers: z.array(providerRef).optional(),
  disabled: nullableBool,
  filter: z.strictObject({ expression: z.string().optional() }).optional(),
});

export const telemetrySpec = z.strictObject({
  selector: workloadSelector.optional(),
  targetRef: targetRef.optional(),
  targetRefs: targetRefs.optional(),
  tracing: z.array(tracing).optional(),
  metrics: z.array(metrics).optional(),
  accessLogging: z.array(accessLogging).optional(),
});
export type TelemetrySpec = z.infer<typeof telemetrySpec>;

function check(obj: { spec?: unknown }): CheckFinding[] {
  const spec = parsedSpec(telemetrySpec, obj.spec);
  if (!spec) return [];
  const out = new Problems();
  checkTargeting(spec, out);
  spec.metrics?.forEach((m, i) => {
    m.overrides?.forEach((o, j) => {
      for (const [tag, t] of Object.entries(o.tagOverrides ?? {})) {
        const at = `spec.metrics[${i}].overrides[${j}].tagOverrides.${tag}`;
        if (t.operation === 'REMOVE' && t.value !== undefined) out.add(`${at}.value`, 'value must not be set when operation is REMOVE');
        if (t.operation === 'UPSERT' && !t.value) out.add(`${at}.value`, 'value must be set when operation is UPSERT');
      }
    });
  });
  return out.list;
}

export const telemetryKind: KindInfo = {
  kind: 'Telemetry',
  group: 'telemetry.istio.io',
  versions: ['v1alpha1', 'v1'],
  plural: 'telemetries',
  singular: 'telemetry',
  shortNames: ['telemetry'],
  namespaced: true,
  spec: telemetrySpec,
  check,
};
