// The Sidecar resource that applies to a proxy (its workloadSelector matches, else the namespace's
// selector-less one), and what it sets: the outbound traffic policy and explicit egress listeners
// (`bind` + `captureMode: NONE`), where an application connects to the sidecar on purpose.

import type { SidecarSpec } from '../../config/istio/sidecar.js';
import type { Resource } from '../../config/resource.js';
import type { EgressListener, RouteConfig } from '../../xds/proxy-config.js';
import { labelsMatch, type PodModel, type Snapshot } from '../model/snapshot.js';
import { portProtocol } from '../model/protocol.js';

export function sidecarFor(pod: PodModel, snapshot: Snapshot): Resource<SidecarSpec> | undefined {
  const inNs = ((snapshot.config.get('Sidecar') ?? []) as Array<Resource<SidecarSpec>>).filter((s) => s.metadata.namespace === pod.namespace);
  return inNs.find((s) => s.spec?.workloadSelector && labelsMatch(s.spec.workloadSelector.labels, pod.labels)) ?? inNs.find((s) => !s.spec?.workloadSelector);
}

/** Whether a virtual host (named "HOST:PORT") is visible under Sidecar egress hosts like "./*", "*\/*", "ns/host". */
function visible(vhName: string, hosts: string[], fromNs: string): boolean {
  const host = vhName.slice(0, vhName.lastIndexOf(':'));
  const ns = host.split('.')[1] ?? '';
  return hosts.some((h) => {
    const [hns, hname] = [h.slice(0, h.indexOf('/')), h.slice(h.indexOf('/') + 1)];
    const nsOk = hns === '*' || (hns === '.' ? ns === fromNs : hns === ns);
    const nameOk = hname === '*' || hname === host || (hname.startsWith('*.') && host.endsWith(hname.slice(1)));
    return hns !== '~' && nsOk && nameOk;
  });
}

export function egressListeners(sidecar: Resource<SidecarSpec> | undefined, pod: PodModel, routes: Record<string, RouteConfig>): { listeners: EgressListener[]; routes: Record<string, RouteConfig> } {
  const listeners: EgressListener[] = [];
  const extra: Record<string, RouteConfig> = {};
  for (const e of sidecar?.spec?.egress ?? []) {
    if (!e.port?.number || e.captureMode !== 'NONE') continue;
    const name = `egress.${e.port.number}`;
    const base = routes[String(e.port.number)];
    extra[name] = { name, virtualHosts: (base?.virtualHosts ?? []).filter((vh) => visible(vh.name, e.hosts, pod.namespace)) };
    listeners.push({ bind: e.bind ?? '127.0.0.1', port: e.port.number as number, protocol: portProtocol(e.port.protocol?.toLowerCase() ?? e.port.name), route: name });
  }
  return { listeners, routes: extra };
}
