// Every Istio kind Weft accepts.

import type { KindInfo } from '../kind-info.js';
import { authenticationPolicyKind } from './authentication-policy.js';
import { authorizationPolicyKind } from './authorization-policy.js';
import { destinationRuleKind } from './destination-rule.js';
import { gatewayKind } from './gateway.js';
import { meshPolicyKind } from './mesh-policy.js';
import { peerAuthenticationKind } from './peer-authentication.js';
import { requestAuthenticationKind } from './request-authentication.js';
import { serviceEntryKind } from './service-entry.js';
import { sidecarKind } from './sidecar.js';
import { telemetryKind } from './telemetry.js';
import { virtualServiceKind } from './virtual-service.js';
import { workloadEntryKind } from './workload-entry.js';
import { workloadGroupKind } from './workload-group.js';

export const istioKinds: KindInfo[] = [
  virtualServiceKind,
  destinationRuleKind,
  gatewayKind,
  serviceEntryKind,
  sidecarKind,
  workloadEntryKind,
  workloadGroupKind,
  peerAuthenticationKind,
  authorizationPolicyKind,
  requestAuthenticationKind,
  telemetryKind,
  authenticationPolicyKind,
  meshPolicyKind,
];

export type { VirtualServiceSpec } from './virtual-service.js';
export type { DestinationRuleSpec } from './destination-rule.js';
export type { GatewaySpec } from './gateway.js';
export type { ServiceEntrySpec } from './service-entry.js';
export type { SidecarSpec } from './sidecar.js';
export type { WorkloadEntrySpec } from './workload-entry.js';
export type { WorkloadGroupSpec } from './workload-group.js';
export type { PeerAuthenticationSpec } from './peer-authentication.js';
export type { AuthorizationPolicySpec } from './authorization-policy.js';
export type { RequestAuthenticationSpec } from './request-authentication.js';
export type { TelemetrySpec } from './telemetry.js';
export type { AuthenticationPolicySpec } from './authentication-policy.js';
export type { MeshPolicySpec } from './mesh-policy.js';
