// The resource envelope shared by every kind: Kubernetes' object shape.

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  creationTimestamp?: string;
  resourceVersion?: string;
  generation?: number;
  deletionTimestamp?: string;
  ownerReferences?: OwnerReference[];
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
}

/** A stored object of any kind. `spec` and `status` are typed by the kind's schema. */
export interface Resource<Spec = unknown, Status = unknown> {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: Spec;
  status?: Status;
  /** Top-level fields some kinds carry beside spec (ConfigMap data, Secret data, ...). */
  [extra: string]: unknown;
}

/** Where a document came from, for error messages. */
export interface SourceRef {
  file: string;
  /** 1-based index of the document within the file. */
  document: number;
  /** 1-based line of the document's start. */
  line?: number;
}

export function resourceKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

export function describeRef(r: { kind: string; metadata: { name: string; namespace?: string } }): string {
  return r.metadata.namespace ? `${r.kind} ${r.metadata.namespace}/${r.metadata.name}` : `${r.kind} ${r.metadata.name}`;
}
