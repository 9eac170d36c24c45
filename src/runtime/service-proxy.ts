// The part of kube-proxy and a cloud load balancer that reaches a service from outside the mesh.
// NodePort and LoadBalancer services listen on the node's address at each port's node port, so
// `$INGRESS_HOST:$INGRESS_PORT` (hostIP and nodePort) works. A LoadBalancer service also gets an
// address of the runtime's block with a listener per service port. Ports below 1024 need privileges;
// without them the load balancer listens on the node port instead, and the service's ingress address
// says so ("IP:PORT"), so `curl $(weft get svc ... -o jsonpath=...)` works either way.

import { createServer, connect, type Server, type Socket } from 'node:net';
import type { ServiceSpec } from '../config/k8s/service.js';
import type { Resource } from '../config/resource.js';
import { listenOn, nodeAddress, type AddressAllocator } from './addresses.js';
import type { EndpointSubset } from './controllers/endpoints-controller.js';
import type { Store } from './store/store.js';

type ServicePort = NonNullable<ServiceSpec['ports']>[number];

interface Bound {
  /** The load-balancer address, for LoadBalancer services. */
  lbIP: string | undefined;
  /** Listeners by "host:port", each forwarding to the endpoints of one service port. */
  servers: Map<string, Server>;
}

export class ServiceProxy {
  private readonly bound = new Map<string, Bound>();
  private readonly nodeIP: string;
  private cursor = 0;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(private readonly store: Store, private readonly addresses: AddressAllocator, private readonly log: (m: string) => void) {
    this.nodeIP = nodeAddress(addresses.block);
    for (const s of store.list({ kind: 'Service' })) {
      const ip = lbAddress(s);
      if (ip) addresses.markUsed(ip.split(':')[0]!);
    }
  }

  /** Brings the listeners in line with the services; calls made while one runs are folded into one more. */
  sync(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.syncOnce();
      } while (this.again);
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  private async syncOnce(): Promise<void> {
    const wanted = new Set<string>();
    for (const svc of this.store.list({ kind: 'Service' }) as Array<Resource<ServiceSpec>>) {
      const type = svc.spec?.type;
      if (type !== 'LoadBalancer' && type !== 'NodePort') continue;
      const key = `${svc.metadata.namespace}/${svc.metadata.name}`;
      wanted.add(key);
      let b = this.bound.get(key);
      if (!b) this.bound.set(key, (b = { lbIP: undefined, servers: new Map() }));
      if (type === 'LoadBalancer' && !b.lbIP) b.lbIP = lbAddress(svc)?.split(':')[0] ?? this.addresses.allocate('loadBalancer');
      if (type !== 'LoadBalancer' && b.lbIP) {
        this.addresses.release(b.lbIP);
        b.lbIP = undefined;
      }
      const live = new Set<string>();
      let ingressPort: number | undefined;
      const ports = svc.spec!.ports ?? [];
      const http = ports.find((p) => p.port === 80) ?? ports[0];
      for (const p of ports) {
        if (p.nodePort) live.add(await this.serve(b, key, svc, p, this.nodeIP, p.nodePort));
        if (!b.lbIP) continue;
        let at = await this.serve(b, key, svc, p, b.lbIP, p.port, true);
        // Without the privilege for a low port, the load balancer answers on the node port.
        if (!b.servers.has(at) && p.nodePort) at = await this.serve(b, key, svc, p, b.lbIP, p.nodePort);
        live.add(at);
        if (p === http && b.servers.has(at)) ingressPort = Number(at.slice(at.lastIndexOf(':') + 1));
      }
      for (const [at, server] of b.servers) {
        if (live.has(at)) continue;
        server.close();
        b.servers.delete(at);
      }
      const status = b.lbIP
        ? { loadBalancer: { ingress: [{ ip: ingressPort !== undefined && http && ingressPort !== http.port ? `${b.lbIP}:${ingressPort}` : b.lbIP }] } }
        : { loadBalancer: {} };
      this.store.setStatus('Service', svc.metadata.namespace, svc.metadata.name, status);
    }
    for (const [key, b] of this.bound) {
      if (wanted.has(key)) continue;
      for (const server of b.servers.values()) server.close();
      if (b.lbIP) this.addresses.release(b.lbIP);
      this.bound.delete(key);
    }
  }

  /** Listens on host:port for one service port unless already listening; returns "host:port". */
  private async serve(b: Bound, key: string, svc: Resource<ServiceSpec>, p: ServicePort, host: string, port: number, quietOnEacces = false): Promise<string> {
    const at = `${host}:${port}`;
    if (b.servers.has(at)) return at;
    // Half-open both ways: a client that finishes sending (nc's EOF) still gets the answer.
    const server = createServer({ allowHalfOpen: true }, (sock) => this.forward(svc.metadata.namespace!, svc.metadata.name, p.name, sock));
    try {
      await listenOn(server, host, port);
      b.servers.set(at, server);
    } catch (err) {
      if (!(quietOnEacces && (err as NodeJS.ErrnoException).code === 'EACCES' && p.nodePort)) this.log(`service ${key}: cannot listen on ${at}: ${(err as Error).message}`);
    }
    return at;
  }

  private forward(ns: string, name: string, portName: string | undefined, sock: Socket): void {
    const ep = this.store.get('Endpoints', ns, name);
    const subsets = (ep?.subsets as EndpointSubset[] | undefined) ?? [];
    const targets: Array<{ ip: string; port: number }> = [];
    for (const s of subsets) {
      const p = s.ports.find((x) => (portName ? x.name === portName : true));
      if (!p) continue;
      for (const a of s.addresses ?? []) targets.push({ ip: a.ip, port: p.port });
    }
    const t = targets[this.cursor++ % Math.max(targets.length, 1)];
    if (!t) {
      sock.destroy();
      return;
    }
    const up = connect({ host: t.ip, port: t.port, allowHalfOpen: true });
    sock.pipe(up);
    up.pipe(sock);
    up.on('error', () => sock.destroy());
    sock.on('error', () => up.destroy());
  }

  close(): void {
    for (const b of this.bound.values()) for (const server of b.servers.values()) server.close();
    this.bound.clear();
  }
}

function lbAddress(s: Resource): string | undefined {
  return (s.status as { loadBalancer?: { ingress?: Array<{ ip?: string }> } } | undefined)?.loadBalancer?.ingress?.[0]?.ip;
}
