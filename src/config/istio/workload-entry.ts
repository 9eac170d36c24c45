// WorkloadEntry: a non-Kubernetes workload (VM, bare process) and its address, labels and ports.

import { z } from 'zod';
import type { CheckFinding, KindInfo } from '../kind-info.js';
import { labelMap, parsedSpec, portNumber, Problems, uint32 } from './common.js';

const portName = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;

export const endpointPorts = z.record(z.string(), portNumber).superRefine((ports, ctx) => {
  for (const name of Object.keys(ports)) {
    if (name.length >= 63 || !portName.test(name)) ctx.addIssue({ code: 'custom', message: `port name "${name}" must be valid`, path: [name] });
  }
});

const address = z
  .string()
  .max(256)
  .superRefine((a, ctx) => {
    if (!a.startsWith('unix://')) return;
    const rest = a.slice(7);
    if (!rest.startsWith('/') && !rest.startsWith('@')) ctx.addIssue({ code: 'custom', message: 'UDS must be an absolute path or abstract socket' });
    if (a.endsWith('/')) ctx.addIssue({ code: 'custom', message: 'UDS may not be a dir' });
  });

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

/** Address-or-network and no ports on a Unix socket, for any entry at `path`. */
export function checkEndpoint(e: WorkloadEntrySpec, path: string, out: Problems, requireAddress: boolean): void {
  if (requireAddress && !e.address && !e.network) out.add(`${path}.address`, 'address is required (or network)');
  if (e.address?.startsWith('unix://') && e.ports) out.add(`${path}.ports`, 'UDS may not include ports');
}

function check(obj: { spec?: unknown }): CheckFinding[] {
  const spec = parsedSpec(workloadEntrySpec, obj.spec);
  if (!spec) return [];
  const out = new Problems();
  checkEndpoint(spec, 'spec', out, true);
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
