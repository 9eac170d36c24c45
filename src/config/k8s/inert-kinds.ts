// Kinds a one-machine runtime has no use for (RBAC, CRDs, admission webhooks, disruption budgets,
// autoscalers, network policies, volume claims, Ingress): accepted so Istio's manifests load whole,
// their main fields' types checked, stored and listed, acted on by nothing.

import { z } from 'zod';
import type { KindInfo } from '../kind-info.js';
import { intOrString, labelSelector } from './common.js';

// Loose objects: these kinds have many fields across versions; only the main ones are typed.
const policyRule = z.looseObject({
  apiGroups: z.array(z.string()).optional(),
  resources: z.array(z.string()).optional(),
  verbs: z.array(z.string()),
  resourceNames: z.array(z.string()).optional(),
  nonResourceURLs: z.array(z.string()).optional(),
});

const roleRef = z.looseObject({ apiGroup: z.string(), kind: z.enum(['Role', 'ClusterRole']), name: z.string().min(1) });
const subject = z.looseObject({ kind: z.string().min(1), name: z.string().min(1), namespace: z.string().optional(), apiGroup: z.string().optional() });

function inert(k: Omit<KindInfo, 'inert'>): KindInfo {
  return { ...k, inert: true };
}

export const clusterRole = inert({
  kind: 'ClusterRole',
  group: 'rbac.authorization.k8s.io',
  versions: ['v1beta1', 'v1'],
  storageVersion: 'v1',
  plural: 'clusterroles',
  singular: 'clusterrole',
  shortNames: [],
  namespaced: false,
  extra: { rules: z.array(policyRule), aggregationRule: z.looseObject({}) },
});

export const role = inert({
  kind: 'Role',
  group: 'rbac.authorization.k8s.io',
  versions: ['v1beta1', 'v1'],
  storageVersion: 'v1',
  plural: 'roles',
  singular: 'role',
  shortNames: [],
  namespaced: true,
  extra: { rules: z.array(policyRule) },
});

const bindingExtra = { roleRef, subjects: z.array(subject) };
const requireRoleRef: KindInfo['check'] = (o) => (o['roleRef'] === undefined ? [['roleRef', 'required field is missing']] : []);

export const clusterRoleBinding = inert({
  kind: 'ClusterRoleBinding',
  group: 'rbac.authorization.k8s.io',
  versions: ['v1beta1', 'v1'],
  storageVersion: 'v1',
  plural: 'clusterrolebindings',
  singular: 'clusterrolebinding',
  shortNames: [],
  namespaced: false,
  extra: bindingExtra,
  check: requireRoleRef,
});

export const roleBinding = inert({
  kind: 'RoleBinding',
  group: 'rbac.authorization.k8s.io',
  versions: ['v1beta1', 'v1'],
  storageVersion: 'v1',
  plural: 'rolebindings',
  singular: 'rolebinding',
  shortNames: [],
  namespaced: true,
  extra: bindingExtra,
  check: requireRoleRef,
});

export const customResourceDefinition = inert({
  kind: 'CustomResourceDefinition',
  group: 'apiextensions.k8s.io',
  versions: ['v1beta1', 'v1'],
  plural: 'customresourcedefinitions',
  singular: 'customresourcedefinition',
  shortNames: ['crd', 'crds'],
  namespaced: false,
  specRequired: true,
  spec: z.looseObject({
    group: z.string().min(1),
    names: z.looseObject({ plural: z.string().min(1), kind: z.string().min(1) }),
    scope: z.enum(['Namespaced', 'Cluster']),
    versions: z.array(z.looseObject({ name: z.string().min(1) })).optional(),
    version: z.string().optional(),
  }),
});

const webhook = z.looseObject({
  name: z.string().min(1),
  clientConfig: z.looseObject({ url: z.string().optional(), service: z.looseObject({ name: z.string(), namespace: z.string() }).optional() }),
  rules: z.array(z.looseObject({})).optional(),
  failurePolicy: z.enum(['Ignore', 'Fail']).optional(),
  sideEffects: z.string().optional(),
  admissionReviewVersions: z.array(z.string()).optional(),
});

export const mutatingWebhookConfiguration = inert({
  kind: 'MutatingWebhookConfiguration',
  group: 'admissionregistration.k8s.io',
  versions: ['v1beta1', 'v1'],
  storageVersion: 'v1',
  plural: 'mutatingwebhookconfigurations',
  singular: 'mutatingwebhookconfiguration',
  shortNames: [],
  namespaced: false,
  extra: { webhooks: z.array(webhook) },
});

export const validatingWebhookConfiguration = inert({
  kind: 'ValidatingWebhookConfiguration',
  group: 'admissionregistration.k8s.io',
  versions: ['v1beta1', 'v1'],
  storageVersion: 'v1',
  plural: 'validatingwebhookconfigurations',
  singular: 'validatingwebhookconfiguration',
  shortNames: [],
  namespaced: false,
  extra: { webhooks: z.array(webhook) },
});

export const podDisruptionBudget = inert({
  kind: 'PodDisruptionBudget',
  group: 'policy',
  versions: ['v1beta1', 'v1'],
  storageVersion: 'v1',
  plural: 'poddisruptionbudgets',
  singular: 'poddisruptionbudget',
  shortNames: ['pdb'],
  namespaced: true,
  spec: z.looseObject({ minAvailable: intOrString.optional(), maxUnavailable: intOrString.optional(), selector: labelSelector.optional() }),
});

const scaleTarget = z.looseObject({ kind: z.string().min(1), name: z.string().min(1), apiVersion: z.string().optional() });

export const horizontalPodAutoscaler = inert({
  kind: 'HorizontalPodAutoscaler',
  group: 'autoscaling',
  versions: ['v1', 'v2beta1', 'v2beta2', 'v2'],
  plural: 'horizontalpodautoscalers',
  singular: 'horizontalpodautoscaler',
  shortNames: ['hpa'],
  namespaced: true,
  specRequired: true,
  spec: z.looseObject({
    scaleTargetRef: scaleTarget,
    minReplicas: z.number().int().min(1).optional(),
    maxReplicas: z.number().int().min(1),
    targetCPUUtilizationPercentage: z.number().int().optional(),
    metrics: z.array(z.looseObject({ type: z.string() })).optional(),
  }),
});

export const networkPolicy = inert({
  kind: 'NetworkPolicy',
  group: 'networking.k8s.io',
  versions: ['v1'],
  plural: 'networkpolicies',
  singular: 'networkpolicy',
  shortNames: ['netpol'],
  namespaced: true,
  spec: z.looseObject({
    podSelector: labelSelector,
    policyTypes: z.array(z.enum(['Ingress', 'Egress'])).optional(),
    ingress: z.array(z.looseObject({})).optional(),
    egress: z.array(z.looseObject({})).optional(),
  }),
});

export const persistentVolumeClaim = inert({
  kind: 'PersistentVolumeClaim',
  group: '',
  versions: ['v1'],
  plural: 'persistentvolumeclaims',
  singular: 'persistentvolumeclaim',
  shortNames: ['pvc'],
  namespaced: true,
  specRequired: true,
  spec: z.looseObject({
    accessModes: z.array(z.string()).optional(),
    resources: z.looseObject({ requests: z.record(z.string(), intOrString).optional() }).optional(),
    storageClassName: z.string().nullable().optional(),
    volumeName: z.string().optional(),
  }),
});

// extensions/v1beta1 and networking.k8s.io/v1beta1 name the backend serviceName/servicePort; v1 nests service.
const ingressBackend = z.looseObject({
  serviceName: z.string().optional(),
  servicePort: intOrString.optional(),
  service: z.looseObject({ name: z.string(), port: z.looseObject({ number: z.number().int().optional(), name: z.string().optional() }) }).optional(),
});

export const ingress = inert({
  kind: 'Ingress',
  group: 'networking.k8s.io',
  versions: ['v1beta1', 'v1'],
  extraApiVersions: ['extensions/v1beta1'],
  plural: 'ingresses',
  singular: 'ingress',
  shortNames: ['ing'],
  namespaced: true,
  spec: z.looseObject({
    ingressClassName: z.string().optional(),
    backend: ingressBackend.optional(),
    defaultBackend: ingressBackend.optional(),
    tls: z.array(z.looseObject({ hosts: z.array(z.string()).optional(), secretName: z.string().optional() })).optional(),
    rules: z
      .array(
        z.looseObject({
          host: z.string().optional(),
          http: z.looseObject({ paths: z.array(z.looseObject({ path: z.string().optional(), pathType: z.string().optional(), backend: ingressBackend })) }).optional(),
        }),
      )
      .optional(),
  }),
});

export const inertKinds: readonly KindInfo[] = [
  clusterRole, clusterRoleBinding, role, roleBinding, customResourceDefinition, mutatingWebhookConfiguration,
  validatingWebhookConfiguration, podDisruptionBudget, horizontalPodAutoscaler, networkPolicy, persistentVolumeClaim, ingress,
];
