// LoadBalancer services: the part a cloud load balancer plays. Each gets an address of the runtime's
// block and a listener per port that forwards connections to the service's ready endpoints.
// Ports below 1024 need privileges; without them a port listens on its node port instead, and the
// service's ingress address says so ("IP:PORT"), so `curl $(weft get svc ... -o jsonpath=...)` works.

import { createServer, connect, type Server } from 'node:net';
import type { ServiceSpec } from '../config/k8s/service.js';
import type { Resource } from '../config/resource.js';
import type { AddressAllocator } from './addresses.js';
import type { EndpointSubset } from './controllers/endpoints-controller.js';
import type { Store } from './store/store.js';

interface Bound {
  ip: string;
  servers: Map<number, { server: Server; listenPort: number }>;
}

export class ServiceProxy {
  private readonly bound = new Map<string, Bound>();
  private cursor = 0;

  constructor(private readonly store: Store, private readonly addresses: AddressAllocator, private readonly log: (m: string) => void) {
    for (const s of store.list({ kind: 'Service' })) {
      const ip = (s.status as { loadBalancer?: { ingress?: Array<{ ip?: string }> } } | undefined)?.loadBalancer?.ingress?.[0]?.ip;
      if (ip) addresses.markUsed(ip.split(':')[0]!);
    }
  }

  async sync(): Promise<void> {
    const wanted = new Set<string>();
    for (const svc of this.store.list({ kind: 'Service' }) as Array<Resource<ServiceSpec>>) {
      if (svc.spec?.type !== 'LoadBalancer') continue;
      const key = `${svc.metadata.namespace}/${svc.metadata.name}`;
      wanted.add(key);
      let b = this.bound.get(key);
      if (!b) {
        const prev = (svc.status as { loadBalancer?: { ingress?: Array<{ ip?: string }> } } | undefined)?.loadBalancer?.ingress?.[0]?.ip;
        b = { ip: prev?.split(':')[0] ?? this.addresses.allocate('loadBalancer'), servers: new Map() };
        this.bound.set(key, b);
      }
      for (const p of svc.spec.ports ?? []) {
        if (b.servers.has(p.port)) continue;
        const server = createServer((sock) => this.forward(svc.metadata.namespace!, svc.metadata.name, p.name, sock));
        let listenPort = p.port;
        try {
          await listen(server, b.ip, p.port);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EACCES' || !p.nodePort) {
            this.log(`load balancer ${key}: cannot listen on ${b.ip}:${p.port}: ${(err as Error).message}`);
            continue;
          }
          listenPort = p.nodePort;
          await listen(server, b.ip, listenPort).catch((e: Error) => this.log(`load balancer ${key}: ${e.message}`));
        }
        b.servers.set(p.port, { server, listenPort });
      }
      const http = (svc.spec.ports ?? []).find((p) => p.port === 80) ?? svc.spec.ports?.[0];
      const lp = http ? b.servers.get(http.port)?.listenPort : undefined;
      const ip = lp !== undefined && http && lp !== http.port ? `${b.ip}:${lp}` : b.ip;
      const status = { loadBalancer: { ingress: [{ ip }] } };
      this.store.setStatus('Service', svc.metadata.namespace, svc.metadata.name, status);
    }
    for (const [key, b] of this.bound) {
      if (wanted.has(key)) continue;
      for (const { server } of b.servers.values()) server.close();
      this.addresses.release(b.ip);
      this.bound.delete(key);
    }
  }

  private forward(ns: string, name: string, portName: string | undefined, sock: import('node:net').Socket): void {
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
    const up = connect({ host: t.ip, port: t.port });
    sock.pipe(up);
    up.pipe(sock);
    up.on('error', () => sock.destroy());
    sock.on('error', () => up.destroy());
  }

  close(): void {
    for (const b of this.bound.values()) for (const { server } of b.servers.values()) server.close();
    this.bound.clear();
  }
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
