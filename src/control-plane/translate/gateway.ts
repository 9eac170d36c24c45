// Gateway configuration: listeners from the Gateway resources that select this gateway's pod, and
// routes from the VirtualServices bound to those Gateways.

import type { GatewaySpec } from '../../config/istio/gateway.js';
import type { VirtualServiceSpec } from '../../config/istio/virtual-service.js';
import type { Resource } from '../../config/resource.js';
import type { GatewayListener, RouteConfig, VirtualHost } from '../../xds/proxy-config.js';
import { labelsMatch, type PodModel, type Snapshot } from '../model/snapshot.js';
import { portProtocol } from '../model/protocol.js';
import { exportedTo, hostsIntersect } from './hosts.js';
import { gatewayListed, httpRoutes } from './http-routes.js';
import { l4Routes } from './virtual-services.js';

export { resolveHost } from './hosts.js';

export function buildGateway(pod: PodModel, snapshot: Snapshot): { gateway: GatewayListener[]; routes: Record<string, RouteConfig> } {
  const gateways = (snapshot.config.get('Gateway') ?? []) as Array<Resource<GatewaySpec>>;
  const services = snapshot.services.filter((s) => s.namespace === pod.namespace && labelsMatch(s.selector, pod.labels));
  const listeners = new Map<number, GatewayListener>();
  const routes: Record<string, RouteConfig> = {};
  const vss = (snapshot.config.get('VirtualService') ?? []) as Array<Resource<VirtualServiceSpec>>;
  for (const gw of gateways) {
    if (!gw.spec?.selector || !labelsMatch(gw.spec.selector, pod.labels)) continue;
    const gwNs = gw.metadata.namespace!;
    const gwName = `${gwNs}/${gw.metadata.name}`;
    for (const server of gw.spec.servers ?? []) {
      const number = server.port.number;
      const svcPort = services.flatMap((s) => s.targetPorts).find((tp) => tp.port === number);
      const port = svcPort && typeof svcPort.targetPort === 'number' ? svcPort.targetPort : number;
      const protocol = portProtocol(server.port.protocol.toLowerCase());
      const routeName = `http.${port}`;
      if (!listeners.has(port)) listeners.set(port, { port, protocol, route: routeName });
      const listener = listeners.get(port)!;
      const rc = (routes[routeName] ??= { name: routeName, virtualHosts: [] });
      // "ns/host" limits a server host to VirtualServices of that namespace ("*" or "." for any or the gateway's own).
      const serverHosts = server.hosts.map((h) => {
        const slash = h.indexOf('/');
        return slash < 0 ? { ns: '*', host: h } : { ns: h.slice(0, slash) === '.' ? gwNs : h.slice(0, slash), host: h.slice(slash + 1) };
      });
      for (const vs of vss) {
        const spec = vs.spec!;
        const vsNs = vs.metadata.namespace!;
        if (!exportedTo(vs, gwNs) || !gatewayListed(spec.gateways ?? [], gwName, vsNs)) continue;
        const domains = (spec.hosts ?? []).filter((h) => serverHosts.some((sh) => (sh.ns === '*' || sh.ns === vsNs) && hostsIntersect(sh.host, h)));
        if (domains.length === 0) continue;
        if (protocol === 'tcp' || protocol === 'tls') {
          // A TCP server carries the tcp[] rules of the VirtualServices bound to it, in order.
          const l4 = spec.tcp?.length ? l4Routes(vs, { gateway: gwName, port: number, snapshot }, 'tcp') : [];
          if (l4.length) listener.l4Routes = [...(listener.l4Routes ?? []), ...l4];
          continue;
        }
        const vsRoutes = httpRoutes(vs, { gateway: gwName, port: number, snapshot });
        if (vsRoutes.length === 0) continue;
        // VirtualServices for the same hosts on one gateway add their routes to one virtual host, oldest first.
        const name = `${domains.join(',')}:${number}`;
        const existing: VirtualHost | undefined = rc.virtualHosts.find((vh) => vh.name === name);
        if (existing) existing.routes.push(...vsRoutes);
        else rc.virtualHosts.push({ name, domains: domains.flatMap((d) => [d, `${d}:${number}`]), routes: vsRoutes });
      }
    }
  }
  return { gateway: [...listeners.values()], routes };
}
