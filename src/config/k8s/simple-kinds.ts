// Kinds whose shape is small: Namespace, ServiceAccount, ConfigMap, Secret, Endpoints.

import { z } from 'zod';
import type { KindInfo } from '../kind-info.js';
import { MAX_DATA_BYTES } from '../limits.js';

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
  check: (o) => {
    // Kubernetes counts keys and values of data and binaryData (decoded) together.
    const size = mapSize(o.data, 'utf8') + mapSize(o.binaryData, 'base64');
    return size > MAX_DATA_BYTES ? [[o.data !== undefined ? 'data' : 'binaryData', tooLong(size)]] : [];
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
  check: (o) => {
    // stringData is merged into data (winning on shared keys) before Kubernetes measures it.
    const data = { ...(o.data as Record<string, string> | undefined) };
    const plain = (o.stringData ?? {}) as Record<string, string>;
    for (const k of Object.keys(plain)) delete data[k];
    const size = mapSize(data, 'base64') + mapSize(plain, 'utf8');
    return size > MAX_DATA_BYTES ? [[o.data !== undefined ? 'data' : 'stringData', tooLong(size)]] : [];
  },
};

function mapSize(m: unknown, encoding: 'utf8' | 'base64'): number {
  let n = 0;
  for (const [k, v] of Object.entries((m ?? {}) as Record<string, string>)) n += Buffer.byteLength(k) + Buffer.byteLength(v, encoding);
  return n;
}

function tooLong(size: number): string {
  return `Too long: must have at most ${MAX_DATA_BYTES} bytes (has ${size})`;
}

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
