// ServiceEntry: adds a service (external API, VM service) to Istio's registry.

import { isIP } from 'node:net';
import { z } from 'zod';
import type { CheckFinding, KindInfo } from '../kind-info.js';
import {
  fqdnProblem,
  ipSubnetProblem,
  isHttpProtocol,
  isTcpProtocol,
  isTlsProtocol,
  networkingWorkloadSelector,
  parsedSpec,
  partialWildcardProblem,
  portNameProblem,
  portProblem,
  Problems,
  protocolProblem,
  serviceEntryExportTo,
  stringList,
  uint32,
  wildcardDomainProblem,
} from './common.js';
import { checkEndpointPorts, checkWorkloadEntry, workloadEntryShape, type WorkloadEntrySpec } from './workload-entry.js';

// Names, numbers and protocols are checked by the rules below, in Istio's words.
export const serviceEntryPort = z.strictObject({
  number: uint32,
  protocol: z.string().optional(),
  name: z.string().max(256),
  targetPort: uint32.optional(),
});

export const serviceEntrySpec = z.strictObject({
  hosts: z.array(z.string()).max(256),
  addresses: z.array(z.string().max(64)).max(256).optional(),
  ports: z.array(serviceEntryPort).max(256).optional(),
  location: z.enum(['MESH_EXTERNAL', 'MESH_INTERNAL']).optional(),
  resolution: z.enum(['NONE', 'STATIC', 'DNS', 'DNS_ROUND_ROBIN', 'DYNAMIC_DNS']).optional(),
  endpoints: z.array(z.strictObject(workloadEntryShape)).max(4096).optional(),
  workloadSelector: networkingWorkloadSelector.optional(),
  exportTo: serviceEntryExportTo.optional(),
  subjectAltNames: stringList.optional(),
});
export type ServiceEntrySpec = z.infer<typeof serviceEntrySpec>;
export type ServiceEntryEndpoint = WorkloadEntrySpec;

const autoAllocateAnnotation = 'networking.istio.io/enable-autoallocate-ip';

/** Istio's ValidateServiceEntry, rule by rule. */
function check(obj: { metadata: { annotations?: Record<string, string> }; spec?: unknown }): CheckFinding[] {
  const spec = parsedSpec(serviceEntrySpec, obj.spec);
  if (!spec) return [];
  const out = new Problems();
  const resolution = spec.resolution ?? 'NONE';
  const sel = spec.workloadSelector;
  if (sel && Object.keys(sel.labels ?? {}).length === 0) {
    out.warn('spec.workloadSelector', 'service entry: workload selector specified without labels, will be applied to all services in namespace');
  }
  if (sel && spec.endpoints) out.add('spec', 'only one of WorkloadSelector or Endpoints is allowed in Service Entry');
  if (spec.hosts.length === 0) out.add('spec.hosts', 'service entry must have at least one host');
  spec.hosts.forEach((h, i) => {
    if (h === '*') {
      out.add(`spec.hosts[${i}]`, `invalid host ${h}`);
      return;
    }
    const bad = wildcardDomainProblem(h);
    if (bad) out.add(`spec.hosts[${i}]`, bad);
    const partial = partialWildcardProblem(h);
    if (partial) out.warn(`spec.hosts[${i}]`, partial);
  });
  let cidr = false;
  spec.addresses?.forEach((a, i) => {
    cidr ||= a.includes('/');
    const bad = ipSubnetProblem(a);
    if (bad) out.add(`spec.addresses[${i}]`, bad);
  });
  if (cidr && resolution !== 'NONE' && resolution !== 'STATIC') out.add('spec.addresses', 'CIDR addresses are allowed only for NONE/STATIC resolution types');

  const autoAllocate = obj.metadata.annotations?.[autoAllocateAnnotation] !== 'false';
  const numbers = new Set<number>();
  const names = new Set<string>();
  spec.ports?.forEach((p, i) => {
    const at = `spec.ports[${i}]`;
    if (names.has(p.name)) out.add(`${at}.name`, `service entry port name ${JSON.stringify(p.name)} already defined`);
    if (numbers.has(p.number)) out.add(`${at}.number`, `service entry port ${p.number} already defined`);
    names.add(p.name);
    numbers.add(p.number);
    if (p.targetPort) {
      const bad = portProblem(p.targetPort);
      if (bad) out.add(`${at}.targetPort`, bad);
      if (resolution === 'NONE') out.warn(`${at}.targetPort`, 'targetPort has no effect when resolution mode is NONE');
    }
    if (!spec.addresses?.length && !autoAllocate && (!p.protocol || p.protocol === 'TCP')) {
      out.warn(at, 'addresses are required for ports serving TCP (or unset) protocol when ISTIO_META_DNS_AUTO_ALLOCATE is not set on a proxy');
    }
    for (const [field, bad] of [['name', portNameProblem(p.name)], ['protocol', protocolProblem(p.protocol)], ['number', portProblem(p.number)]] as const) {
      if (bad) out.add(`${at}.${field}`, bad);
    }
  });

  switch (resolution) {
    case 'NONE':
      if (spec.endpoints?.length) out.add('spec.endpoints', 'no endpoints should be provided for resolution type none');
      if (sel) out.warn('spec.workloadSelector', 'workloadSelector should not be set when resolution mode is NONE');
      break;
    case 'STATIC':
      spec.endpoints?.forEach((e, i) => checkWorkloadEntry(e, `spec.endpoints[${i}]`, out, names, false));
      break;
    case 'DNS':
    case 'DNS_ROUND_ROBIN':
      if (!spec.endpoints?.length) {
        spec.hosts.forEach((h, i) => {
          if (fqdnProblem(h)) out.add(`spec.hosts[${i}]`, `hosts must be FQDN if no endpoints are provided for resolution mode ${resolution}`);
        });
      }
      if (resolution === 'DNS_ROUND_ROBIN' && (spec.endpoints?.length ?? 0) > 1) {
        out.add('spec.endpoints', `there must only be 0 or 1 endpoint for resolution mode ${resolution}`);
      }
      spec.endpoints?.forEach((e, i) => {
        const addr = e.address ?? '';
        if (!isIP(addr) && fqdnProblem(addr)) out.add(`spec.endpoints[${i}].address`, `endpoint address ${JSON.stringify(addr)} is not a valid FQDN or an IP address`);
        checkEndpointPorts(e, `spec.endpoints[${i}]`, out, names);
      });
      if (sel) out.warn('spec.workloadSelector', `workloadSelector should not be set when resolution mode is ${resolution}`);
      if (spec.addresses?.length && spec.hosts.length > 1 && spec.ports?.some((p) => isTcpProtocol(p.protocol))) {
        out.warn('spec.hosts', 'service entry can not have more than one host specified simultaneously with address and tcp port');
      }
      break;
    default:
      // DYNAMIC_DNS: resolved per request; Istio has no further rules for it
      break;
  }
  // plain TCP cannot tell several hosts apart unless the hosts are ignored (NONE)
  if (resolution !== 'NONE' && spec.hosts.length > 1 && spec.ports?.some((p) => !isHttpProtocol(p.protocol) && !isTlsProtocol(p.protocol))) {
    out.add('spec.ports', 'multiple hosts provided with non-HTTP, non-TLS ports');
  }
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
