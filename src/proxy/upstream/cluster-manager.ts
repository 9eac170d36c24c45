// Clusters and their endpoints, with a connection pool per endpoint: keep-alive HTTP/1.1 agents and
// one HTTP/2 session each. Pools survive config pushes when the endpoint stays.

import { Agent } from 'node:http';
import { connect as h2connect, type ClientHttp2Session } from 'node:http2';
import { connect as netConnect } from 'node:net';
import type { Cluster } from '../../xds/proxy-config.js';
import { makeLoadBalancer, type HostState, type LoadBalancer } from './load-balancer.js';
import { UpstreamPool } from '../http1/upstream-pool.js';

export interface ClusterState {
  config: Cluster;
  hosts: HostState[];
  lb: LoadBalancer;
}

const PASSTHROUGH_AGENT = 'passthrough';

export class ClusterManager {
  private clusters = new Map<string, ClusterState>();
  /** Raw keep-alive connections for the HTTP/1.1 engine. */
  readonly pool = new UpstreamPool();
  private readonly agents = new Map<string, Agent>();
  private readonly sessions = new Map<string, ClientHttp2Session>();

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
    // The passthrough agent serves any address, so it outlives every push.
    for (const [key, agent] of this.agents) if (key !== PASSTHROUGH_AGENT && !live.has(key)) { agent.destroy(); this.agents.delete(key); }
    for (const [key, s] of this.sessions) if (!live.has(key)) { s.close(); this.sessions.delete(key); }
    this.pool.retain(live);
  }

  get(name: string): ClusterState | undefined {
    return this.clusters.get(name);
  }

  pick(c: ClusterState): HostState | undefined {
    return c.lb.pick(c.hosts);
  }

  agentFor(key: string): Agent {
    let a = this.agents.get(key);
    if (!a) {
      a = new Agent({ keepAlive: true, keepAliveMsecs: 60_000, maxSockets: Infinity, maxFreeSockets: 256, scheduling: 'lifo' });
      this.agents.set(key, a);
    }
    return a;
  }

  /** Agent for addresses outside any cluster (passthrough): not pooled across pushes. */
  passthroughAgent(): Agent {
    return this.agentFor(PASSTHROUGH_AGENT);
  }

  sessionFor(host: string, port: number, localAddress?: string): ClientHttp2Session {
    const key = `${host}:${port}`;
    let s = this.sessions.get(key);
    if (!s || s.closed || s.destroyed) {
      s = h2connect(`http://${host.includes(':') ? `[${host}]` : host}:${port}`, {
        createConnection: () => netConnect({ host, port, ...(localAddress ? { localAddress } : {}) }),
      });
      const session = s;
      session.on('error', () => undefined);
      session.on('close', () => {
        if (this.sessions.get(key) === session) this.sessions.delete(key);
      });
      session.on('goaway', () => {
        if (this.sessions.get(key) === session) this.sessions.delete(key);
      });
      this.sessions.set(key, session);
    }
    return s;
  }

  close(): void {
    this.pool.close();
    for (const a of this.agents.values()) a.destroy();
    for (const s of this.sessions.values()) s.destroy();
    this.agents.clear();
    this.sessions.clear();
  }
}
