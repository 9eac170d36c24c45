// authentication.istio.io/v1alpha1 Policy (Istio 1.0-1.5): peer mTLS and origin JWT for a namespace or services.
// Superseded by PeerAuthentication and RequestAuthentication; older workshops still apply it.

import { z } from 'zod';
import type { CheckFinding, KindInfo } from '../kind-info.js';
import { atMostOne, labelMap, parsedSpec, Problems, regexString, stringList } from './common.js';

/** This API's StringMatch also had suffix. */
export const legacyStringMatch = z
  .strictObject({
    exact: z.string().optional(),
    prefix: z.string().optional(),
    suffix: z.string().optional(),
    regex: regexString.optional(),
  })
  .superRefine(atMostOne(['exact', 'prefix', 'suffix', 'regex']));

export const legacyJwt = z.strictObject({
  issuer: z.string().optional(),
  audiences: stringList.optional(),
  jwksUri: z.string().optional(),
  jwks: z.string().optional(),
  jwtHeaders: stringList.optional(),
  jwtParams: stringList.optional(),
  triggerRules: z
    .array(z.strictObject({ excludedPaths: z.array(legacyStringMatch).optional(), includedPaths: z.array(legacyStringMatch).optional() }))
    .optional(),
});

/**
 * `- mtls:` with nothing after it is how the docs enable mTLS, and YAML reads it as null;
 * it means mTLS with default settings, so null becomes {} here.
 */
const mutualTls = z
  .strictObject({
    /** Deprecated: use mode PERMISSIVE. */
    allowTls: z.boolean().optional(),
    mode: z.enum(['STRICT', 'PERMISSIVE']).optional(),
  })
  .nullable()
  .transform((v) => v ?? {});

export const peerAuthenticationMethod = z
  .strictObject({
    mtls: mutualTls.optional(),
    /** Deprecated: JWT as a peer method. */
    jwt: legacyJwt.optional(),
  })
  .superRefine(atMostOne(['mtls', 'jwt']));

const portSelector = z
  .strictObject({ number: z.number().int().min(1).max(65535).optional(), name: z.string().optional() })
  .superRefine(atMostOne(['number', 'name']));

export const authenticationPolicySpec = z.strictObject({
  targets: z
    .array(z.strictObject({ name: z.string().min(1, 'target name is required'), labels: labelMap.optional(), ports: z.array(portSelector).optional() }))
    .optional(),
  peers: z.array(peerAuthenticationMethod).optional(),
  peerIsOptional: z.boolean().optional(),
  origins: z.array(z.strictObject({ jwt: legacyJwt.optional() })).optional(),
  originIsOptional: z.boolean().optional(),
  principalBinding: z.enum(['USE_PEER', 'USE_ORIGIN']).optional(),
});
export type AuthenticationPolicySpec = z.infer<typeof authenticationPolicySpec>;

/** Rules shared by Policy and MeshPolicy; `meshWide` for MeshPolicy. */
export function checkAuthenticationPolicy(obj: { metadata: { name: string }; spec?: unknown }, meshWide: boolean): CheckFinding[] {
  const spec = parsedSpec(authenticationPolicySpec, obj.spec);
  if (!spec) return [];
  const out = new Problems();
  const name = obj.metadata.name;
  if (meshWide) {
    if (name !== 'default') out.add('metadata.name', `a mesh-level policy must be named "default", found "${name}"`);
    if (spec.targets?.length) out.add('spec.targets', 'a mesh-level policy cannot have targets');
  } else if (!spec.targets?.length && name !== 'default') {
    out.add('metadata.name', `authentication policy with no target rules must be named "default", found "${name}"`);
  }
  spec.peers?.forEach((p, i) => {
    if (p.jwt && !p.jwt.issuer) out.add(`spec.peers[${i}].jwt.issuer`, 'issuer must be set');
  });
  spec.origins?.forEach((o, i) => {
    if (!o.jwt) out.add(`spec.origins[${i}].jwt`, 'jwt is required');
    else if (!o.jwt.issuer) out.add(`spec.origins[${i}].jwt.issuer`, 'issuer must be set');
  });
  return out.list;
}

export const authenticationPolicyKind: KindInfo = {
  kind: 'Policy',
  group: 'authentication.istio.io',
  versions: ['v1alpha1'],
  plural: 'policies',
  singular: 'policy',
  shortNames: [],
  namespaced: true,
  spec: authenticationPolicySpec,
  check: (obj) => checkAuthenticationPolicy(obj, false),
};
