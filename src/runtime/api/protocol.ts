// The runtime API's requests and answers, shared by the server and the CLI. Request bodies and
// queries are zod schemas, so the server checks what it is sent against the very types clients use.

import { z } from 'zod';

/** Kubernetes' limit on one request (kubectl sends one per object): every request but those carrying manifests. */
export const MAX_REQUEST_BYTES = 3 * 1024 * 1024;
/** A request carrying manifests (apply, create, delete -f, kube-inject) holds every document of every file at once. */
export const MAX_MANIFEST_REQUEST_BYTES = 16 * 1024 * 1024;

/** Stable codes of the API's errors, one per kind of failure; the HTTP status says the same in numbers. */
export const apiErrorCodes = {
  400: 'WEFT_ERR_BAD_REQUEST',
  401: 'WEFT_ERR_UNAUTHORIZED',
  403: 'WEFT_ERR_FORBIDDEN',
  404: 'WEFT_ERR_NOT_FOUND',
  409: 'WEFT_ERR_CONFLICT',
  413: 'WEFT_ERR_REQUEST_TOO_LARGE',
  422: 'WEFT_ERR_INVALID',
  500: 'WEFT_ERR_INTERNAL',
} as const;
export type ApiErrorCode = (typeof apiErrorCodes)[keyof typeof apiErrorCodes] | 'WEFT_ERR_INVALID_CONFIG';

export function apiErrorCode(status: number): ApiErrorCode {
  return apiErrorCodes[status as keyof typeof apiErrorCodes] ?? (status >= 500 ? apiErrorCodes[500] : apiErrorCodes[400]);
}

export interface ApiError {
  error: string;
  code: ApiErrorCode;
  /** Validation issues, one line each, when the error is invalid input. */
  issues?: string[];
}

const name = z.string().min(1, 'must not be empty');
const names = z.array(name);
const source = z.strictObject({ name: z.string(), text: z.string() });
const sources = z.array(source).min(1, 'at least one manifest is required');
const stringMap = z.record(z.string(), z.string());

export const applyBody = z.strictObject({
  sources,
  namespace: name,
  enforceNamespace: z.boolean().default(false),
  mode: z.enum(['apply', 'create']).default('apply'),
  dryRun: z.boolean().default(false),
});
export type ApplyBody = z.input<typeof applyBody>;

export const deleteSourcesBody = z.strictObject({
  sources,
  namespace: name,
  enforceNamespace: z.boolean().default(false),
  ignoreNotFound: z.boolean().default(false),
});
export type DeleteSourcesBody = z.input<typeof deleteSourcesBody>;

export const deleteBody = z.strictObject({
  kind: name,
  namespace: z.string().optional(),
  names: names.optional(),
  all: z.boolean().optional(),
  labels: stringMap.optional(),
  ignoreNotFound: z.boolean().optional(),
});
export type DeleteBody = z.input<typeof deleteBody>;

export const labelBody = z.strictObject({
  kind: name,
  namespace: z.string().optional(),
  names: names.min(1, 'at least one name is required'),
  field: z.enum(['labels', 'annotations']),
  set: stringMap.default({}),
  remove: z.array(z.string()).default([]),
  overwrite: z.boolean().default(false),
});
export type LabelBody = z.input<typeof labelBody>;

export const rolloutRestartBody = z.strictObject({ namespace: name, names: names.min(1, 'at least one name is required') });
export type RolloutRestartBody = z.input<typeof rolloutRestartBody>;

export const scaleBody = z.strictObject({
  namespace: name,
  names: names.min(1, 'at least one name is required'),
  replicas: z.number().int('replicas must be a non-negative integer').min(0, 'replicas must be a non-negative integer'),
});
export type ScaleBody = z.input<typeof scaleBody>;

export const execBody = z.strictObject({
  namespace: name,
  ref: name,
  container: z.string().optional(),
  command: z.array(z.string()).min(1, 'you must specify at least one command for the container'),
});
export type ExecBody = z.input<typeof execBody>;

export const kubeInjectBody = z.strictObject({ sources });
export type KubeInjectBody = z.input<typeof kubeInjectBody>;

/** Query parameters arrive as strings; "true"/"false" and integers are spelt out. */
const flag = z.enum(['true', 'false']);

export const listQuery = z.strictObject({ kind: name, namespace: z.string().optional(), selector: z.string().optional() });
export const getQuery = z.strictObject({ kind: name, namespace: z.string().optional(), name });
export const podTargetQuery = z.strictObject({ namespace: name.default('default'), ref: name });
export const logsQuery = z.strictObject({
  namespace: name.default('default'),
  ref: name,
  container: z.string().optional(),
  follow: flag.optional(),
  tail: z.string().regex(/^-?\d{1,9}$/, 'must be an integer').optional(),
});
export const watchQuery = z.strictObject({ kinds: z.string().optional() });
export const noQuery = z.strictObject({});

export interface ExecAnswer {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  pod: string;
  container: string;
}

export interface PodTarget {
  pod: string;
  /** The pod's localhost address: port-forward connects here, as kubectl's reaches the pod's loopback. */
  host: string;
}

export interface LinesAnswer {
  lines: string[];
  /** Admission warnings (Istio's deprecations): the CLI prints each as "Warning: ..." on stderr, as kubectl does. */
  warnings?: string[];
}

/** An answer carries warnings only when there are some, so answers without any look as they always did. */
export function linesWithWarnings(r: { lines: string[]; warnings: string[] }): LinesAnswer {
  return r.warnings.length ? { lines: r.lines, warnings: r.warnings } : { lines: r.lines };
}
