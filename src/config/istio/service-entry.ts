// ServiceEntry: adds a service (external API, VM service) to Istio's registry.

import { z } from 'zod';
import type { CheckFinding, KindInfo } from '../kind-info.js';
import { exportTo, isIpOrCidr, networkingWorkloadSelector, parsedSpec, portNumber, Problems, protocolName, stringList } from './common.js';
import { checkEndpoint, workloadEntryShape, type WorkloadEntrySpec } from './workload-entry.js';

export const serviceEntryPort = z.strictObject({
  number: portNumber,
  protocol: protocolName.optional(),
  name: z.string().min(1, 'port name is required').max(256),
  targetPort: portNumber.optional(),
});

export const serviceEntrySpec = z.strictObject({
  hosts: z
    .array(z.string().refine((h) => h !== '*', 'hostname cannot be wildcard'))
    .min(1, 'service entry must have at least one host')
    .max(256),
  addresses: z.array(z.string().max(64)).max(256).optional(),
  ports: z.array(serviceEntryPort).max(256).optional(),
  location: z.enum(['MESH_EXTERNAL', 'MESH_INTERNAL']).optional(),
  resolution: z.enum(['NONE', 'STATIC', 'DNS', 'DNS_ROUND_ROBIN', 'DYNAMIC_DNS']).optional(),
  endpoints: z.array(z.strictObject(workloadEntryShape)).max(4096).optional(),
  workloadSelector: networkingWorkloadSelector.optional(),
  exportTo: exportTo.optional(),
  subjectAltNames: stringList.optional(),
});
export type ServiceEntrySpec = z.infer<typeof serviceEntrySpec>;
export type ServiceEntryEndpoint = WorkloadEntrySpec;

function check(obj: { spec?: unknown }): CheckFinding[] {
  const spec = parsedSpec(serviceEntrySpec, obj.spec);
  if (!spec) return [];
  const out = new Problems();
  const resolution = spec.resolution ?? 'NONE';
  if (spec.workloadSelector && spec.endpoints) out.add('spec', 'only one of WorkloadSelector or Endpoints can be set');
  spec.addresses?.forEach((a, i) => {
    if (!isIpOrCidr(a)) out.add(`spec.addresses[${i}]`, `${a} is not a valid IP address or CIDR block`);
    else if (a.includes('/') && resolution !== 'NONE' && resolution !== 'STATIC') {
      out.add(`spec.addresses[${i}]`, 'CIDR addresses are allowed only for NONE/STATIC resolution types');
    }
  });
  if (resolution === 'NONE' && spec.endpoints) out.add('spec.endpoints', 'NONE mode cannot set endpoints');
  if (resolution === 'DNS_ROUND_ROBIN' && (spec.endpoints?.length ?? 0) > 1) out.add('spec.endpoints', 'DNS_ROUND_ROBIN mode cannot have multiple endpoints');
  if ((resolution === 'DNS' || resolution === 'DNS_ROUND_ROBIN') && !spec.endpoints?.length) {
    spec.hosts.forEach((h, i) => {
      if (h.includes('*')) out.add(`spec.hosts[${i}]`, `hosts must be FQDN if no endpoints are provided for resolution mode ${resolution}`);
    });
  }
  const numbers = new Set<number>();
  const names = new Set<string>();
  spec.ports?.forEach((p, i) => {
    if (numbers.has(p.number)) out.add(`spec.ports[${i}].number`, `service entry port ${p.number} already defined`);
    if (names.has(p.name)) out.add(`spec.ports[${i}].name`, `service entry port name "${p.name}" already defined`);
    numbers.add(p.number);
    names.add(p.name);
  });
  spec.endpoints?.forEach((e, i) => {
    checkEndpoint(e, `spec.endpoints[${i}]`, out, true);
    for (const name of Object.keys(e.ports ?? {})) {
      if (!names.has(name)) out.add(`spec.endpoints[${i}].ports.${name}`, `endpoint port ${name} is not defined by the service entry`);
    }
  });
  return out.list;
}

export const serviceEntryKind: KindInfo = {
  kind: 'ServiceEntry',
  group: 'networking.istio.io',
  versions: ['v1alpha3', 'v1beta1', 'v1'],
  plural: 'serviceentries',
  singular: 'serviceentry',
  shortNames: ['se'],
  namespaced: true,
  spec: serviceEntrySpec,
  specRequired: true,
  check,
};
