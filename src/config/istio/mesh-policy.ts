// authentication.istio.io/v1alpha1 MeshPolicy: the cluster-wide Policy, always named "default".

import type { KindInfo } from '../kind-info.js';
import { authenticationPolicySpec, checkAuthenticationPolicy, type AuthenticationPolicySpec } from './authentication-policy.js';

export type MeshPolicySpec = AuthenticationPolicySpec;

export const meshPolicyKind: KindInfo = {
  kind: 'MeshPolicy',
  group: 'authentication.istio.io',
  versions: ['v1alpha1'],
  plural: 'meshpolicies',
  singular: 'meshpolicy',
  shortNames: [],
  namespaced: false,
  spec: authenticationPolicySpec,
  check: (obj) => checkAuthenticationPolicy(obj, true),
};
