// Opens and closes the proxy's listeners to match its configuration: the outbound capture listener,
// one inbound listener per pod port, and the gateway's server ports. Each accepted connection is
// labelled (direction, original destination, route) and handed to HTTP or TCP handling.

import { createServer, type Server, type Socket } from 'node:net';
import { BLACKHOLE_CLUSTER, PASSTHROUGH_CLUSTER, type ProxyConfig, type Protocol } from '../../xds/proxy-config.js';
import { Http1Codec, type Http1CodecContext } from '../codec/http1-codec.js';
import { NodeCodec } from '../codec/node-codec.js';
import { attachConnectionInfo, type ConnectionInfo } from '../http/connection-info.js';
import type { ConnectionManager } from '../http/connection-manager.js';
import { proxyTcp } from '../network/tcp-proxy.js';
import type { ProxyState } from '../proxy-state.js';
import { readProxyHeader } from './proxy-protocol.js';
import { sniff } from './sniff.js';
import { closeListener, listenOn } from './socket-activation.js';
import { selectL4Cluster } from '../routing/l4-route.js';

export const OUTBOUND_CAPTURE_PORT = 15001;
const SNIFF_TIMEOUT_MS = 5000;

interface Bound {
  key: string;
  servers: Server[];
}

export interface ListenerAddresses {
  podIP: string;
  loopbackIP: string;
}

export class ListenerManager {
  private readonly bound = new Map<string, Bound>();
  private readonly sockets = new Set<Socket>();
  private readonly node: NodeCodec;
  private readonly h1: Http1CodecContext;

  constructor(private readonly state: ProxyState, streams: ConnectionManager, private readonly addrs: ListenerAddresses) {
    const node = new NodeCodec(streams);
    this.node = node;
    this.h1 = {
      streams,
      fallback: (s) => {
        node.http1.emit('connection', s);
        s.resume();
      },
    };
  }

  /** Brings listeners in line with the config; throws (and leaves the old ones) if a port cannot be bound. */
  async apply(config: ProxyConfig): Promise<void> {
    const wanted = new Map<string, { host: string; port: number; onConnection: (s: Socket) => void }>();
    if (config.role === 'sidecar') {
      wanted.set(`outbound:${OUTBOUND_CAPTURE_PORT}`, { host: this.addrs.loopbackIP, port: OUTBOUND_CAPTURE_PORT, onConnection: (s) => this.onOutbound(s) });
      for (const ip of config.inbound) {
        wanted.set(`inbound:${ip.port}:${ip.protocol}:${ip.cluster}`, {
          host: this.addrs.podIP,
          port: ip.port,
          onConnection: (s) => this.onInbound(s, ip.port),
        });
      }
    }
    for (const e of config.egress ?? []) {
      const host = e.bind === '127.0.0.1' || e.bind === 'localhost' ? this.addrs.loopbackIP : e.bind === '0.0.0.0' ? this.addrs.podIP : e.bind;
      wanted.set(`egress:${e.port}:${e.route}:${host}`, { host, port: e.port, onConnection: (s) => this.onEgress(s, e.port) });
    }
    for (const g of config.gateway) {
      wanted.set(`gateway:${g.port}:${g.route}`, { host: this.addrs.podIP, port: g.port, onConnection: (s) => this.onGateway(s, g.port) });
    }
    const opened: Bound[] = [];
    try {
      for (const [key, w] of wanted) {
        if (this.bound.has(key)) continue;
        // A port changing protocol keeps its number: close the old listener of that port first.
        for (const [oldKey, b] of this.bound) {
          if (!wanted.has(oldKey) && portOf(oldKey) === w.port) {
            await closeAll(b.servers);
            this.bound.delete(oldKey);
          }
        }
        const server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (s) => {
          this.sockets.add(s);
          s.once('close', () => this.sockets.delete(s));
          s.on('error', () => undefined);
          w.onConnection(s);
        });
        await listenOn(server, w.port, w.host);
        const b = { key, servers: [server] };
        opened.push(b);
        this.bound.set(key, b);
      }
    } catch (err) {
      for (const b of opened) {
        await closeAll(b.servers);
        this.bound.delete(b.key);
      }
      throw err;
    }
    for (const [key, b] of this.bound) {
      if (!wanted.has(key)) {
        await closeAll(b.servers);
        this.bound.delete(key);
      }
    }
  }

  private info(s: Socket, direction: ConnectionInfo['direction'], extra: Partial<ConnectionInfo>): ConnectionInfo {
    const info: ConnectionInfo = {
      direction,
      localAddress: `${s.localAddress}:${s.localPort}`,
      remoteAddress: `${s.remoteAddress}:${s.remotePort}`,
      ...extra,
    };
    attachConnectionInfo(s, info);
    return info;
  }

  private async onOutbound(s: Socket): Promise<void> {
    s.resume();
    let dst;
    try {
      dst = await readProxyHeader(s);
    } catch {
      s.destroy();
      return;
    }
    const config = this.state.config;
    const target = config?.outbound.targets[`${dst.host}:${dst.port}`];
    const info = this.info(s, 'outbound', { originalDestination: dst, ...(target?.route ? { routeName: target.route } : {}) });
    info.localAddress = `${dst.host}:${dst.port}`;
    if (!target) {
      if (config?.outbound.policy === 'REGISTRY_ONLY') s.destroy();
      else proxyTcp(s, info, PASSTHROUGH_CLUSTER, this.state);
      return;
    }
    // A VirtualService's tcp[] rules choose the cluster for plain TCP; otherwise the service's own.
    const tcpCluster = (target.l4Routes ? selectL4Cluster(target.l4Routes, config?.self, dst.host) : undefined) ?? target.cluster ?? PASSTHROUGH_CLUSTER;
    await this.dispatch(s, info, target.protocol, tcpCluster);
  }

  private async onInbound(s: Socket, port: number): Promise<void> {
    const ip = this.state.config?.inbound.find((p) => p.port === port);
    if (!ip) {
      s.destroy();
      return;
    }
    const info = this.info(s, 'inbound', { inboundCluster: ip.cluster, ...(ip.service ? { inboundService: ip.service } : {}) });
    await this.dispatch(s, info, ip.protocol, ip.cluster);
  }

  /** An explicit egress listener: the app connects here itself, so there is no original destination. */
  private async onEgress(s: Socket, port: number): Promise<void> {
    const e = this.state.config?.egress?.find((x) => x.port === port);
    if (!e) {
      s.destroy();
      return;
    }
    const info = this.info(s, 'outbound', { routeName: e.route });
    await this.dispatch(s, info, e.protocol === 'auto' ? 'http' : e.protocol, PASSTHROUGH_CLUSTER);
  }

  private async onGateway(s: Socket, port: number): Promise<void> {
    const g = this.state.config?.gateway.find((x) => x.port === port);
    if (!g) {
      s.destroy();
      return;
    }
    const info = this.info(s, 'gateway', { routeName: g.route });
    // A TCP server forwards by its VirtualServices' tcp[] rules; with none that matches, the connection
    // has nowhere to go (BlackHoleCluster).
    const tcpCluster = g.l4Routes ? (selectL4Cluster(g.l4Routes, this.state.config?.self, '') ?? BLACKHOLE_CLUSTER) : BLACKHOLE_CLUSTER;
    await this.dispatch(s, info, g.protocol, tcpCluster);
  }

  private async dispatch(s: Socket, info: ConnectionInfo, protocol: Protocol, tcpCluster: string): Promise<void> {
    if (protocol === 'tcp' || protocol === 'tls' || protocol === 'https') {
      proxyTcp(s, info, tcpCluster, this.state);
      return;
    }
    const kind = await sniff(s, SNIFF_TIMEOUT_MS);
    // On a port declared HTTP, bytes that are not a known request line are still HTTP/1 to answer
    // (400 for garbage, as Envoy's connection manager), not a connection to drop silently.
    if (kind === 'tcp' && protocol !== 'http') {
      if (protocol === 'auto') proxyTcp(s, info, tcpCluster, this.state);
      else s.destroy();
      return;
    }
    if (kind === 'http2') {
      this.node.http2.emit('connection', s);
      s.resume();
      return;
    }
    new Http1Codec(s, info, this.h1);
    s.resume();
  }

  /** Stops accepting; existing connections finish (drain). */
  async close(): Promise<void> {
    for (const b of this.bound.values()) await closeAll(b.servers);
    this.bound.clear();
  }

  destroyConnections(): void {
    for (const s of this.sockets) s.destroy();
  }

  get activeConnections(): number {
    return this.sockets.size;
  }
}

function portOf(key: string): number {
  return Number(key.split(':')[1]);
}

/** Stops listening. Accepted connections carry on (the drain); close()'s callback would wait for them. */
function closeAll(servers: Server[]): Promise<void> {
  for (const s of servers) closeListener(s);
  return new Promise((r) => setImmediate(r));
}
