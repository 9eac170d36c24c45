// `x describe pod`: the text istioctl prints about a pod, its Services, the DestinationRules and
// VirtualServices its proxy has for them, the effective PeerAuthentication and the ingress exposure.
// Pure: the command gathers the resources and proxy configurations first.

import type { ProxyConfig } from '../../xds/proxy-config.js';
import { SIDECAR_CONTAINER, type Pod } from '../proxy-config/proxy-target.js';
import type { DestinationRule, Gateway, PeerAuthentication, Service, ServicePort, VirtualService } from './istio-resources.js';
import { selects } from './istio-resources.js';
import { destinationRuleText, kname, serviceFqdn, subsetsFor, virtualServiceText } from './virtual-service-text.js';

const SEPARATOR = '--------------------\n';
const REQUIREMENTS_URL = 'https://istio.io/latest/docs/ops/deployment/application-requirements/';

export interface IngressGatewayPod {
  pod: Pod;
  config: ProxyConfig | undefined;
}

export interface DescribeInput {
  pod: Pod;
  /** The namespace of the command (-n or the context's): names in it are shown without it. */
  namespace: string;
  /** The Services of the pod's namespace. */
  services: Service[];
  /** The pod's proxy configuration (undefined without a sidecar). */
  config: ProxyConfig | undefined;
  destinationRules: DestinationRule[];
  virtualServices: VirtualService[];
  gateways: Gateway[];
  peerAuthentications: PeerAuthentication[];
  rootNamespace: string;
  /** Running pods labelled istio=ingressgateway, with their proxies' configurations. */
  ingressPods: IngressGatewayPod[];
  /** The Services of the ingress gateways' namespaces. */
  ingressServices: Service[];
}

function byName<T extends { metadata: { name: string; namespace?: string } }>(items: T[], name: string, namespace: string): T | undefined {
  return items.find((i) => i.metadata.name === name && (i.metadata.namespace ?? 'default') === namespace);
}

function splitNameNs(s: string): { name: string; namespace: string } {
  const dot = s.lastIndexOf('.');
  return { name: s.slice(0, dot), namespace: s.slice(dot + 1) };
}

/** Istio's revision of an injected pod: istio.io/rev, else the injection status annotation's. */
function revisionOf(pod: Pod): string {
  const a = pod.metadata.annotations ?? {};
  if (a['istio.io/rev'] !== undefined) return a['istio.io/rev'];
  try {
    return (JSON.parse(a['sidecar.istio.io/status'] ?? '') as { revision?: string }).revision ?? '';
  } catch {
    return '';
  }
}

function podText(pod: Pod, shownNs: string): { text: string; meshed: boolean } {
  // Istio's injector appends the sidecar after the app containers (Weft's puts it first): list it last, as istioctl shows it.
  const containers = [...(pod.spec?.containers ?? [])].sort((a, b) => Number(a.name === SIDECAR_CONTAINER) - Number(b.name === SIDECAR_CONTAINER));
  const ports = containers.flatMap((c) => (c.ports ?? []).map((p) => `${p.containerPort}${p.protocol && p.protocol !== 'TCP' ? `/${p.protocol}` : ''} (${c.name})`));
  const name = kname(pod.metadata, shownNs);
  let out = `Pod: ${name}\n   Pod Revision: ${revisionOf(pod)}\n`;
  out += ports.length ? `   Pod Ports: ${ports.join(', ')}\n` : '   Pod does not expose ports\n';
  const phase = pod.status?.phase ?? 'Pending';
  if (phase !== 'Running') return { text: `${out}   Pod is not Running (${phase})\n`, meshed: false };
  for (const cs of pod.status?.containerStatuses ?? []) if (!cs.ready) out += `WARNING: Pod ${name} Container ${cs.name} NOT READY\n`;
  const meshed = (pod.spec?.containers ?? []).some((c) => c.name === SIDECAR_CONTAINER);
  if (!meshed) return { text: `${out}WARNING: ${name} is not part of mesh; no Istio sidecar\n`, meshed };
  const l = pod.metadata.labels ?? {};
  if (!l['service.istio.io/canonical-name'] && !l['app.kubernetes.io/name'] && !l['app']) out += `Suggestion: add required service name label for Istio telemetry. See ${REQUIREMENTS_URL}.\n`;
  if (!l['service.istio.io/canonical-revision'] && !l['app.kubernetes.io/version'] && !l['version']) out += `Suggestion: add required service revision label for Istio telemetry. See ${REQUIREMENTS_URL}.\n`;
  return { text: out, meshed };
}

/** Kubernetes' port name conventions (and appProtocol), as Istio reads a Service port's protocol. */
export function portProtocol(p: ServicePort): string {
  if (!p.name && !p.appProtocol && p.protocol !== 'UDP') return 'auto-detect';
  if (p.protocol === 'UDP') return 'UDP';
  const known: Record<string, string> = { http: 'HTTP', http2: 'HTTP2', https: 'HTTPS', grpc: 'GRPC', 'grpc-web': 'GRPC-Web', tcp: 'TCP', tls: 'TLS', mongo: 'Mongo', redis: 'Redis', mysql: 'MySQL', h2c: 'HTTP2' };
  const app = p.appProtocol?.toLowerCase();
  if (app && known[app]) return known[app];
  const prefix = (p.name ?? '').split('-')[0]!.toLowerCase();
  return known[prefix] ?? 'UnsupportedProtocol';
}

function targetPort(pod: Pod, p: ServicePort): number | string {
  const t = p.targetPort ?? p.port;
  if (typeof t === 'number') return t;
  if (/^\d+$/.test(t)) return Number(t);
  for (const c of pod.spec?.containers ?? []) for (const cp of c.ports ?? []) if (cp.name === t) return cp.containerPort;
  return `no suitable port for manifest: ${pod.metadata.uid ?? pod.metadata.name}`;
}

function serviceText(svc: Service, pod: Pod, shownNs: string): string {
  let out = `Service: ${kname(svc.metadata, shownNs)}\n`;
  for (const p of svc.spec?.ports ?? []) {
    if ((p.protocol ?? 'TCP') !== 'TCP') continue;
    const t = targetPort(pod, p);
    out += typeof t === 'number' ? `   Port: ${p.name ?? ''} ${p.port}/${portProtocol(p)} targets pod port ${t}\n` : `   ${t}\n`;
  }
  return out;
}

/** The DestinationRule ("name.ns") of the service's outbound cluster in this proxy's configuration. */
export function destinationRuleOf(config: ProxyConfig, svc: Service, port: number): string | undefined {
  const host = serviceFqdn(svc);
  return Object.values(config.clusters).find((c) => c.kind === 'outbound' && c.service?.host === host && c.service.port === port && c.destinationRule)?.destinationRule;
}

/**
 * The VirtualService ("name.ns") of the first route that leads to the service in this proxy: in a
 * virtual host named for the service, or (at a gateway, whose hosts are the VirtualService's) one whose
 * cluster is the service's. Undefined when that route came from no VirtualService.
 */
export function virtualServiceOf(config: ProxyConfig, svc: Service, port: number): string | undefined {
  const host = serviceFqdn(svc);
  const clusterRe = new RegExp(`^outbound\\|${port}\\|[^|]*\\|${host.replace(/\./g, '\\.')}$`);
  for (const rc of Object.values(config.routes)) {
    if (rc.name !== String(port) && !rc.name.startsWith('http.') && !rc.name.startsWith('https.')) continue;
    for (const vh of rc.virtualHosts) {
      for (const r of vh.routes) {
        const cluster = r.action?.cluster ?? r.action?.weightedClusters?.[0]?.cluster ?? '';
        if (vh.domains.includes(host) || clusterRe.test(cluster)) return r.virtualService;
      }
    }
  }
  return undefined;
}

function servicesText(input: DescribeInput, svcs: Service[], podsLabels: Array<Record<string, string>>): string {
  let out = '';
  const config = input.config;
  svcs.forEach((svc, row) => {
    if (row !== 0) out += SEPARATOR;
    out += serviceText(svc, input.pod, input.namespace);
    const ports = svc.spec?.ports ?? [];
    const indent = ports.length > 1 ? 3 : 0;
    for (const p of ports) {
      if (ports.length > 1) out += `${p.port}:\n`;
      if (!config) continue;
      let dr: DestinationRule | undefined;
      const drRef = destinationRuleOf(config, svc, p.port);
      if (drRef) {
        const { name, namespace } = splitNameNs(drRef);
        dr = byName(input.destinationRules, name, namespace);
        out += dr ? destinationRuleText(indent, dr, podsLabels, input.namespace) : `WARNING: Proxy is stale; it references to non-existent destination rule ${drRef}\n`;
      }
      const { matching, nonmatching } = subsetsFor(dr, podsLabels);
      const vsRef = virtualServiceOf(config, svc, p.port);
      if (vsRef) {
        const { name, namespace } = splitNameNs(vsRef);
        const vs = byName(input.virtualServices, name, namespace);
        out += vs ? virtualServiceText(indent, vs, svc, matching, nonmatching, dr, input.namespace) : `WARNING: Proxy is stale; it references to non-existent virtual service ${vsRef}\n`;
      }
    }
  });
  return out;
}

const MODES = ['PERMISSIVE', 'STRICT', 'DISABLE'];

/** Istio's composition: the mesh-wide policy, overridden by the namespace's, then by the workload's (UNSET inherits). */
function peerAuthenticationText(input: DescribeInput): string {
  const podNs = input.pod.metadata.namespace ?? 'default';
  const labels = input.pod.metadata.labels ?? {};
  const inScope = input.peerAuthentications.filter((pa) => {
    const ns = pa.metadata.namespace ?? 'default';
    return ns === input.rootNamespace || ns === podNs;
  });
  const ordered = [...inScope.filter((pa) => pa.metadata.namespace === input.rootNamespace), ...inScope.filter((pa) => pa.metadata.namespace !== input.rootNamespace)];
  const matched = ordered.filter((pa) => selects(pa.spec?.selector?.matchLabels, labels));
  const oldest = (xs: PeerAuthentication[]): PeerAuthentication | undefined =>
    [...xs].sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || a.metadata.name.localeCompare(b.metadata.name))[0];
  const hasSelector = (pa: PeerAuthentication): boolean => Object.keys(pa.spec?.selector?.matchLabels ?? {}).length > 0;
  const mesh = oldest(matched.filter((pa) => pa.metadata.namespace === input.rootNamespace && !hasSelector(pa)));
  const namespace = podNs === input.rootNamespace ? undefined : oldest(matched.filter((pa) => pa.metadata.namespace === podNs && !hasSelector(pa)));
  const workload = oldest(matched.filter((pa) => pa.metadata.namespace === podNs && hasSelector(pa)));
  let mode = 'PERMISSIVE';
  for (const pa of [mesh, namespace, workload]) {
    const m = pa?.spec?.mtls?.mode?.toUpperCase();
    if (m && MODES.includes(m)) mode = m;
  }
  let out = `Effective PeerAuthentication:\n   Workload mTLS mode: ${mode}\n`;
  const perPort = Object.entries(workload?.spec?.portLevelMtls ?? {}).filter(([, v]) => v.mode && MODES.includes(v.mode.toUpperCase()));
  if (perPort.length) {
    out += '   Port Level mTLS mode:\n';
    for (const [port, v] of perPort) out += `      ${port}: ${v.mode!.toUpperCase()}\n`;
  }
  if (matched.length) out += `Applied PeerAuthentication:\n   ${matched.map((pa) => `${pa.metadata.name}.${pa.metadata.namespace ?? 'default'}`).join(', ')}\n`;
  return out;
}

interface FoundIngress {
  service: Service;
  pods: Pod[];
}

function ingressIp(i: FoundIngress): string {
  const lb = i.service.status?.loadBalancer?.ingress?.[0]?.ip;
  if (lb) return lb;
  return i.pods[0]?.status?.hostIP ?? 'unknown';
}

function exposedText(i: FoundIngress): string {
  let out = '';
  for (const p of i.service.spec?.ports ?? []) {
    if ((p.protocol ?? 'TCP') !== 'TCP' || (p.name !== 'http2' && p.name !== 'http')) continue;
    const scheme = 'http';
    out += `Exposed on Ingress Gateway ${scheme}://${ingressIp(i)}${p.port === 80 ? '' : `:${p.port}`}\n`;
  }
  return out;
}

function ingressText(input: DescribeInput, svcs: Service[], podsLabels: Array<Record<string, string>>): string {
  if (input.ingressPods.length === 0) return 'Skipping Gateway information (no ingress gateway pods)\n';
  let out = '';
  const found: FoundIngress[] = [];
  for (const s of input.ingressServices) {
    const pods = input.ingressPods.map((p) => p.pod).filter((p) => p.metadata.namespace === s.metadata.namespace && selects(s.spec?.selector, p.metadata.labels));
    if (pods.length) found.push({ service: s, pods });
  }
  if (found.length === 0) out += 'Skipping Gateway information (no ingress gateway service)\n';
  const seenGateways = new Set<string>();
  for (const { config } of input.ingressPods) {
    if (!config) continue;
    for (const svc of svcs) {
      for (const p of svc.spec?.ports ?? []) {
        const drRef = destinationRuleOf(config, svc, p.port);
        const dr = drRef ? byName(input.destinationRules, splitNameNs(drRef).name, splitNameNs(drRef).namespace) : undefined;
        const { matching, nonmatching } = subsetsFor(dr, podsLabels);
        const vsRef = virtualServiceOf(config, svc, p.port);
        if (!vsRef) continue;
        const { name: vsName, namespace: vsNs } = splitNameNs(vsRef);
        const vs = byName(input.virtualServices, vsName, vsNs);
        if (!vs) {
          out += `WARNING: Proxy is stale; it references to non-existent virtual service ${vsRef}\n`;
          continue;
        }
        for (const g of vs.spec?.gateways ?? []) {
          if (g === '' || g === 'mesh') continue;
          const slash = g.indexOf('/');
          const gns = slash < 0 ? vsNs : g.slice(0, slash);
          const gname = slash < 0 ? g : g.slice(slash + 1);
          const id = `${gns}/${gname}`;
          if (seenGateways.has(id)) continue;
          const gw = byName(input.gateways, gname, gns);
          if (!gw) {
            out += `WARNING: Proxy is stale; it references to non-existent gateway ${id}\n`;
            continue;
          }
          seenGateways.add(id);
          const matches = found.filter((i) => i.pods.some((pod) => selects(gw.spec?.selector, pod.metadata.labels))).sort((a, b) => ingressIp(a).localeCompare(ingressIp(b)));
          if (matches.length === 0) continue;
          out += SEPARATOR;
          for (const i of matches) out += exposedText(i);
          out += virtualServiceText(0, vs, svc, matching, nonmatching, dr, input.namespace);
        }
      }
    }
  }
  return out;
}

export function describePodText(input: DescribeInput): string {
  const { pod } = input;
  const head = podText(pod, input.namespace);
  let out = head.text;
  if (!head.meshed) return out;
  const labels = pod.metadata.labels ?? {};
  const svcs = input.services.filter((s) => Object.keys(s.spec?.selector ?? {}).length > 0 && selects(s.spec?.selector, labels));
  if (svcs.length === 0) out += `Warning: No Kubernetes Services select pod ${kname(pod.metadata, input.namespace)} (see https://istio.io/docs/setup/kubernetes/additional-setup/requirements/ )\n`;
  const podsLabels = [labels];
  out += SEPARATOR;
  out += servicesText(input, svcs, podsLabels);
  out += SEPARATOR;
  out += peerAuthenticationText(input);
  out += ingressText(input, svcs, podsLabels);
  return out;
}

