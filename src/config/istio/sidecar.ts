// Sidecar: narrows what a workload's proxy listens on and which services it can reach.

import { z } from 'zod';
import type { CheckFinding, KindInfo } from '../kind-info.js';
import {
  fqdnProblem,
  ipProblem,
  isHttpProtocol,
  namespacedHostProblems,
  networkingWorkloadSelector,
  parsedSpec,
  port,
  portNameProblem,
  portProblem,
  portSelector,
  Problems,
  protocolProblem,
  subsetNameProblem,
  unixAddressProblem,
} from './common.js';
import { checkServerTls, serverTlsSettings } from './server-tls.js';
import { checkConnectionPool, connectionPoolSettings } from './traffic-policy.js';

const captureMode = z.enum(['DEFAULT', 'IPTABLES', 'NONE']);

// Port numbers, names and protocols are checked by Istio's rules below, in its words.
const sidecarPort = port;

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
  hosts: z.array(z.string()),
});

export const outboundTrafficPolicy = z.strictObject({
  mode: z.enum(['REGISTRY_ONLY', 'ALLOW_ANY']).optional(),
  egressProxy: z
    .strictObject({
      host: z.string(),
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

const localHosts = ['127.0.0.1', '0.0.0.0', '::1', '::'];

/** Go's net.SplitHostPort, returning its error text on failure. */
function splitHostPort(hp: string): { host: string; port: string } | { error: string } {
  const missing = { error: `address ${hp}: missing port in address` };
  if (hp.startsWith('[')) {
    const end = hp.indexOf(']');
    if (end < 0) return { error: `address ${hp}: missing ']' in address` };
    if (hp[end + 1] !== ':') return end + 1 === hp.length ? missing : { error: `address ${hp}: missing port in address` };
    return { host: hp.slice(1, end), port: hp.slice(end + 2) };
  }
  const colon = hp.lastIndexOf(':');
  if (colon < 0) return missing;
  const host = hp.slice(0, colon);
  if (host.includes(':')) return { error: `address ${hp}: too many colons in address` };
  return { host, port: hp.slice(colon + 1) };
}

function checkDefaultEndpoint(ep: string, at: string, out: Problems): void {
  if (ep.startsWith('unix://')) {
    const bad = unixAddressProblem(ep.slice('unix://'.length));
    if (bad) out.add(at, bad);
    return;
  }
  const hp = splitHostPort(ep);
  const host = 'error' in hp ? '' : hp.host;
  const port = 'error' in hp ? '' : hp.port;
  if ('error' in hp) out.add(at, hp.error);
  if (host !== '' && !localHosts.includes(host)) {
    out.add(at, 'sidecar: defaultEndpoint must be of form 127.0.0.1:<port>,0.0.0.0:<port>,[::1]:port,[::]:port,unix://filepath or unset');
  }
  if (!/^[+-]?\d+$/.test(port)) out.add(at, `sidecar: defaultEndpoint port (${port}) is not a number: strconv.Atoi: parsing ${JSON.stringify(port)}: invalid syntax`);
  else {
    const bad = portProblem(Number(port));
    if (bad) out.add(at, bad);
  }
}

/** Istio's ValidateSidecar, rule by rule. */
function check(obj: { metadata: { namespace?: string }; spec?: unknown }): CheckFinding[] {
  const spec = parsedSpec(sidecarSpec, obj.spec);
  if (!spec) return [];
  const out = new Problems();
  if (spec.workloadSelector && Object.keys(spec.workloadSelector.labels ?? {}).length === 0) {
    out.warn('spec.workloadSelector', 'sidecar: workload selector specified without labels, will be applied to all services in namespace');
  }
  if (!spec.egress?.length && !spec.ingress?.length && !spec.outboundTrafficPolicy && !spec.inboundConnectionPool) {
    out.add('spec', 'sidecar: empty configuration provided');
    return out.list;
  }

  const ingressPorts = new Set<number>();
  spec.ingress?.forEach((l, i) => {
    const at = `spec.ingress[${i}]`;
    const p = l.port;
    if (p.targetPort) out.add(`${at}.port.targetPort`, 'targetPort has no impact on Sidecars');
    checkPortNameProtocol(p, `${at}.port`, out);
    const badPort = portProblem(p.number ?? 0);
    if (badPort) out.add(`${at}.port.number`, badPort);
    if (l.bind) {
      const bad = ipProblem(l.bind);
      if (bad) out.add(`${at}.bind`, bad);
    }
    if (ingressPorts.has(p.number ?? 0)) out.add(`${at}.port.number`, 'sidecar: ports on IP bound listeners must be unique');
    ingressPorts.add(p.number ?? 0);
    if (l.defaultEndpoint) checkDefaultEndpoint(l.defaultEndpoint, `${at}.defaultEndpoint`, out);
    const tls = l.tls;
    if (tls) {
      if (tls.subjectAltNames?.length) out.add(`${at}.tls.subjectAltNames`, 'sidecar: subjectAltNames is not supported in ingress tls');
      if (tls.httpsRedirect) out.add(`${at}.tls.httpsRedirect`, 'sidecar: httpsRedirect is not supported');
      if (tls.credentialName) out.add(`${at}.tls.credentialName`, 'sidecar: credentialName is not currently supported');
      if (tls.mode === 'ISTIO_MUTUAL' || tls.mode === 'AUTO_PASSTHROUGH') out.add(`${at}.tls.mode`, `configuration is invalid: cannot set mode to ${tls.mode} in sidecar ingress tls`);
      checkServerTls(tls, `${at}.tls`, out);
    }
    checkConnectionPool(l.connectionPool, `${at}.connectionPool`, out);
    if (l.connectionPool?.http && !isHttpProtocol(p.protocol)) {
      out.warn(
        `${at}.connectionPool.http`,
        `sidecar: HTTP connection pool settings are configured for port ${p.number ?? 0} (${JSON.stringify(p.name ?? '')}) but its protocol is not HTTP (${p.protocol ?? ''}); only TCP settings will apply`,
      );
    }
  });
  checkConnectionPool(spec.inboundConnectionPool, 'spec.inboundConnectionPool', out);

  const egressPorts = new Set<number>();
  const sockets = new Set<string>();
  spec.egress?.forEach((l, i) => {
    const at = `spec.egress[${i}]`;
    const p = l.port;
    if (!p) {
      // the catch-all listener comes last
      if (i !== spec.egress!.length - 1) out.add(at, 'sidecar: the egress listener with empty port should be the last listener in the list');
    } else {
      if (p.targetPort) out.add(`${at}.port.targetPort`, 'targetPort has no impact on Sidecars');
      const bind = l.bind ?? '';
      checkPortNameProtocol(p, `${at}.port`, out);
      if (!p.number) {
        if (!bind.startsWith('unix://')) out.add(`${at}.bind`, 'sidecar: ports with 0 value must have a unix domain socket bind address');
        else {
          const bad = unixAddressProblem(bind.slice('unix://'.length));
          if (bad) out.add(`${at}.bind`, bad);
        }
        if (l.captureMode && l.captureMode !== 'DEFAULT' && l.captureMode !== 'NONE') out.add(`${at}.captureMode`, 'sidecar: captureMode must be DEFAULT/NONE for unix domain socket listeners');
        if (sockets.has(bind)) out.add(`${at}.bind`, 'sidecar: unix domain socket values for listeners must be unique');
        sockets.add(bind);
      } else {
        const bad = portProblem(p.number);
        if (bad) out.add(`${at}.port.number`, bad);
        if (bind) {
          const badBind = ipProblem(bind);
          if (badBind) out.add(`${at}.bind`, badBind);
        }
        if (egressPorts.has(p.number)) out.add(`${at}.port.number`, 'sidecar: ports on IP bound listeners must be unique');
        egressPorts.add(p.number);
      }
    }
    if (l.hosts.length === 0) {
      out.add(`${at}.hosts`, 'sidecar: egress listener must contain at least one host');
      return;
    }
    const byNamespace = new Map<string, Set<string>>();
    l.hosts.forEach((h, j) => {
      const hat = `${at}.hosts[${j}]`;
      const slash = h.indexOf('/');
      if (slash >= 0) {
        const ns = h.slice(0, slash) === '.' ? (obj.metadata.namespace ?? '') : h.slice(0, slash);
        const svc = h.slice(slash + 1);
        const seen = byNamespace.get(ns) ?? new Set<string>();
        byNamespace.set(ns, seen);
        if (svc !== '*' ? seen.has(svc) || seen.has('*') : seen.size > 0) out.warn(hat, `duplicated egress host: ${h}`);
        seen.add(svc);
      }
      for (const problem of namespacedHostProblems(h, false)) out.add(hat, problem);
    });
    if (byNamespace.get('*')?.has('*') && byNamespace.size !== 1) out.warn(`${at}.hosts`, '`*/*` host select all resources, no other hosts can be added');
  });

  const otp = spec.outboundTrafficPolicy;
  const proxy = otp?.egressProxy;
  if (proxy) {
    const at = 'spec.outboundTrafficPolicy.egressProxy';
    if (otp.mode !== 'ALLOW_ANY') out.add(at, 'sidecar: egress_proxy must be set only with ALLOW_ANY outbound_traffic_policy mode');
    else {
      const fqdn = fqdnProblem(proxy.host);
      if (fqdn) out.add(`${at}.host`, fqdn);
      if (!proxy.port) out.add(`${at}.port`, 'sidecar: egress_proxy port must be non-nil');
      else {
        if (proxy.subset) {
          const bad = subsetNameProblem(proxy.subset);
          if (bad) out.add(`${at}.subset`, bad);
        }
        const bad = portProblem(proxy.port.number);
        if (bad) out.add(`${at}.port.number`, bad);
      }
    }
  }
  return out.list;
}

/** A listener port's optional name and protocol (ValidatePortName, ValidateProtocol). */
function checkPortNameProtocol(p: { name?: string | undefined; protocol?: string | undefined }, at: string, out: Problems): void {
  if (p.name) {
    const bad = portNameProblem(p.name);
    if (bad) out.add(`${at}.name`, bad);
  }
  const bad = protocolProblem(p.protocol);
  if (bad) out.add(`${at}.protocol`, bad);
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
