// `proxy-config endpoints`: istioctl's endpoint summary (from Envoy's /clusters) over Weft's cluster endpoints.

import type { ProxyConfig } from '../../xds/proxy-config.js';
import { goTabwriter } from '../printers/go-tabwriter.js';

export interface EndpointFilter {
  address?: string;
  port?: number;
  cluster?: string;
  status?: string;
}

export interface EndpointRow {
  address: string;
  port: number;
  cluster: string;
  /** Weft's proxy keeps no health state in its config: every endpoint it was given is one it sends to. */
  status: 'HEALTHY';
  outlierCheck: 'OK';
}

export function selectEndpoints(config: ProxyConfig, f: EndpointFilter): EndpointRow[] {
  const rows: EndpointRow[] = [];
  for (const c of Object.values(config.clusters)) {
    for (const e of c.endpoints) {
      const row: EndpointRow = { address: e.address, port: e.port, cluster: c.name, status: 'HEALTHY', outlierCheck: 'OK' };
      if (f.address && f.address.toLowerCase() !== e.address.toLowerCase()) continue;
      if (f.port && f.port !== e.port) continue;
      if (f.cluster && f.cluster.toLowerCase() !== c.name.toLowerCase()) continue;
      if (f.status && f.status.toUpperCase() !== row.status) continue;
      rows.push(row);
    }
  }
  // By address, port, cluster, as istioctl sorts.
  return rows.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : a.port - b.port || (a.cluster < b.cluster ? -1 : a.cluster > b.cluster ? 1 : 0)));
}

export function endpointTable(config: ProxyConfig, f: EndpointFilter): string {
  const rows = [['ENDPOINT', 'STATUS', 'OUTLIER CHECK', 'CLUSTER']];
  for (const e of selectEndpoints(config, f)) rows.push([`${e.address}:${e.port}`, e.status, e.outlierCheck, e.cluster]);
  return goTabwriter(rows, 5);
}
