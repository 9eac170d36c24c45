// Loopback address plan. A runtime owns one 127.X.0.0/16 block, claimed by binding its API there,
// so several runtimes on one machine (a user's, each test's) never hand out the same address.
//
//   127.X.0.1          the runtime's API, and the node's address (pods' hostIP, where node ports listen)
//   127.X.0.2-254      load-balancer addresses (LoadBalancer services)
//   127.X.1-63.*       service cluster IPs
//   127.X.64-127.*     pod IPs
//   127.X.128-191.*    each pod's own "localhost" (pod IP + 64 in the third octet)

import type { Server } from 'node:net';

export const API_PORT = 15980;

export interface AddressPlan {
  block: number;
  api: string;
}

export function planFor(block: number): AddressPlan {
  return { block, api: nodeAddress(block) };
}

/** The one node's address: the runtime is the node. */
export function nodeAddress(block: number): string {
  return `127.${block}.0.1`;
}

/** Tries blocks (the preferred one first, then random ones) until the API port binds. */
export async function claimBlock(preferred: number | undefined, listen: (host: string) => Promise<void>): Promise<number> {
  const tried = new Set<number>();
  const candidates: number[] = [];
  if (preferred !== undefined) candidates.push(preferred);
  while (candidates.length < 40) {
    const b = 16 + Math.floor(Math.random() * 230);
    if (!candidates.includes(b)) candidates.push(b);
  }
  let lastError: unknown;
  for (const block of candidates) {
    if (tried.has(block)) continue;
    tried.add(block);
    try {
      await listen(planFor(block).api);
      return block;
    } catch (err) {
      lastError = err;
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
  throw new Error(`no free loopback block for the runtime: ${String(lastError)}`);
}

export function listenOn(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

type Range = { first: number; last: number };
const ranges = {
  loadBalancer: { first: 2, last: 254 },
  service: { first: 1 * 256 + 1, last: 63 * 256 + 254 },
  pod: { first: 64 * 256 + 1, last: 127 * 256 + 254 },
} satisfies Record<string, Range>;

export type AddressKind = keyof typeof ranges;

/** Hands out addresses of one kind within the block, skipping those in use. */
export class AddressAllocator {
  private readonly used = new Set<string>();
  private next: Record<AddressKind, number> = { loadBalancer: ranges.loadBalancer.first, service: ranges.service.first, pod: ranges.pod.first };

  constructor(readonly block: number) {}

  markUsed(ip: string): void {
    this.used.add(ip);
  }

  release(ip: string): void {
    this.used.delete(ip);
  }

  allocate(kind: AddressKind): string {
    const r = ranges[kind];
    const span = r.last - r.first + 1;
    for (let i = 0; i < span; i++) {
      const n = r.first + ((this.next[kind] - r.first + i) % span);
      if (n % 256 === 0 || n % 256 === 255) continue;
      const ip = `127.${this.block}.${Math.floor(n / 256)}.${n % 256}`;
      if (this.used.has(ip)) continue;
      this.used.add(ip);
      this.next[kind] = n + 1;
      return ip;
    }
    throw new Error(`no ${kind} address left in 127.${this.block}.0.0/16`);
  }
}

/** A pod's own loopback ("localhost") address, paired with its pod IP. */
export function podLoopbackFor(podIP: string): string {
  const parts = podIP.split('.').map(Number);
  return `${parts[0]}.${parts[1]}.${parts[2]! + 64}.${parts[3]}`;
}
