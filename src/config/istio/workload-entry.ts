// WorkloadEntry: a non-Kubernetes workload (VM, bare process) and its address, labels and ports.

import { isIP } from 'node:net';
import { z } from 'zod';
import type { CheckFinding, KindInfo } from '../kind-info.js';
import { fqdnProblem, labelMap, parsedSpec, portNameProblem, portProblem, Problems, tagProblems, uint32, unixAddressProblem } from './common.js';

// Port names, numbers and addresses are checked by validateWorkloadEntry below, in Istio's words.
export const endpointPorts = z.record(z.string(), uint32);

const address = z.string().max(256);

/** The shape shared by WorkloadEntry, ServiceEntry endpoints and WorkloadGroup templates. */
export const workloadEntryShape = {
  address: address.optional(),
  ports: endpointPorts.optional(),
  labels: labelMap.optional(),
  network: z.string().max(2048).optional(),
  locality: z.string().max(2048).optional(),
  weight: uint32.optional(),
  serviceAccount: z.string().max(253).optional(),
};

export const workloadEntrySpec = z.strictObject(workloadEntryShape);
export type WorkloadEntrySpec = z.infer<typeof workloadEntrySpec>;

/**
 * Istio's validateWorkloadEntry for an entry at `path`: a WorkloadEntry (FQDN addresses allowed),
 * or a ServiceEntry endpoint, whose port names must be the service's (`servicePorts`).
 */
export function checkWorkloadEntry(e: WorkloadEntrySpec, path: string, out: Problems, servicePorts: ReadonlySet<string> | undefined, allowFqdn: boolean): void {
  const addr = e.address ?? '';
  if (addr === '') {
    if (!e.network) {
      out.add(`${path}.address`, 'address is required');
      return;
    }
    out.warn(`${path}.address`, `address is unset with network ${JSON.stringify(e.network)}`);
  }
  const unix = addr.startsWith('unix://');
  if (unix) {
    const bad = unixAddressProblem(addr.slice('unix://'.length));
    if (bad) out.add(`${path}.address`, bad);
    if (Object.keys(e.ports ?? {}).length) out.add(`${path}.ports`, `unix endpoint ${addr} must not include ports`);
  } else if (addr !== '' && !isIP(addr)) {
    if (!allowFqdn) out.add(`${path}.address`, `endpoint address ${JSON.stringify(addr)} is not a valid IP address`);
    else if (fqdnProblem(addr)) out.add(`${path}.address`, `endpoint address ${JSON.stringify(addr)} is not a valid FQDN or an IP address`);
  }
  checkEndpointPorts(e, path, out, servicePorts);
  if (unix && servicePorts && servicePorts.size !== 1) out.add(path, 'exactly 1 service port required for unix endpoints');
}

/** An endpoint's ports (named as the service's) and labels. */
export function checkEndpointPorts(e: WorkloadEntrySpec, path: string, out: Problems, servicePorts: ReadonlySet<string> | undefined): void {
  for (const [name, port] of Object.entries(e.ports ?? {})) {
    // Istio's message names the port number, not its name
    if (servicePorts && !servicePorts.has(name)) out.add(`${path}.ports.${name}`, `endpoint port ${port} is not defined by the service entry`);
    const badName = portNameProblem(name);
    if (badName) out.add(`${path}.ports.${name}`, badName);
    const badPort = portProblem(port);
    if (badPort) out.add(`${path}.ports.${name}`, badPort);
  }
  for (const p of tagProblems(e.labels)) out.add(`${path}.labels`, p);
}

function check(obj: { spec?: unknown }): CheckFinding[] {
  const spec = parsedSpec(workloadEntrySpec, obj.spec);
  if (!spec) return [];
  const out = new Problems();
  checkWorkloadEntry(spec, 'spec', out, undefined, true);
  return out.list;
}

export const workloadEntryKind: KindInfo = {
  kind: 'WorkloadEntry',
  group: 'networking.istio.io',
  versions: ['v1alpha3', 'v1beta1', 'v1'],
  plural: 'workloadentries',
  singular: 'workloadentry',
  shortNames: ['we'],
  namespaced: true,
  spec: workloadEntrySpec,
  specRequired: true,
  check,
};
