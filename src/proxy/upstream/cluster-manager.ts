// The upstream layer: clusters and their endpoints, endpoint choice, and the pools per endpoint (raw
// keep-alive HTTP/1.1 connections and one HTTP/2 session each), all dialling through connect().
// Pools survive config pushes when the endpoint stays.

import type { Socket } from 'node:net';
import type { Cluster } from '../../xds/proxy-config.js';
import { connect, type ConnectTarget } from './connect.js';
import { H2Sessions } from './h2-sessions.js';
import { H2UpstreamRequest } from './h2-upstream.js';
import { Http1Pool } from './http1-pool.js';
import { Http1UpstreamRequest } from './http1-upstream.js';
import { makeLoadBalancer, type HostState } from './load-balancer.js';
import type { ClusterState, Upstream, UpstreamCallbacks, UpstreamRequest, UpstreamTarget } from './upstream.js';

export class ClusterManager implements Upstream {
  private clusters = new Map<string, ClusterState>();
  private readonly pool: Http1Pool;
  private readonly sessions: H2Sessions;

  constructor(private readonly podIP: string) {
    this.pool = new Http1Pool(podIP);
    this.sessions = new H2Sessions(podIP);
  }

  update(clusters: Record<string, Cluster>): void {
    const next = new Map<string, ClusterState>();
    const live = new Set<string>();
    for (const c of Object.values(clusters)) {
      const prev = this.clusters.get(c.name);
      const hosts = c.endpoints.map((e) => {
        const key = `${e.address}:${e.port}`;
        live.add(key);
        const old = prev?.hosts.find((h) => h.key === key);
        return old ? Object.assign(old, { endpoint: e }) : { endpoint: e, key, active: 0 };
      });
      next.set(c.name, { config: c, hosts, lb: prev && prev.config.lb === c.lb ? prev.lb : makeLoadBalancer(c.lb) });
    }
    this.clusters = next;
    // Endpoints that left every cluster: close their pools.
    this.sessions.retain(live);
    this.pool.retain(live);
  }

  get(name: string): ClusterState | undefined {
    return this.clusters.get(name);
  }

  pick(c: ClusterState, hashKey?: string): HostState | undefined {
    return c.lb.pick(c.hosts, hashKey);
  }

  request(target: UpstreamTarget, callbacks: UpstreamCallbacks): UpstreamRequest {
    return target.protocol === 'http2' ? new H2UpstreamRequest(this.sessions, target, callbacks) : new Http1UpstreamRequest(this.pool, target, callbacks);
  }

  connectTcp(address: ConnectTarget, host: HostState | undefined): Socket {
    const socket = connect(address, { podIP: this.podIP, allowHalfOpen: true });
    if (host) {
      host.active++;
      socket.once('close', () => host.active--);
    }
    return socket;
  }

  close(): void {
    this.pool.close();
    this.sessions.close();
  }
}
