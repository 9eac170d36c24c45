// v1 Service.

import { z } from 'zod';
import type { KindInfo } from '../kind-info.js';
import { accepted, intOrString } from './common.js';

const servicePort = z.strictObject({
  name: z.string().optional(),
  port: z.number().int().min(1).max(65535),
  targetPort: intOrString.optional(),
  protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional(),
  nodePort: z.number().int().min(1).max(65535).optional(),
  appProtocol: z.string().optional(),
});
export type ServicePort = z.infer<typeof servicePort>;

export const serviceSpec = z.strictObject({
  type: z.enum(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']).optional(),
  selector: z.record(z.string(), z.string()).optional(),
  ports: z.array(servicePort).optional(),
  clusterIP: z.string().optional(),
  clusterIPs: z.array(z.string()).optional(),
  externalName: z.string().optional(),
  ...accepted([
    'sessionAffinity', 'sessionAffinityConfig', 'externalIPs', 'loadBalancerIP', 'loadBalancerSourceRanges',
    'externalTrafficPolicy', 'internalTrafficPolicy', 'healthCheckNodePort', 'publishNotReadyAddresses',
    'ipFamilies', 'ipFamilyPolicy', 'allocateLoadBalancerNodePorts', 'loadBalancerClass', 'trafficDistribution',
  ]),
});
export type ServiceSpec = z.infer<typeof serviceSpec>;

export const service: KindInfo = {
  kind: 'Service',
  group: '',
  versions: ['v1'],
  plural: 'services',
  singular: 'service',
  shortNames: ['svc'],
  namespaced: true,
  spec: serviceSpec,
  specRequired: true,
  nameIsLabel: true,
  check: (o) => {
    const spec = o.spec as ServiceSpec;
    const out: Array<[string, string]> = [];
    const ports = spec.ports ?? [];
    if (spec.type !== 'ExternalName' && ports.length === 0) out.push(['spec.ports', 'at least one port is required']);
    if (ports.length > 1) {
      ports.forEach((p, i) => {
        if (!p.name) out.push([`spec.ports[${i}].name`, 'a name is required when a service has more than one port']);
      });
    }
    const seen = new Set<string>();
    ports.forEach((p, i) => {
      const key = `${p.port}/${p.protocol ?? 'TCP'}`;
      if (seen.has(key)) out.push([`spec.ports[${i}]`, `duplicate port ${key}`]);
      seen.add(key);
    });
    return out;
  },
};
