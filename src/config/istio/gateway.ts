// Gateway: the listeners (port, protocol, hosts, TLS) of an ingress or egress gateway.

import { z } from 'zod';
import type { CheckFinding, KindInfo } from '../kind-info.js';
import {
  ipProblem,
  isHttpProtocol,
  isIstioDnsLabel,
  isTlsProtocol,
  labelMap,
  namespacedHostProblems,
  parsedSpec,
  portProblem,
  Problems,
  protocols,
  uint32,
  unixAddressProblem,
} from './common.js';
import { checkServerTls, serverTlsSettings } from './server-tls.js';

// Checked by Istio's rules below, in its words.
export const gatewayPort = z.strictObject({
  number: uint32,
  protocol: z.string(),
  name: z.string(),
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

/** Istio's ValidateGateway and validateServer, rule by rule. */
function check(obj: { metadata: { name: string }; spec?: unknown }): CheckFinding[] {
  const spec = parsedSpec(gatewaySpec, obj.spec);
  if (!spec) return [];
  const out = new Problems();
  if (!isIstioDnsLabel(obj.metadata.name)) out.add('metadata.name', `invalid gateway name: ${JSON.stringify(obj.metadata.name)}`);
  const portNames = new Set<string>();
  spec.servers.forEach((s, i) => {
    const at = `spec.servers[${i}]`;
    s.hosts.forEach((h, j) => {
      for (const p of namespacedHostProblems(h, true)) out.add(`${at}.hosts[${j}]`, p);
    });
    const portOk = checkServerPort(s, at, out);
    const bind = s.bind ?? '';
    if (bind.startsWith('unix://')) {
      const bad = unixAddressProblem(bind.slice('unix://'.length));
      if (bad) out.add(`${at}.bind`, bad);
      if (s.port.number !== 0) out.add(`${at}.bind`, `port number must be 0 for unix domain socket: ${goPort(s.port)}`);
    } else if (bind) {
      const bad = ipProblem(bind);
      if (bad) out.add(`${at}.bind`, bad);
    }
    if (s.tls) checkServerTls(s.tls, `${at}.tls`, out);
    if (portOk) {
      const p = s.port.protocol;
      if (isTlsProtocol(p) && !s.tls) out.add(`${at}.tls`, 'server must have TLS settings for HTTPS/TLS protocols');
      else if (!isTlsProtocol(p) && s.tls) {
        if (isHttpProtocol(p)) {
          const passthrough = s.tls.mode === undefined || s.tls.mode === 'PASSTHROUGH' || s.tls.mode === 'AUTO_PASSTHROUGH';
          if (!passthrough || s.tls.caCertificates || s.tls.privateKey || s.tls.serverCertificate) out.add(`${at}.tls`, 'server cannot have TLS settings for plain text HTTP ports');
        } else {
          out.add(`${at}.tls`, 'server cannot have TLS settings for non HTTPS/TLS ports');
        }
      }
    }
    if (portNames.has(s.port.name)) out.add(`${at}.port.name`, `port names in servers must be unique: duplicate name ${s.port.name}`);
    portNames.add(s.port.name);
    if (!isHttpProtocol(s.port.protocol) && s.tls?.httpsRedirect) out.warn(`${at}.tls.httpsRedirect`, 'tls.httpsRedirect should only be used with http servers');
  });
  return out.list;
}

/** Go's %v of a networking.Port, as Istio prints it in "port name must be set: ...". */
function goPort(p: GatewayServer['port']): string {
  const parts = [p.number ? `number:${p.number}` : '', p.protocol ? `protocol:${JSON.stringify(p.protocol)}` : '', p.name ? `name:${JSON.stringify(p.name)}` : ''];
  return parts.filter(Boolean).join(' ');
}

/** validateServerPort; true when the port has no problem (the TLS rules then apply). */
function checkServerPort(s: GatewayServer, at: string, out: Problems): boolean {
  const before = out.list.length;
  const p = s.port;
  if (!protocols.includes(p.protocol.toUpperCase())) {
    out.add(`${at}.port.protocol`, `invalid protocol ${JSON.stringify(p.protocol)}, supported protocols are HTTP, HTTP2, GRPC, GRPC-WEB, MONGO, REDIS, MYSQL, TCP`);
  }
  if (p.number > 0 || !(s.bind ?? '').startsWith('unix://')) {
    const bad = portProblem(p.number);
    if (bad) out.add(`${at}.port.number`, bad);
  }
  if (p.targetPort) out.add(`${at}.port.targetPort`, 'targetPort has no impact on Gateways');
  if (p.name === '') out.add(`${at}.port.name`, `port name must be set: ${goPort(p)}`);
  return out.list.length === before;
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
