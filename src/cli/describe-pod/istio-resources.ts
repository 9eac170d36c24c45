// The parts of Services, DestinationRules, VirtualServices, Gateways and PeerAuthentications that
// `x describe pod` reads, typed loosely: they come from the runtime API as stored.

import type { Resource } from '../../config/resource.js';

export interface ServicePort {
  name?: string;
  port: number;
  protocol?: string;
  appProtocol?: string;
  targetPort?: number | string;
}

export type Service = Resource<{ selector?: Record<string, string>; ports?: ServicePort[] }, { loadBalancer?: { ingress?: Array<{ ip?: string }> } }>;

export type StringMatch = { exact?: string; prefix?: string; regex?: string };

export interface HttpMatch {
  uri?: StringMatch;
  ignoreUriCase?: boolean;
  headers?: Record<string, StringMatch>;
}

export interface Destination {
  host: string;
  subset?: string;
  port?: { number?: number };
}

export interface HttpRoute {
  match?: HttpMatch[];
  route?: Array<{ destination: Destination; weight?: number }>;
  fault?: Record<string, unknown>;
}

export interface TcpRoute {
  match?: Array<Record<string, unknown>>;
  route?: Array<{ destination: Destination; weight?: number }>;
}

export type VirtualService = Resource<{ hosts?: string[]; gateways?: string[]; http?: HttpRoute[]; tcp?: TcpRoute[]; tls?: TcpRoute[] }>;

export interface PolicySettings {
  tls?: { mode?: string };
  loadBalancer?: unknown;
  connectionPool?: unknown;
  outlierDetection?: unknown;
}

export type DestinationRule = Resource<{
  host: string;
  subsets?: Array<{ name: string; labels?: Record<string, string> }>;
  trafficPolicy?: PolicySettings & { portLevelSettings?: Array<PolicySettings & { port?: { number?: number } }> };
}>;

export type Gateway = Resource<{ selector?: Record<string, string> }>;

export type PeerAuthentication = Resource<{
  selector?: { matchLabels?: Record<string, string> };
  mtls?: { mode?: string };
  portLevelMtls?: Record<string, { mode?: string }>;
}>;

/** A label selector as a map: every pair must be among the labels (an empty one selects everything). */
export function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
}
