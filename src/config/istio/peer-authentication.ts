// PeerAuthentication: which mutual TLS mode a workload's inbound traffic must use.

import { z } from 'zod';
import type { CheckFinding, KindInfo } from '../kind-info.js';
import { parsedSpec, Problems, workloadSelector } from './common.js';

export const mtlsMode = z.enum(['UNSET', 'DISABLE', 'PERMISSIVE', 'STRICT']);
export type MtlsMode = z.infer<typeof mtlsMode>;

const mutualTls = z.strictObject({ mode: mtlsMode.optional() });

export const peerAuthenticationSpec = z.strictObject({
  selector: workloadSelector.optional(),
  mtls: mutualTls.optional(),
  /** Keyed by the workload's port number (not the Service port). */
  portLevelMtls: z
    .record(z.string(), mutualTls)
    .superRefine((m, ctx) => {
      const keys = Object.keys(m);
      if (keys.length === 0) ctx.addIssue({ code: 'custom', message: 'port level mTLS, if defined, must have at least one element' });
      for (const k of keys) {
        const n = /^\d+$/.test(k) ? Number(k) : NaN;
        if (!(n >= 1 && n <= 65535)) ctx.addIssue({ code: 'custom', message: `port must be between 1-65535 (found "${k}")`, path: [k] });
      }
    })
    .optional(),
});
export type PeerAuthenticationSpec = z.infer<typeof peerAuthenticationSpec>;

function check(obj: { spec?: unknown }): CheckFinding[] {
  const spec = parsedSpec(peerAuthenticationSpec, obj.spec);
  if (!spec) return [];
  const out = new Problems();
  if (spec.portLevelMtls && Object.keys(spec.selector?.matchLabels ?? {}).length === 0) {
    out.add('spec.portLevelMtls', 'portLevelMtls requires a selector with matchLabels (mesh and namespace wide policies cannot have port level mTLS)');
  }
  return out.list;
}

export const peerAuthenticationKind: KindInfo = {
  kind: 'PeerAuthentication',
  group: 'security.istio.io',
  versions: ['v1beta1', 'v1'],
  plural: 'peerauthentications',
  singular: 'peerauthentication',
  shortNames: ['pa'],
  namespaced: true,
  spec: peerAuthenticationSpec,
  check,
};
