// Gateway: the listeners (port, protocol, hosts, TLS) of an ingress or egress gateway.

import { z } from 'zod';
import type { CheckFinding, KindInfo } from '../kind-info.js';
import { isDnsLabel, labelMap, parsedSpec, portNumber, Problems, protocolName, uint32 } from './common.js';
import { checkServerTls, serverTlsSettings } from './server-tls.js';

export const gatewayPort = z.strictObject({
  number: portNumber,
  protocol: protocolName,
  name: z.string().min(1, 'port name must be set'),
  targetPort: uint32.optional(),
});

export const server = z.strictObject({
  port: gatewayPort,
  bind: z.string().optional(),
  hosts: z.array(z.string()).min(1, 'server config must contain at least one host'),
  tls: serverTlsSettings.optional(),
  defaultEndpoint: z.string().optional(),
  name: z.string().optional(),
});
export type GatewayServer = z.infer<typeof server>;

export const gatewaySpec = z.strictObject({
  servers: z.array(server).min(1, 'gateway must have at least one server'),
  selector: labelMap.optional(),
});
export type GatewaySpec = z.infer<typeof gatewaySpec>;

const tlsProtocols = ['HTTPS', 'TLS'];
const httpProtocols = ['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB', 'HTTP_PROXY'];

function check(obj: { spec?: unknown }): CheckFinding[] {
  const spec = parsedSpec(gatewaySpec, obj.spec);
  if (!spec) return [];
  const out = new Problems();
  const portNames = new Map<string, number>();
  const serverNames = new Set<string>();
  spec.servers.forEach((s, i) => {
    const at = `spec.servers[${i}]`;
    const first = portNames.get(s.port.name);
    if (first !== undefined) out.add(`${at}.port.name`, `port names in servers must be unique: duplicate name ${s.port.name} (also spec.servers[${first}])`);
    else portNames.set(s.port.name, i);
    if (s.name) {
      if (serverNames.has(s.name)) out.add(`${at}.name`, `server name "${s.name}" must be unique`);
      serverNames.add(s.name);
    }
    s.hosts.forEach((h, j) => {
      const slash = h.indexOf('/');
      if (slash < 0) return;
      const ns = h.slice(0, slash);
      const dns = h.slice(slash + 1);
      if (!ns || !dns) out.add(`${at}.hosts[${j}]`, 'config namespace and dnsName in host entry cannot be empty');
      else if (ns !== '*' && ns !== '.' && !isDnsLabel(ns)) out.add(`${at}.hosts[${j}]`, `invalid namespace value "${ns}" in gateway`);
    });
    const protocol = s.port.protocol.toUpperCase();
    if (tlsProtocols.includes(protocol)) {
      if (!s.tls) out.add(`${at}.tls`, 'server must have TLS settings for HTTPS/TLS protocols');
    } else if (s.tls) {
      const passthrough = !s.tls.mode || s.tls.mode === 'PASSTHROUGH' || s.tls.mode === 'AUTO_PASSTHROUGH';
      const certs = s.tls.serverCertificate || s.tls.privateKey || s.tls.caCertificates;
      if (!httpProtocols.includes(protocol)) out.add(`${at}.tls`, 'server cannot have TLS settings for non HTTPS/TLS ports');
      else if (!passthrough || certs) out.add(`${at}.tls`, 'server cannot have TLS settings for plain text HTTP ports (only httpsRedirect)');
    }
    if (s.tls) checkServerTls(s.tls, `${at}.tls`, out);
  });
  return out.list;
}

export const gatewayKind: KindInfo = {
  kind: 'Gateway',
  group: 'networking.istio.io',
  versions: ['v1alpha3', 'v1beta1', 'v1'],
  plural: 'gateways',
  singular: 'gateway',
  shortNames: ['gw'],
  namespaced: true,
  spec: gatewaySpec,
  specRequired: true,
  check,
};
