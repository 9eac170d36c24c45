// RequestAuthentication: which JWTs a workload accepts, where to find them and how to verify them.

import { z } from 'zod';
import type { CheckFinding, KindInfo } from '../kind-info.js';
import {
  atMostOne,
  checkTargeting,
  parsedSpec,
  positiveDuration,
  Problems,
  targetRef,
  targetRefs,
  workloadSelector,
} from './common.js';

const jwksUrl = z
  .string()
  .min(1)
  .max(2048)
  .refine((u) => /^https?:\/\//i.test(u), 'url must have scheme http:// or https://');

export const jwtRule = z
  .strictObject({
    issuer: z.string().min(1, 'issuer must be set'),
    audiences: z.array(z.string().min(1, 'audience must be non-empty string')).optional(),
    jwksUri: jwksUrl.optional(),
    /** The same field under its proto name. */
    jwks_uri: jwksUrl.optional(),
    jwks: z.string().optional(),
    fromHeaders: z
      .array(z.strictObject({ name: z.string().min(1, 'location header name must be non-empty string'), prefix: z.string().optional() }))
      .optional(),
    fromParams: z.array(z.string().min(1, 'location query must be non-empty string')).optional(),
    fromCookies: z.array(z.string().min(1)).optional(),
    outputPayloadToHeader: z.string().optional(),
    forwardOriginalToken: z.boolean().optional(),
    outputClaimToHeaders: z
      .array(
        z.strictObject({
          header: z.string().min(1).regex(/^[-_A-Za-z0-9]+$/, 'header name may hold only letters, digits, - and _'),
          claim: z.string().min(1),
        }),
      )
      .optional(),
    spaceDelimitedClaims: z.array(z.string().min(1)).max(64).optional(),
    timeout: positiveDuration.optional(),
  })
  .superRefine(atMostOne(['jwks', 'jwksUri', 'jwks_uri']));
export type JwtRule = z.infer<typeof jwtRule>;

export const requestAuthenticationSpec = z.strictObject({
  selector: workloadSelector.optional(),
  targetRef: targetRef.optional(),
  targetRefs: targetRefs.optional(),
  jwtRules: z.array(jwtRule).max(4096).optional(),
});
export type RequestAuthenticationSpec = z.infer<typeof requestAuthenticationSpec>;

function check(obj: { spec?: unknown }): CheckFinding[] {
  const spec = parsedSpec(requestAuthenticationSpec, obj.spec);
  if (!spec) return [];
  const out = new Problems();
  checkTargeting(spec, out);
  return out.list;
}

export const requestAuthenticationKind: KindInfo = {
  kind: 'RequestAuthentication',
  group: 'security.istio.io',
  versions: ['v1beta1', 'v1'],
  plural: 'requestauthentications',
  singular: 'requestauthentication',
  shortNames: ['ra'],
  namespaced: true,
  spec: requestAuthenticationSpec,
  check,
};
