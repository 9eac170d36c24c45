// Endpoint choice. Least request is Istio's default: two random endpoints, the one with fewer
// requests in flight wins (Envoy's power-of-two-choices).

import type { Endpoint, LoadBalancerPolicy } from '../../xds/proxy-config.js';

export interface HostState {
  endpoint: Endpoint;
  key: string;
  active: number;
}

export interface LoadBalancer {
  /** `hashKey`: for consistent hashing, what the request hashes on (absent: any endpoint). */
  pick(hosts: HostState[], hashKey?: string): HostState | undefined;
}

/** FNV-1a, 32 bits: cheap and well spread for short keys. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export function makeLoadBalancer(policy: LoadBalancerPolicy, random: () => number = Math.random): LoadBalancer {
  let rr = Math.floor(random() * 1024);
  switch (policy) {
    case 'ROUND_ROBIN':
    case 'PASSTHROUGH':
      return { pick: (h) => (h.length ? h[rr++ % h.length] : undefined) };
    case 'RANDOM':
      return { pick: (h) => (h.length ? h[Math.floor(random() * h.length)] : undefined) };
    case 'RING_HASH':
      // Rendezvous hashing: the same key keeps its endpoint, and only keys of a removed endpoint move,
      // which is what consistent hashing promises (Envoy uses a ring for the same effect).
      return {
        pick(h, key) {
          if (h.length <= 1) return h[0];
          if (key === undefined) return h[Math.floor(random() * h.length)];
          let best = h[0]!;
          let bestScore = -1;
          for (const host of h) {
            const score = fnv1a(`${key}|${host.key}`);
            if (score > bestScore) {
              best = host;
              bestScore = score;
            }
          }
          return best;
        },
      };
    case 'LEAST_REQUEST':
      return {
        pick(h) {
          if (h.length <= 1) return h[0];
          const a = h[Math.floor(random() * h.length)]!;
          let b = h[Math.floor(random() * h.length)]!;
          if (b === a) b = h[(h.indexOf(a) + 1) % h.length]!;
          return a.active <= b.active ? a : b;
        },
      };
  }
}
