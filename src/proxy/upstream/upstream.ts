// The upstream layer as the request path sees it: endpoint choice, in-flight counting, the upstream
// protocol, pools and the one connect function sit behind these interfaces (cluster-manager.ts
// implements them), so the router sends a request the same way whatever protocol carries it.

import type { Socket } from 'node:net';
import type { Cluster } from '../../xds/proxy-config.js';
import type { HeaderView } from '../codec/header-view.js';
import type { ConnectTarget } from './connect.js';
import type { HostState, LoadBalancer } from './load-balancer.js';

export interface ClusterState {
  config: Cluster;
  hosts: HostState[];
  lb: LoadBalancer;
}

export type UpstreamProtocol = 'http1' | 'http2';

/** The cluster's protocol; `auto` speaks what the downstream spoke. */
export function upstreamProtocol(cluster: Cluster, downstream: UpstreamProtocol): UpstreamProtocol {
  return cluster.protocol === 'http2' ? 'http2' : cluster.protocol === 'auto' ? downstream : 'http1';
}

/** Why an upstream request ended without its response. */
export type UpstreamReset =
  | { kind: 'connect-failure'; err: NodeJS.ErrnoException }
  | { kind: 'connection-termination' }
  | { kind: 'protocol-error' };

/** What an upstream request reports to the stream that sent it. */
export interface UpstreamCallbacks {
  /** 1xx other than 101: passed on, the final response follows. */
  onUpstreamInformational(status: number, headers: HeaderView): void;
  onUpstreamHeaders(status: number, headers: HeaderView, endStream: boolean): void;
  /** Response payload; false asks the upstream to pause until resume(). */
  onUpstreamData(data: Buffer, endStream: boolean): boolean;
  onUpstreamReset(reset: UpstreamReset): void;
  /** The request body may flow again after sendData() returned false. */
  onUpstreamDrain(): void;
}

/** Where a mirrored request's answer goes: nowhere (mirrors are fire and forget). */
export const DISCARD: UpstreamCallbacks = {
  onUpstreamInformational: () => undefined,
  onUpstreamHeaders: () => undefined,
  onUpstreamData: () => true,
  onUpstreamReset: () => undefined,
  onUpstreamDrain: () => undefined,
};

export interface UpstreamRequest {
  /** "ip:port" the connection left from, "-" until connected. */
  readonly localAddress: string;
  /** upgrade: an HTTP/1.1 Upgrade; after a 101 the body both ways is the new protocol's bytes. */
  sendHeaders(method: string, path: string, authority: string, headers: HeaderView, endStream: boolean, upgrade: boolean): void;
  /** Request payload; false when the upstream is full (onUpstreamDrain follows). */
  sendData(data: Buffer, endStream: boolean): boolean;
  pause(): void;
  resume(): void;
  /** The downstream went away: drop the request and its connection. */
  abort(): void;
}

export interface UpstreamTarget {
  address: ConnectTarget;
  cluster: Cluster;
  /** The endpoint picked from the cluster (counted in flight while the request lasts); none for passthrough. */
  host: HostState | undefined;
  protocol: UpstreamProtocol;
}

export interface Upstream {
  get(clusterName: string): ClusterState | undefined;
  /** Endpoint choice by the cluster's load balancer. */
  /** hashKey: what a consistent-hash cluster hashes this request on. */
  pick(cluster: ClusterState, hashKey?: string): HostState | undefined;
  request(target: UpstreamTarget, callbacks: UpstreamCallbacks): UpstreamRequest;
  /** A TCP connection for the L4 proxy, counted in flight for host until it closes. */
  connectTcp(address: ConnectTarget, host: HostState | undefined): Socket;
}

/** A request counted in its endpoint's requests in flight (least request reads them) until release(). */
export abstract class CountedRequest {
  private counted: HostState | undefined;

  constructor(host: HostState | undefined) {
    if (host) host.active++;
    this.counted = host;
  }

  /** Leaves the count, once, whichever way the request ends. */
  protected release(): void {
    if (this.counted) this.counted.active--;
    this.counted = undefined;
  }
}

/** End of a body with no bytes left. */
export const EMPTY = Buffer.alloc(0);
