// Checks a pushed configuration before it replaces the last good one (a failure is a NACK).

import type { ProxyConfig } from '../xds/proxy-config.js';
import { gatewayChain } from './gateway/gateway-chain.js';
import { inboundChain } from './inbound/inbound-chain.js';
import { outboundChain } from './outbound/outbound-chain.js';

export function validateProxyConfig(c: ProxyConfig): string[] {
  const errors: string[] = [];
  if (!c || typeof c !== 'object') return ['configuration is not an object'];
  if (c.role !== 'sidecar' && c.role !== 'router') errors.push(`unknown role "${String(c.role)}"`);
  // Each filter checks its own part; a filter in several chains is asked once.
  for (const f of new Set([inboundChain, outboundChain, gatewayChain].flatMap((chain) => chain.filters))) errors.push(...(f.checkConfig?.(c) ?? []));
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
