// AuthorizationPolicy: allow, deny, audit or delegate (CUSTOM) requests to a workload by source, operation and conditions.

import { z } from 'zod';
import type { CheckFinding, KindInfo } from '../kind-info.js';
import {
  checkTargeting,
  isIpOrCidr,
  parsedSpec,
  present,
  Problems,
  stringList,
  targetRef,
  targetRefs,
  workloadSelector,
} from './common.js';

const serviceAccounts = z.array(z.string().max(320)).max(16);

export const source = z
  .strictObject({
    principals: stringList.optional(),
    notPrincipals: stringList.optional(),
    requestPrincipals: stringList.optional(),
    notRequestPrincipals: stringList.optional(),
    namespaces: stringList.optional(),
    notNamespaces: stringList.optional(),
    serviceAccounts: serviceAccounts.optional(),
    notServiceAccounts: serviceAccounts.optional(),
    ipBlocks: stringList.optional(),
    notIpBlocks: stringList.optional(),
    remoteIpBlocks: stringList.optional(),
    notRemoteIpBlocks: stringList.optional(),
  })
  .superRefine((s, ctx) => {
    if ((s.serviceAccounts || s.notServiceAccounts) && (s.principals || s.notPrincipals || s.namespaces || s.notNamespaces)) {
      ctx.addIssue({ code: 'custom', message: 'Cannot set serviceAccounts with namespaces or principals' });
    }
  });
export type AuthorizationSource = z.infer<typeof source>;

export const operation = z.strictObject({
  hosts: stringList.optional(),
  notHosts: stringList.optional(),
  ports: stringList.optional(),
  notPorts: stringList.optional(),
  methods: stringList.optional(),
  notMethods: stringList.optional(),
  paths: stringList.optional(),
  notPaths: stringList.optional(),
});
export type AuthorizationOperation = z.infer<typeof operation>;

export const condition = z.strictObject({
  key: z.string(),
  values: stringList.optional(),
  notValues: stringList.optional(),
});
export type AuthorizationCondition = z.infer<typeof condition>;

export const rule = z.strictObject({
  from: z.array(z.strictObject({ source: source.optional() })).max(512).optional(),
  to: z.array(z.strictObject({ operation: operation.optional() })).optional(),
  when: z.array(condition).optional(),
});
export type AuthorizationRule = z.infer<typeof rule>;

export const authorizationPolicySpec = z.strictObject({
  selector: workloadSelector.optional(),
  targetRef: targetRef.optional(),
  targetRefs: targetRefs.optional(),
  rules: z.array(rule).max(512).optional(),
  action: z.enum(['ALLOW', 'DENY', 'AUDIT', 'CUSTOM']).optional(),
  provider: z.strictObject({ name: z.string().optional() }).optional(),
});
export type AuthorizationPolicySpec = z.infer<typeof authorizationPolicySpec>;

const sourceFields = [
  'principals', 'notPrincipals', 'requestPrincipals', 'notRequestPrincipals', 'namespaces', 'notNamespaces',
  'serviceAccounts', 'notServiceAccounts', 'ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks',
] as const;
const operationFields = ['hosts', 'notHosts', 'ports', 'notPorts', 'methods', 'notMethods', 'paths', 'notPaths'] as const;

/** The `when` keys Istio understands; bracketed ones name a header, claim or filter field. */
const plainKeys = [
  'source.ip', 'remote.ip', 'source.namespace', 'source.principal', 'request.auth.principal', 'request.auth.audiences',
  'request.auth.presenter', 'destination.ip', 'destination.port', 'connection.sni',
];
const bracketKeys = ['request.headers', 'request.auth.claims'];

function keyProblem(key: string): string | undefined {
  if (plainKeys.includes(key)) return undefined;
  for (const prefix of bracketKeys) {
    if (key.startsWith(prefix)) {
      return /^\[[^\]]+\](\[[^\]]+\])*$/.test(key.slice(prefix.length)) ? undefined : `invalid key "${key}": expected ${prefix}[name]`;
    }
  }
  if (key.startsWith('experimental.envoy.filters.')) return undefined;
  return `unknown attribute "${key}"; see istio.io/latest/docs/reference/config/security/conditions/`;
}

function portProblem(p: string): string | undefined {
  const n = /^\d+$/.test(p) ? Number(p) : NaN;
  return n >= 0 && n <= 65535 ? undefined : `invalid port "${p}": must be a number in 0..65535`;
}

function checkValues(values: string[] | undefined, path: string, out: Problems, each?: (v: string) => string | undefined): void {
  values?.forEach((v, i) => {
    if (v === '') out.add(`${path}[${i}]`, 'empty value not allowed');
    else {
      const p = each?.(v);
      if (p) out.add(`${path}[${i}]`, p);
    }
  });
}

const ipProblem = (v: string): string | undefined => (isIpOrCidr(v) ? undefined : `invalid IP address or CIDR block "${v}"`);

function check(obj: { spec?: unknown }): CheckFinding[] {
  const spec = parsedSpec(authorizationPolicySpec, obj.spec);
  if (!spec) return [];
  const out = new Problems();
  checkTargeting(spec, out);
  if (spec.action === 'CUSTOM') {
    if (!spec.provider?.name) out.add('spec.provider', 'action CUSTOM requires provider.name (an extension provider from mesh config)');
  } else if (spec.provider) {
    out.add('spec.provider', `provider can only be used with action CUSTOM (action is ${spec.action ?? 'ALLOW'})`);
  }
  spec.rules?.forEach((r, i) => {
    const at = `spec.rules[${i}]`;
    if (r.from && r.from.length === 0) out.add(`${at}.from`, '`from` must not be empty');
    r.from?.forEach((f, j) => {
      const path = `${at}.from[${j}].source`;
      if (!f.source) return out.add(path, '`from.source` must not be nil');
      if (present(f.source, sourceFields).length === 0) out.add(path, '`from.source` must not be empty');
      for (const field of sourceFields) {
        const ip = field.toLowerCase().includes('ipblocks');
        checkValues(f.source[field], `${path}.${field}`, out, ip ? ipProblem : undefined);
      }
    });
    if (r.to && r.to.length === 0) out.add(`${at}.to`, '`to` must not be empty');
    r.to?.forEach((t, j) => {
      const path = `${at}.to[${j}].operation`;
      if (!t.operation) return out.add(path, '`to.operation` must not be nil');
      if (present(t.operation, operationFields).length === 0) out.add(path, '`to.operation` must not be empty');
      for (const field of operationFields) {
        const ports = field === 'ports' || field === 'notPorts';
        checkValues(t.operation[field], `${path}.${field}`, out, ports ? portProblem : undefined);
      }
    });
    r.when?.forEach((c, j) => {
      const path = `${at}.when[${j}]`;
      if (c.key === '') return out.add(`${path}.key`, '`key` must not be empty');
      const kp = keyProblem(c.key);
      if (kp) out.add(`${path}.key`, kp);
      if (!c.values?.length && !c.notValues?.length) out.add(path, `at least one of \`values\` or \`notValues\` must be set for key ${c.key}`);
      const each = ['source.ip', 'remote.ip', 'destination.ip'].includes(c.key)
        ? ipProblem
        : c.key === 'destination.port'
          ? portProblem
          : undefined;
      checkValues(c.values, `${path}.values`, out, each);
      checkValues(c.notValues, `${path}.notValues`, out, each);
    });
  });
  return out.list;
}

export const authorizationPolicyKind: KindInfo = {
  kind: 'AuthorizationPolicy',
  group: 'security.istio.io',
  versions: ['v1beta1', 'v1'],
  plural: 'authorizationpolicies',
  singular: 'authorizationpolicy',
  shortNames: ['ap'],
  namespaced: true,
  spec: authorizationPolicySpec,
  check,
};
