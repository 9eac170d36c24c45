// L4: a downstream connection piped to one upstream endpoint, counted and logged when it closes.

import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { PASSTHROUGH_CLUSTER, type Cluster } from '../../xds/proxy-config.js';
import { unknownWorkload } from '../../telemetry/labels.js';
import type { ProxyState } from '../proxy-state.js';
import type { HostState } from '../upstream/load-balancer.js';
import type { ConnectionInfo } from '../http/connection-info.js';
import { labelsOf } from '../http/request-telemetry.js';
import type { ResponseFlags } from '../local-reply/local-reply.js';

export function proxyTcp(socket: Socket, info: ConnectionInfo, clusterName: string, state: ProxyState): void {
  const t0 = performance.now();
  const startTime = Date.now();
  let cluster: Cluster | undefined;
  let target: { host: string; port: number } | undefined;
  let host: HostState | undefined;
  if (clusterName === PASSTHROUGH_CLUSTER) {
    target = info.originalDestination;
  } else {
    const cs = state.clusters.get(clusterName);
    if (cs) {
      cluster = cs.config;
      host = state.clusters.pick(cs);
      if (host) target = { host: host.endpoint.address, port: host.endpoint.port };
    }
  }
  const dest = host?.endpoint;
  const inbound = info.direction === 'inbound';
  const self = state.config?.self;
  const series = state.metrics.prepareTcp({
    reporter: inbound ? 'destination' : 'source',
    source: inbound ? unknownWorkload() : labelsOf(self),
    destination: inbound ? labelsOf(self) : dest ? labelsOf(dest.workload) : unknownWorkload(),
    destinationService: inbound
      ? (info.inboundService ? { service: info.inboundService.host, serviceName: info.inboundService.name, serviceNamespace: info.inboundService.namespace } : { service: 'unknown', serviceName: 'unknown', serviceNamespace: 'unknown' })
      : cluster?.service
        ? { service: cluster.service.host, serviceName: cluster.service.name, serviceNamespace: cluster.service.namespace }
        : { service: target?.host ?? 'unknown', serviceName: clusterName, serviceNamespace: 'unknown' },
    connectionSecurityPolicy: inbound ? 'none' : 'unknown',
  });
  state.metrics.tcpOpened(series);
  let flags: ResponseFlags = '-';
  let sent = 0;
  let received = 0;
  let upstreamLocal = '-';
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    state.metrics.tcpBytes(series, sent, received);
    state.metrics.tcpClosed(series, flags);
    state.accessLog.log({
      startTime,
      responseCode: 0,
      responseFlags: flags,
      bytesReceived: received,
      bytesSent: sent,
      durationMs: Math.round(performance.now() - t0),
      upstreamHost: target ? `${target.host}:${target.port}` : '-',
      upstreamCluster: clusterName,
      upstreamLocalAddress: upstreamLocal,
      downstreamLocalAddress: info.localAddress,
      downstreamRemoteAddress: info.remoteAddress,
      routeName: '-',
    });
  };
  if (!target) {
    flags = 'UH';
    socket.destroy();
    finish();
    return;
  }
  const up = state.clusters.connectTcp(target, host);
  socket.setNoDelay(true);
  up.on('connect', () => {
    upstreamLocal = `${up.localAddress}:${up.localPort}`;
  });
  socket.on('data', (d: Buffer) => (received += d.length));
  up.on('data', (d: Buffer) => (sent += d.length));
  socket.pipe(up);
  up.pipe(socket);
  socket.resume();
  up.on('error', () => {
    if (flags === '-') flags = up.connecting || upstreamLocal === '-' ? 'UF' : 'UC';
    socket.destroy();
  });
  socket.on('error', () => {
    if (flags === '-') flags = 'DC';
    up.destroy();
  });
  let closed = 0;
  const onClose = () => {
    if (++closed === 2) finish();
  };
  up.on('close', () => {
    socket.destroy();
    onClose();
  });
  socket.on('close', () => {
    up.destroy();
    onClose();
  });
}
