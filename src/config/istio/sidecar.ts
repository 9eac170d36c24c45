// Sidecar: narrows what a workload's proxy listens on and which services it can reach.

import { z } from 'zod';
import type { CheckFinding, KindInfo } from '../kind-info.js';
import { isDnsLabel, networkingWorkloadSelector, parsedSpec, port, portSelector, Problems, protocolName } from './common.js';
import { checkServerTls, serverTlsSettings } from './server-tls.js';
import { connectionPoolSettings } from './traffic-policy.js';

const captureMode = z.enum(['DEFAULT', 'IPTABLES', 'NONE']);

const sidecarPort = port.extend({ protocol: protocolName.optional() });

export const ingressListener = z.strictObject({
  port: sidecarPort,
  bind: z.string().optional(),
  captureMode: captureMode.optional(),
  defaultEndpoint: z.string().optional(),
  tls: serverTlsSettings.optional(),
  connectionPool: connectionPoolSettings.optional(),
});

export const egressListener = z.strictObject({
  port: sidecarPort.optional(),
  bind: z.string().optional(),
  captureMode: captureMode.optional(),
  hosts: z.array(z.string()).min(1, 'sidecar: egress listener must contain at least one host'),
});

export const outboundTrafficPolicy = z.strictObject({
  mode: z.enum(['REGISTRY_ONLY', 'ALLOW_ANY']).optional(),
  egressProxy: z
    .strictObject({
      host: z.string().min(1),
      subset: z.string().optional(),
      port: portSelector.optional(),
    })
    .optional(),
});

export const sidecarSpec = z.strictObject({
  workloadSelector: networkingWorkloadSelector.optional(),
  ingress: z.array(ingressListener).optional(),
  egress: z.array(egressListener).optional(),
  inboundConnectionPool: connectionPoolSettings.optional(),
  outboundTrafficPolicy: outboundTrafficPolicy.optional(),
});
export type SidecarSpec = z.infer<typeof sidecarSpec>;

function checkEgressHost(h: string, path: string, out: Problems): void {
  const slash = h.indexOf('/');
  if (slash < 0) {
    out.add(path, `host "${h}" must be of form namespace/dnsName`);
    return;
  }
  const ns = h.slice(0, slash);
  const dns = h.slice(slash + 1);
  if (!ns || !dns) out.add(path, 'config namespace and dnsName in host entry cannot be empty');
  else if (ns !== '*' && ns !== '.' && ns !== '~' && !isDnsLabel(ns)) out.add(path, `invalid namespace value "${ns}" in sidecar`);
  else if (dns !== '*' && !dns.includes('.')) out.add(path, `short names (non FQDN) are not allowed: "${dns}"`);
}

function check(obj: { spec?: unknown }): CheckFinding[] {
  const spec = parsedSpec(sidecarSpec, obj.spec);
  if (!spec) return [];
  const out = new Problems();
  const ingressPorts = new Set<number>();
  spec.ingress?.forEach((l, i) => {
    const at = `spec.ingress[${i}]`;
    if (l.port.number === undefined || l.port.number < 1 || l.port.number > 65535) out.add(`${at}.port.number`, 'port number must be in the range 1..65535');
    else if (ingressPorts.has(l.port.number)) out.add(`${at}.port.number`, 'sidecar: ports on IP bound listeners must be unique');
    else ingressPorts.add(l.port.number);
    if (l.tls) checkServerTls(l.tls, `${at}.tls`, out);
  });
  const egressPorts = new Set<number>();
  spec.egress?.forEach((l, i) => {
    const at = `spec.egress[${i}]`;
    if (!l.port) {
      if (i !== spec.egress!.length - 1) out.add(at, 'sidecar: the egress listener with empty port should be the last listener in the list');
    } else if (l.port.number) {
      if (egressPorts.has(l.port.number)) out.add(`${at}.port.number`, 'sidecar: ports on IP bound listeners must be unique');
      egressPorts.add(l.port.number);
    } else if (!l.bind?.startsWith('unix://')) {
      out.add(`${at}.bind`, 'sidecar: ports with 0 value must have a unix domain socket bind address');
    }
    l.hosts.forEach((h, j) => checkEgressHost(h, `${at}.hosts[${j}]`, out));
  });
  const otp = spec.outboundTrafficPolicy;
  if (otp?.egressProxy) {
    if (otp.mode !== 'ALLOW_ANY') out.add('spec.outboundTrafficPolicy.egressProxy', 'sidecar: egress_proxy must be set only with ALLOW_ANY outbound_traffic_policy mode');
    if (!otp.egressProxy.port) out.add('spec.outboundTrafficPolicy.egressProxy.port', 'sidecar: egress_proxy port must be non-nil');
  }
  return out.list;
}

export const sidecarKind: KindInfo = {
  kind: 'Sidecar',
  group: 'networking.istio.io',
  versions: ['v1alpha3', 'v1beta1', 'v1'],
  plural: 'sidecars',
  singular: 'sidecar',
  shortNames: [],
  namespaced: true,
  spec: sidecarSpec,
  check,
};
