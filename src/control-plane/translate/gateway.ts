// Gateway configuration: listeners from the Gateway resources that select this gateway's pod, and
// routes from the VirtualServices bound to those Gateways.

import type { GatewaySpec } from '../../config/istio/gateway.js';
import type { VirtualServiceSpec } from '../../config/istio/virtual-service.js';
import type { Resource } from '../../config/resource.js';
import type { GatewayListener, Route, RouteConfig } from '../../xds/proxy-config.js';
import { outboundClusterName } from '../../xds/proxy-config.js';
import { labelsMatch, type PodModel, type Snapshot } from '../model/snapshot.js';
import { portProtocol } from '../model/protocol.js';

/** Resolves a VirtualService destination host (short names are relative to the VirtualService's namespace). */
export function resolveHost(host: string, namespace: string, snapshot: Snapshot): string {
  if (host.includes('.')) {
    const hit = snapshot.services.find((s) => s.host === host || `${s.name}.${s.namespace}` === host || `${s.name}.${s.namespace}.svc` === host);
    return hit?.host ?? host;
  }
  return `${host}.${namespace}.svc.cluster.local`;
}

function hostMatches(pattern: string, host: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1));
  return pattern === host;
}

export function buildGateway(pod: PodModel, snapshot: Snapshot): { gateway: GatewayListener[]; routes: Record<string, RouteConfig> } {
  const gateways = (snapshot.config.get('Gateway') ?? []) as Array<Resource<GatewaySpec>>;
  const services = snapshot.services.filter((s) => s.namespace === pod.namespace && labelsMatch(s.selector, pod.labels));
  const listeners = new Map<number, GatewayListener>();
  const routes: Record<string, RouteConfig> = {};
  const vss = (snapshot.config.get('VirtualService') ?? []) as Array<Resource<VirtualServiceSpec>>;
  for (const gw of gateways) {
    if (!gw.spec?.selector || !labelsMatch(gw.spec.selector, pod.labels)) continue;
    const gwNs = gw.metadata.namespace!;
    for (const server of gw.spec.servers ?? []) {
      const number = server.port.number;
      const svcPort = services.flatMap((s) => s.targetPorts).find((tp) => tp.port === number);
      const port = svcPort && typeof svcPort.targetPort === 'number' ? svcPort.targetPort : number;
      const protocol = portProtocol(server.port.protocol.toLowerCase());
      const routeName = `http.${port}`;
      if (!listeners.has(port)) listeners.set(port, { port, protocol, route: routeName });
      const rc = (routes[routeName] ??= { name: routeName, virtualHosts: [] });
      const serverHosts = server.hosts.map((h) => (h.includes('/') ? h.slice(h.indexOf('/') + 1) : h));
      for (const vs of vss) {
        const spec = vs.spec!;
        const vsNs = vs.metadata.namespace!;
        const bound = (spec.gateways ?? []).some((g) => g === `${gwNs}/${gw.metadata.name}` || (g === gw.metadata.name && vsNs === gwNs));
        if (!bound) continue;
        const domains = (spec.hosts ?? []).filter((h) => serverHosts.some((sh) => hostMatches(sh, h) || hostMatches(h, sh)));
        if (domains.length === 0) continue;
        const vsRoutes: Route[] = [];
        (spec.http ?? []).forEach((h, i) => {
          const dest = h.route?.[0]?.destination;
          if (!dest) return;
          const host = resolveHost(dest.host, vsNs, snapshot);
          const svc = snapshot.services.find((s) => s.host === host);
          const destPort = dest.port?.number ?? (svc?.ports.length === 1 ? svc.ports[0]!.port : undefined);
          if (destPort === undefined) return;
          const matches = h.match?.length ? h.match : [{}];
          for (const m of matches) {
            const uri = (m as { uri?: { prefix?: string; exact?: string } }).uri;
            vsRoutes.push({
              name: h.name ?? `${vs.metadata.name}.${vsNs}.${i}`,
              match: { prefix: uri?.prefix ?? uri?.exact ?? '/' },
              action: { cluster: outboundClusterName(destPort, '', host) },
              decorator: `${host}:${destPort}${uri?.prefix ?? '/*'}`,
            });
          }
        });
        rc.virtualHosts.push({ name: `${domains.join(',')}:${number}`, domains: domains.flatMap((d) => [d, `${d}:${number}`]), routes: vsRoutes });
      }
    }
  }
  return { gateway: [...listeners.values()], routes };
}
