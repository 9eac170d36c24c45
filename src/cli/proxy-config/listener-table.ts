// `proxy-config listeners`: istioctl's listener summary (ADDRESSES PORT MATCH DESTINATION) over Weft's
// outbound targets, capture ports, inbound ports, gateway and egress listeners.

import { PASSTHROUGH_CLUSTER, type Protocol, type ProxyConfig } from '../../xds/proxy-config.js';
import { ENVOY_METRICS_PORT, HEALTH_PORT } from '../../proxy/admin/admin-server.js';
import { goTabwriter } from '../printers/go-tabwriter.js';

export interface ListenerFilter {
  address?: string;
  port?: number;
}

/** One filter chain of a listener: a row of the table. */
export interface ListenerRow {
  address: string;
  port: number;
  match: string;
  destination: string;
}

const OUTBOUND_CAPTURE = 15001;
const INBOUND_CAPTURE = 15006;
const HTTP_MATCH = 'Trans: raw_buffer; App: http/1.1,h2c';
const ANY = '0.0.0.0';

function isHttp(p: Protocol): boolean {
  return p === 'http' || p === 'http2' || p === 'grpc';
}

/** istioctl names Istio's own clusters bare and the others "Cluster: NAME". */
function clusterDestination(name: string): string {
  return name.includes('Cluster') ? name : `Cluster: ${name}`;
}

function splitHostPort(key: string): { address: string; port: number } {
  const i = key.lastIndexOf(':');
  return { address: key.slice(0, i), port: Number(key.slice(i + 1)) };
}

/** Every filter chain, grouped per listener in istioctl's order: port, address, then destination (descending). */
export function listenerRows(config: ProxyConfig): ListenerRow[] {
  const groups = new Map<string, ListenerRow[]>();
  const add = (address: string, port: number, match: string, destination: string): void => {
    const key = `${address} ${port}`;
    const g = groups.get(key) ?? [];
    g.push({ address, port, match, destination });
    groups.set(key, g);
  };
  for (const [key, t] of Object.entries(config.outbound.targets)) {
    const { address, port } = splitHostPort(key);
    if (t.route && (isHttp(t.protocol) || t.protocol === 'auto')) add(address, port, HTTP_MATCH, `Route: ${t.route}`);
    for (const l4 of t.l4Routes ?? []) {
      const sni = l4.match?.sniHosts?.length ? `SNI: ${l4.match.sniHosts.join(',')}` : 'ALL';
      const first = l4.clusters[0]?.cluster;
      if (first) add(address, port, sni, clusterDestination(first));
    }
    if (t.cluster && (!isHttp(t.protocol) || !t.route)) add(address, port, 'ALL', clusterDestination(t.cluster));
  }
  if (config.role === 'sidecar') {
    add(ANY, OUTBOUND_CAPTURE, 'ALL', config.outbound.policy === 'REGISTRY_ONLY' ? 'BlackHoleCluster' : PASSTHROUGH_CLUSTER);
    add(ANY, OUTBOUND_CAPTURE, `Addr: *:${OUTBOUND_CAPTURE}`, 'Non-HTTP/Non-TCP');
    add(ANY, INBOUND_CAPTURE, `Addr: *:${INBOUND_CAPTURE}`, 'Non-HTTP/Non-TCP');
    for (const p of config.inbound) {
      if (isHttp(p.protocol) || p.protocol === 'auto') add(ANY, INBOUND_CAPTURE, `${HTTP_MATCH}; Addr: *:${p.port}`, clusterDestination(p.cluster));
      if (!isHttp(p.protocol)) add(ANY, INBOUND_CAPTURE, `Trans: raw_buffer; Addr: *:${p.port}`, clusterDestination(p.cluster));
    }
  }
  for (const g of config.gateway) add(ANY, g.port, 'ALL', `Route: ${g.route}`);
  for (const e of config.egress ?? []) add(e.bind, e.port, isHttp(e.protocol) ? HTTP_MATCH : 'ALL', `Route: ${e.route}`);
  // The proxy's own health and metrics ports, which Envoy has as static listeners.
  add(ANY, HEALTH_PORT, 'ALL', 'Inline Route: /healthz/ready*');
  add(ANY, ENVOY_METRICS_PORT, 'ALL', 'Inline Route: /stats/prometheus*');
  const sorted = [...groups.values()].sort((a, b) => a[0]!.port - b[0]!.port || (a[0]!.address < b[0]!.address ? -1 : a[0]!.address > b[0]!.address ? 1 : 0));
  return sorted.flatMap((g) => [...g].sort((a, b) => (a.destination > b.destination ? -1 : a.destination < b.destination ? 1 : 0)));
}

export function selectListenerRows(config: ProxyConfig, f: ListenerFilter): ListenerRow[] {
  return listenerRows(config).filter((r) => (!f.port || r.port === f.port) && (!f.address || r.address.toLowerCase() === f.address.toLowerCase()));
}

/** The listener part of the dump, limited to the port when one is asked for (for -o json|yaml). */
export function selectListenerConfig(config: ProxyConfig, f: ListenerFilter): Pick<ProxyConfig, 'outbound' | 'inbound' | 'gateway' | 'egress'> {
  const portOk = (p: number): boolean => !f.port || p === f.port;
  const addrOk = (a: string): boolean => !f.address || a.toLowerCase() === f.address.toLowerCase();
  const targets = Object.fromEntries(
    Object.entries(config.outbound.targets).filter(([k]) => {
      const { address, port } = splitHostPort(k);
      return portOk(port) && addrOk(address);
    }),
  );
  return {
    outbound: { targets, policy: config.outbound.policy },
    inbound: config.inbound.filter((p) => !f.port || f.port === INBOUND_CAPTURE || p.port === f.port),
    gateway: config.gateway.filter((g) => portOk(g.port)),
    ...(config.egress ? { egress: config.egress.filter((e) => portOk(e.port) && addrOk(e.bind)) } : {}),
  };
}

export function listenerTable(config: ProxyConfig, f: ListenerFilter): string {
  const rows = [['ADDRESSES', 'PORT', 'MATCH', 'DESTINATION']];
  for (const r of selectListenerRows(config, f)) rows.push([r.address, String(r.port), r.match, r.destination]);
  return goTabwriter(rows, 1);
}
