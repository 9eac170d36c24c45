// Kinds whose shape is small: Namespace, ServiceAccount, ConfigMap, Secret, Endpoints.

import { z } from 'zod';
import type { KindInfo } from '../kind-info.js';

export const namespace: KindInfo = {
  kind: 'Namespace',
  group: '',
  versions: ['v1'],
  plural: 'namespaces',
  singular: 'namespace',
  shortNames: ['ns'],
  namespaced: false,
  nameIsLabel: true,
  spec: z.strictObject({ finalizers: z.array(z.string()).optional() }),
};

export const serviceAccount: KindInfo = {
  kind: 'ServiceAccount',
  group: '',
  versions: ['v1'],
  plural: 'serviceaccounts',
  singular: 'serviceaccount',
  shortNames: ['sa'],
  namespaced: true,
  extra: {
    secrets: z.array(z.unknown()),
    imagePullSecrets: z.array(z.unknown()),
    automountServiceAccountToken: z.boolean(),
  },
};

export const configMap: KindInfo = {
  kind: 'ConfigMap',
  group: '',
  versions: ['v1'],
  plural: 'configmaps',
  singular: 'configmap',
  shortNames: ['cm'],
  namespaced: true,
  extra: {
    data: z.record(z.string(), z.string()),
    binaryData: z.record(z.string(), z.string()),
    immutable: z.boolean(),
  },
};

export const secret: KindInfo = {
  kind: 'Secret',
  group: '',
  versions: ['v1'],
  plural: 'secrets',
  singular: 'secret',
  shortNames: [],
  namespaced: true,
  extra: {
    data: z.record(z.string(), z.string().regex(/^[A-Za-z0-9+/=\s]*$/, 'must be base64')),
    stringData: z.record(z.string(), z.string()),
    type: z.string(),
    immutable: z.boolean(),
  },
};

/** Written by the runtime from Services and ready Pods; users may read but rarely write them. */
export const endpoints: KindInfo = {
  kind: 'Endpoints',
  group: '',
  versions: ['v1'],
  plural: 'endpoints',
  singular: 'endpoints',
  shortNames: ['ep'],
  namespaced: true,
  extra: { subsets: z.array(z.unknown()) },
};
