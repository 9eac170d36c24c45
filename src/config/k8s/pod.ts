// Pod and the PodSpec that Deployments embed.

import { z } from 'zod';
import type { KindInfo } from '../kind-info.js';
import { accepted, intOrString, isDnsLabel } from './common.js';

const envVarSource = z.strictObject({
  fieldRef: z.strictObject({ fieldPath: z.string(), apiVersion: z.string().optional() }).optional(),
  configMapKeyRef: z.strictObject({ name: z.string(), key: z.string(), optional: z.boolean().optional() }).optional(),
  secretKeyRef: z.strictObject({ name: z.string(), key: z.string(), optional: z.boolean().optional() }).optional(),
  resourceFieldRef: z.unknown().optional(),
});

const envVar = z.strictObject({
  name: z.string().min(1),
  value: z.string().optional(),
  valueFrom: envVarSource.optional(),
});

const envFromSource = z.strictObject({
  prefix: z.string().optional(),
  configMapRef: z.strictObject({ name: z.string(), optional: z.boolean().optional() }).optional(),
  secretRef: z.strictObject({ name: z.string(), optional: z.boolean().optional() }).optional(),
});

const containerPort = z.strictObject({
  containerPort: z.number().int().min(1).max(65535),
  name: z.string().max(15).optional(),
  protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional(),
  hostPort: z.number().int().optional(),
  hostIP: z.string().optional(),
});

const probe = z.strictObject({
  httpGet: z
    .strictObject({
      path: z.string().optional(),
      port: intOrString,
      host: z.string().optional(),
      scheme: z.enum(['HTTP', 'HTTPS']).optional(),
      httpHeaders: z.array(z.strictObject({ name: z.string(), value: z.string() })).optional(),
    })
    .optional(),
  tcpSocket: z.strictObject({ port: intOrString, host: z.string().optional() }).optional(),
  exec: z.strictObject({ command: z.array(z.string()) }).optional(),
  grpc: z.unknown().optional(),
  initialDelaySeconds: z.number().int().min(0).optional(),
  periodSeconds: z.number().int().min(1).optional(),
  timeoutSeconds: z.number().int().min(1).optional(),
  successThreshold: z.number().int().min(1).optional(),
  failureThreshold: z.number().int().min(1).optional(),
  terminationGracePeriodSeconds: z.number().int().optional(),
});
export type Probe = z.infer<typeof probe>;

export const container = z.strictObject({
  name: z.string().refine(isDnsLabel, 'must be a DNS-1123 label (lower case alphanumerics and "-")'),
  image: z.string().min(1, 'an image is required'),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  workingDir: z.string().optional(),
  env: z.array(envVar).optional(),
  envFrom: z.array(envFromSource).optional(),
  ports: z.array(containerPort).optional(),
  readinessProbe: probe.optional(),
  livenessProbe: probe.optional(),
  startupProbe: probe.optional(),
  imagePullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']).optional(),
  ...accepted([
    'resources', 'securityContext', 'volumeMounts', 'volumeDevices', 'lifecycle', 'terminationMessagePath',
    'terminationMessagePolicy', 'stdin', 'stdinOnce', 'tty', 'resizePolicy', 'restartPolicy',
  ]),
});
export type Container = z.infer<typeof container>;

export const podSpec = z.strictObject({
  containers: z.array(container).min(1, 'at least one container is required'),
  initContainers: z.array(container).optional(),
  serviceAccountName: z.string().optional(),
  serviceAccount: z.string().optional(),
  restartPolicy: z.enum(['Always', 'OnFailure', 'Never']).optional(),
  terminationGracePeriodSeconds: z.number().int().min(0).optional(),
  hostname: z.string().optional(),
  subdomain: z.string().optional(),
  ...accepted([
    'volumes', 'nodeSelector', 'nodeName', 'affinity', 'tolerations', 'securityContext', 'imagePullSecrets',
    'dnsPolicy', 'dnsConfig', 'hostNetwork', 'hostPID', 'hostIPC', 'priority', 'priorityClassName',
    'schedulerName', 'topologySpreadConstraints', 'automountServiceAccountToken', 'enableServiceLinks',
    'shareProcessNamespace', 'activeDeadlineSeconds', 'readinessGates', 'runtimeClassName', 'overhead',
    'preemptionPolicy', 'hostAliases', 'setHostnameAsFQDN', 'os', 'ephemeralContainers', 'hostUsers',
    'resourceClaims', 'schedulingGates',
  ]),
});
export type PodSpec = z.infer<typeof podSpec>;

export function checkPodSpec(spec: PodSpec, prefix: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const seen = new Set<string>();
  spec.containers.forEach((c, i) => {
    if (seen.has(c.name)) out.push([`${prefix}.containers[${i}].name`, `duplicate container name "${c.name}"`]);
    seen.add(c.name);
    c.env?.forEach((e, j) => {
      if (e.value !== undefined && e.valueFrom !== undefined) {
        out.push([`${prefix}.containers[${i}].env[${j}]`, 'value and valueFrom are mutually exclusive']);
      }
    });
  });
  return out;
}

export const pod: KindInfo = {
  kind: 'Pod',
  group: '',
  versions: ['v1'],
  plural: 'pods',
  singular: 'pod',
  shortNames: ['po'],
  namespaced: true,
  spec: podSpec,
  specRequired: true,
  check: (o) => checkPodSpec(o.spec as PodSpec, 'spec'),
};
