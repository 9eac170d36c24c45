// Counting and logging a finished exchange: one metrics update on a label set prepared once per
// (direction, peer, cluster), and one access-log entry pushed to the batching writer.

import { performance } from 'node:perf_hooks';
import type { Endpoint, ServiceRef } from '../../xds/proxy-config.js';
import type { WorkloadLabels } from '../../telemetry/labels.js';
import { unknownWorkload } from '../../telemetry/labels.js';
import type { RequestSeries } from '../../telemetry/istio-metrics.js';
import type { ProxyState } from '../proxy-state.js';
import type { ConnectionInfo } from './connection-info.js';
import type { Exchange } from './exchange.js';
import { decodePeerMetadata } from './peer-metadata.js';

export class RequestTelemetry {
  private readonly seriesCache = new Map<string, RequestSeries>();

  constructor(private readonly state: ProxyState) {}

  finish(info: ConnectionInfo, ex: Exchange): void {
    if (ex.finished) return;
    ex.finished = true;
    const durationMs = Math.round(performance.now() - ex.t0);
    this.state.metrics.recordRequest(this.series(info, ex), ex.status, ex.flags, durationMs, ex.bytesIn, ex.bytesOut);
    // One flat object, no conditional spreads: this runs for every request.
    this.state.accessLog.log({
      startTime: ex.startTime,
      method: ex.method,
      path: ex.path,
      protocol: ex.protocol,
      responseCode: ex.status,
      responseFlags: ex.flags,
      responseCodeDetails: ex.details,
      bytesReceived: ex.bytesIn,
      bytesSent: ex.bytesOut,
      durationMs,
      upstreamServiceTimeMs: ex.upstreamServiceTime,
      xForwardedFor: ex.forwardedFor,
      userAgent: ex.userAgent,
      requestId: ex.requestId,
      authority: ex.authority,
      upstreamHost: ex.upstreamHost,
      upstreamCluster: ex.cluster?.name,
      upstreamLocalAddress: ex.upstreamLocal,
      downstreamLocalAddress: info.localAddress,
      downstreamRemoteAddress: info.remoteAddress,
      routeName: ex.routeName,
    });
  }

  private series(info: ConnectionInfo, ex: Exchange): RequestSeries {
    const self = this.state.config?.self;
    const protocol = ex.grpc ? 'grpc' : 'http';
    let key: string;
    if (info.direction === 'inbound') key = `in|${protocol}|${info.inboundCluster}|${ex.peerMetadata ?? ''}`;
    else {
      const dest = ex.host?.endpoint;
      key = `out|${protocol}|${ex.cluster?.name ?? '-'}|${dest ? `${ex.host!.key}|${dest.workload.podName}` : ex.authority}`;
    }
    let s = this.seriesCache.get(key);
    if (s) return s;
    if (info.direction === 'inbound') {
      s = this.state.metrics.prepare({
        reporter: 'destination',
        source: decodePeerMetadata(ex.peerMetadata),
        destination: labelsOf(self),
        destinationService: serviceLabels(info.inboundService),
        requestProtocol: protocol,
        connectionSecurityPolicy: 'none',
      });
    } else {
      const dest = ex.host?.endpoint;
      s = this.state.metrics.prepare({
        reporter: 'source',
        source: labelsOf(self),
        destination: dest ? labelsOf(dest.workload) : unknownWorkload(),
        destinationService: ex.cluster?.service
          ? serviceLabels(ex.cluster.service)
          : { service: ex.authority.replace(/:\d+$/, '') || 'unknown', serviceName: ex.cluster?.name ?? 'unknown', serviceNamespace: 'unknown' },
        requestProtocol: protocol,
        connectionSecurityPolicy: 'unknown',
      });
    }
    if (this.seriesCache.size > 10_000) this.seriesCache.clear();
    this.seriesCache.set(key, s);
    return s;
  }

  /** Drops cached label sets (after a push changes workloads). */
  reset(): void {
    this.seriesCache.clear();
  }
}

export function labelsOf(meta: Endpoint['workload'] | undefined): WorkloadLabels {
  if (!meta) return unknownWorkload();
  return {
    workload: meta.workload,
    workloadNamespace: meta.namespace,
    principal: 'unknown',
    app: meta.app,
    version: meta.version,
    canonicalService: meta.canonicalService,
    canonicalRevision: meta.canonicalRevision,
    cluster: meta.cluster,
  };
}

function serviceLabels(s: ServiceRef | undefined) {
  if (!s) return { service: 'unknown', serviceName: 'unknown', serviceNamespace: 'unknown' };
  return { service: s.host, serviceName: s.name, serviceNamespace: s.namespace };
}
