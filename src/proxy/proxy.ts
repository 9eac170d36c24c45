// A proxy: sidecar or gateway. Same program, configured by the control plane.

import type { Server } from 'node:http';
import type { Writable } from 'node:stream';
import { AccessLogWriter } from '../telemetry/access-log.js';
import { IstioMetrics } from '../telemetry/istio-metrics.js';
import type { NodeInfo } from '../xds/discovery.js';
import type { ProxyConfig } from '../xds/proxy-config.js';
import { startAdmin } from './admin/admin-server.js';
import { ConnectionManager } from './http/connection-manager.js';
import { gatewayChain } from './gateway/gateway-chain.js';
import { inboundChain } from './inbound/inbound-chain.js';
import { outboundChain } from './outbound/outbound-chain.js';
import { ListenerManager } from './listener/listener-manager.js';
import { closeListener } from './listener/socket-activation.js';
import { encodePeerMetadata, type ProxyState } from './proxy-state.js';
import { ClusterManager } from './upstream/cluster-manager.js';
import { validateProxyConfig } from './validate-config.js';
import { XdsClient } from './xds-client/xds-client.js';

export interface ProxyOptions {
  role: 'sidecar' | 'router';
  podName: string;
  namespace: string;
  podIP: string;
  loopbackIP: string;
  discovery: { host: string; port: number };
  version: string;
  accessLogOut: Writable;
  log(msg: string): void;
  /** Seconds to let in-flight requests finish on shutdown (Istio's terminationDrainDuration). */
  drainSeconds: number;
}

export class Proxy {
  readonly state: ProxyState;
  private readonly listeners: ListenerManager;
  private readonly streams: ConnectionManager;
  private readonly clusters: ClusterManager;
  private readonly xds: XdsClient;
  private admin: Server[] = [];
  private ready = false;

  constructor(private readonly o: ProxyOptions) {
    const nodeId = `${o.role}~${o.podIP}~${o.podName}.${o.namespace}~${o.namespace}.svc.cluster.local`;
    this.clusters = new ClusterManager(o.podIP);
    this.state = {
      config: undefined,
      clusters: this.clusters,
      metrics: new IstioMetrics(),
      accessLog: new AccessLogWriter(o.accessLogOut),
      nodeId,
      peerMetadata: '',
      podIP: o.podIP,
    };
    this.streams = new ConnectionManager(this.state, { inbound: inboundChain, outbound: outboundChain, gateway: gatewayChain });
    this.listeners = new ListenerManager(this.state, this.streams, { podIP: o.podIP, loopbackIP: o.loopbackIP });
    const node: NodeInfo = { id: nodeId, role: o.role, podName: o.podName, namespace: o.namespace, ip: o.podIP, proxyVersion: o.version };
    this.xds = new XdsClient({ host: o.discovery.host, port: o.discovery.port, node, apply: (c) => this.apply(c), log: o.log });
  }

  async start(): Promise<void> {
    this.admin = await startAdmin(this.state, { ready: () => this.ready, quit: () => void this.shutdown() }, { podIP: this.o.podIP, loopbackIP: this.o.loopbackIP });
    this.xds.start();
  }

  /** Applies a push: validate, open listeners, swap in clusters and routes. Throws to NACK. */
  async apply(config: ProxyConfig): Promise<void> {
    const errors = validateProxyConfig(config);
    if (errors.length) throw new Error(errors.join('; '));
    await this.listeners.apply(config);
    this.clusters.update(config.clusters);
    if (this.state.config?.self.podName !== config.self.podName || !this.state.peerMetadata) {
      this.state.peerMetadata = encodePeerMetadata(config.self);
    }
    this.state.config = config;
    this.streams.reset();
    if (!this.ready) {
      this.ready = true;
      this.o.log(`ready: configuration ${config.version} applied`);
    }
  }

  async shutdown(): Promise<void> {
    this.ready = false;
    this.xds.stop();
    await this.listeners.close();
    const deadline = Date.now() + this.o.drainSeconds * 1000;
    while (this.listeners.activeConnections > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    this.listeners.destroyConnections();
    for (const s of this.admin) closeListener(s);
    this.clusters.close();
    this.state.accessLog.flush();
  }
}
