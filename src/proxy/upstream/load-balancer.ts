// Endpoint choice. Least request is Istio's default: two random endpoints, the one with fewer
// requests in flight wins (Envoy's power-of-two-choices).

import type { Endpoint, LoadBalancerPolicy } from '../../xds/proxy-config.js';

export interface HostState {
  endpoint: Endpoint;
  key: string;
  active: number;
}

export interface LoadBalancer {
  pick(hosts: HostState[]): HostState | undefined;
}

export function makeLoadBalancer(policy: LoadBalancerPolicy, random: () => number = Math.random): LoadBalancer {
  let rr = Math.floor(random() * 1024);
  switch (policy) {
    case 'ROUND_ROBIN':
    case 'PASSTHROUGH':
      return { pick: (h) => (h.length ? h[rr++ % h.length] : undefined) };
    case 'RANDOM':
      return { pick: (h) => (h.length ? h[Math.floor(random() * h.length)] : undefined) };
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
