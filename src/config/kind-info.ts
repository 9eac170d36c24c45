// What the config layer knows about each kind: its API group, versions, names and schema.

import type { z } from 'zod';

/**
 * What a kind's `check` found at a field path: an error, or (third element 'warning') something
 * Istio's webhook accepts but warns about, such as a deprecated field.
 */
export type CheckFinding = [path: string, message: string] | [path: string, message: string, severity: 'warning'];

export interface KindInfo {
  kind: string;
  /** API group; '' for the core group (apiVersion "v1"). */
  group: string;
  /** Every served version, newest last. */
  versions: string[];
  /** Full apiVersions outside the group that also served the kind (extensions/v1beta1 Deployment). */
  extraApiVersions?: string[];
  plural: string;
  singular: string;
  shortNames: string[];
  namespaced: boolean;
  /** Schema of `spec`; undefined for kinds without one (Namespace needs none, ConfigMap has data). */
  spec?: z.ZodType;
  /** Whether spec must be present. */
  specRequired?: boolean;
  /** Schemas for top-level fields other than spec (ConfigMap.data, Secret.stringData, ...). */
  extra?: Record<string, z.ZodType>;
  /** Cross-field checks zod cannot express: errors, and warnings the object is still accepted with. */
  check?: (obj: { metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: unknown; [k: string]: unknown }) => CheckFinding[];
  /** The name must be a DNS-1123 label (Namespace, Service) rather than a subdomain. */
  nameIsLabel?: boolean;
  /**
   * Fills what an older version defaulted before the spec is checked against the current schema
   * (extensions/v1beta1 Deployments took their selector from the template labels).
   */
  upgradeSpec?: (apiVersion: string, spec: unknown) => unknown;
  /** Kinds served in several versions are stored in this one (the newest), as the API server converts them. */
  storageVersion?: string;
  /** Accepted and stored but acted on by nothing here (RBAC, webhooks, autoscalers): README lists them. */
  inert?: boolean;
}

export function apiVersionsOf(info: KindInfo): string[] {
  return [...(info.extraApiVersions ?? []), ...info.versions.map((v) => (info.group ? `${info.group}/${v}` : v))];
}
