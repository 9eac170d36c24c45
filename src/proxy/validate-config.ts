// Checks a pushed configuration before it replaces the last good one (a failure is a NACK).

import { PASSTHROUGH_CLUSTER, type ProxyConfig } from '../xds/proxy-config.js';

export function validateProxyConfig(c: ProxyConfig): string[] {
  const errors: string[] = [];
  if (!c || typeof c !== 'object') return ['configuration is not an object'];
  if (c.role !== 'sidecar' && c.role !== 'router') errors.push(`unknown role "${String(c.role)}"`);
  const clusters = c.clusters ?? {};
  for (const [name, rc] of Object.entries(c.routes ?? {})) {
    for (const vh of rc.virtualHosts ?? []) {
      for (const r of vh.routes ?? []) {
        const cl = r.action?.cluster;
        if (!cl || (cl !== PASSTHROUGH_CLUSTER && !clusters[cl])) errors.push(`route ${name}/${vh.name}/${r.name}: unknown cluster "${cl}"`);
      }
    }
  }
  const ports = new Set<number>();
  for (const p of [...(c.inbound ?? []), ...(c.gateway ?? []), ...(c.egress ?? [])]) {
    if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) errors.push(`invalid listener port ${p.port}`);
    if (ports.has(p.port)) errors.push(`duplicate listener port ${p.port}`);
    ports.add(p.port);
  }
  for (const [key, t] of Object.entries(c.outbound?.targets ?? {})) {
    if (t.route && !c.routes?.[t.route]) errors.push(`outbound ${key}: unknown route "${t.route}"`);
  }
  return errors;
}
