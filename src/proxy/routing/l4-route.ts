// A VirtualService's tcp[] rules at the sidecar: the first rule whose match holds for this proxy and
// destination picks among its weighted clusters. Rules that need the TLS server name (tls[] with
// sniHosts) are left to the TLS path.

import type { L4Route, WorkloadMeta } from '../../xds/proxy-config.js';
import { pickWeighted } from './route-match.js';

function ipv4(a: string): number | undefined {
  const parts = a.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

/** Whether an IPv4 address lies in an address or CIDR block ("10.0.0.0/8", "127.1.2.3"). */
export function inSubnet(address: string, subnet: string): boolean {
  const [base, bitsText] = subnet.split('/');
  const a = ipv4(address);
  const b = ipv4(base ?? '');
  if (a === undefined || b === undefined) return address === subnet;
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (bits === 0) return true;
  const mask = bits >= 32 ? 0xffffffff : (~(0xffffffff >>> bits)) >>> 0;
  return ((a & mask) >>> 0) === ((b & mask) >>> 0);
}

export function selectL4Cluster(routes: readonly L4Route[], self: WorkloadMeta | undefined, destination: string, random: () => number = Math.random): string | undefined {
  for (const r of routes) {
    const m = r.match;
    if (m?.sniHosts?.length) continue;
    if (m?.sourceNamespace !== undefined && self?.namespace !== m.sourceNamespace) continue;
    if (m?.sourceLabels && Object.entries(m.sourceLabels).some(([k, v]) => self?.labels[k] !== v)) continue;
    if (m?.destinationSubnets?.length && !m.destinationSubnets.some((s) => inSubnet(destination, s))) continue;
    return pickWeighted(r.clusters, random)?.cluster;
  }
  return undefined;
}
