// Checks a pushed configuration before it replaces the last good one (a failure is a NACK).

import type { ProxyConfig } from '../xds/proxy-config.js';

export function validateProxyConfig(c: ProxyConfig): string[] {
  const errors: string[] = [];
  if (!c || typeof c !== 'object') return ['configuration is not an object'];
  if (c.role !== 'sidecar' && c.role !== 'router') errors.push(`unknown role "${String(c.role)}"`);
  for (const [name, rc] of Object.entries(c.routes ?? {})) {
    for (const vh of rc.virtualHosts ?? []) {
      for (const r of vh.routes ?? []) {
        // A route may name a cluster that is not (yet) there: such requests get 503 NC, as Envoy's
        // routes from RDS. A route must still say what it does.
        const does = [r.action, r.redirect, r.directResponse].filter((x) => x !== undefined).length;
        if (does !== 1) errors.push(`route ${name}/${vh.name}/${r.name}: needs exactly one of action, redirect and directResponse`);
        if (r.action && !r.action.cluster && !r.action.weightedClusters?.length) errors.push(`route ${name}/${vh.name}/${r.name}: action without a cluster`);
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
