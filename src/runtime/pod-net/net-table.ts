// The table every pod's network shim reads: cluster DNS names and service addresses with their endpoints.
// The runtime writes it (atomically) when services or endpoints change; pods reload it on change.

export interface NetTable {
  version: number;
  /** Fully qualified names (svc.ns.svc.cluster.local) to addresses (a cluster IP, or pod IPs for headless services). */
  names: Record<string, string[]>;
  /** Cluster IP -> service port -> ready endpoints as "ip:port". */
  services: Record<string, Record<string, string[]>>;
}

export const emptyNetTable: NetTable = { version: 0, names: {}, services: {} };

export const CLUSTER_DOMAIN = 'cluster.local';

/** The names a lookup tries, in order, as a pod's resolv.conf search list would (ndots 5). */
export function searchCandidates(name: string, namespace: string): string[] {
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  if (name.endsWith('.')) return [n];
  const dots = n.split('.').length - 1;
  const search = [`${namespace}.svc.${CLUSTER_DOMAIN}`, `svc.${CLUSTER_DOMAIN}`, CLUSTER_DOMAIN];
  const expanded = search.map((s) => `${n}.${s}`);
  return dots >= 5 ? [n, ...expanded] : [...expanded, n];
}

export function resolveName(table: NetTable, name: string, namespace: string): string[] | undefined {
  for (const candidate of searchCandidates(name.toLowerCase(), namespace)) {
    const hit = table.names[candidate];
    if (hit && hit.length > 0) return hit;
  }
  return undefined;
}
