// What `istioctl x describe` says about a DestinationRule and a VirtualService, for the pods of one service.

import type { DestinationRule, HttpMatch, HttpRoute, PolicySettings, Service, StringMatch, TcpRoute, VirtualService } from './istio-resources.js';
import { selects } from './istio-resources.js';

const CLUSTER_SUFFIX = '.svc.cluster.local';

export function spaces(n: number): string {
  return ' '.repeat(n);
}

/** NAME when in the namespace the command runs in, else NAME.NS (Istio's convention). */
export function kname(meta: { name: string; namespace?: string }, shownNamespace: string): string {
  const ns = meta.namespace ?? 'default';
  return ns === shownNamespace ? meta.name : `${meta.name}.${ns}`;
}

export function extendFqdn(host: string): string {
  return host.startsWith('*') || host.endsWith(CLUSTER_SUFFIX) ? host : `${host}${CLUSTER_SUFFIX}`;
}

/** A host as written in a resource of `namespace`: a short name is a service of that namespace. */
export function resolveHost(host: string, namespace: string): string {
  if (host === '' || host.startsWith('*')) return host;
  return host.includes('.') ? extendFqdn(host) : `${host}.${namespace}${CLUSTER_SUFFIX}`;
}

export function serviceFqdn(svc: Service): string {
  return `${svc.metadata.name}.${svc.metadata.namespace ?? 'default'}${CLUSTER_SUFFIX}`;
}

/** The subsets whose labels some pod has, and the others. */
export function subsetsFor(dr: DestinationRule | undefined, podsLabels: Array<Record<string, string>>): { matching: string[]; nonmatching: string[] } {
  const matching: string[] = [];
  const nonmatching: string[] = [];
  for (const s of dr?.spec?.subsets ?? []) (podsLabels.some((l) => selects(s.labels, l)) ? matching : nonmatching).push(s.name);
  return { matching, nonmatching };
}

function shortPolicies(p: PolicySettings): string {
  const extra: string[] = [];
  if (p.loadBalancer) extra.push('load balancer');
  if (p.connectionPool) extra.push('connection pool');
  if (p.outlierDetection) extra.push('outlier detection');
  return extra.length ? `Policies: ${extra.join('/')}\n` : '';
}

export function destinationRuleText(indent: number, dr: DestinationRule, podsLabels: Array<Record<string, string>>, shownNamespace: string): string {
  let out = `${spaces(indent)}DestinationRule: ${kname(dr.metadata, shownNamespace)} for "${dr.spec?.host ?? ''}"\n`;
  const { matching, nonmatching } = subsetsFor(dr, podsLabels);
  if (matching.length || nonmatching.length) {
    if (matching.length === 0) out += `${spaces(indent + 3)}WARNING POD DOES NOT MATCH ANY SUBSETS.  (Non matching subsets ${nonmatching.join(',')})\n`;
    out += `${spaces(indent + 3)}Matching subsets: ${matching.join(',')}\n`;
    if (nonmatching.length) out += `${spaces(indent + 6)}(Non-matching subsets ${nonmatching.join(',')})\n`;
  }
  const tp = dr.spec?.trafficPolicy;
  if (!tp) return `${out}${spaces(indent + 3)}No Traffic Policy\n`;
  if (tp.tls) out += `${spaces(indent + 3)}Traffic Policy TLS Mode: ${tp.tls.mode ?? 'DISABLE'}\n`;
  const sp = shortPolicies(tp);
  if (sp) out += `${spaces(indent + 3)}${sp}`;
  if (tp.portLevelSettings) {
    out += `${spaces(indent + 3)}Port Level Settings:\n`;
    for (const ps of tp.portLevelSettings) {
      out += `${spaces(4)}${ps.port?.number ?? 0}:\n`;
      if (ps.tls) out += `${spaces(indent + 6)}TLS Mode: ${ps.tls.mode ?? 'DISABLE'}\n`;
      const psp = shortPolicies(ps);
      if (psp) out += `${spaces(indent + 6)}${psp}`;
    }
  }
  return out;
}

function stringMatchText(m: StringMatch | undefined): string {
  if (!m) return '';
  if (m.exact !== undefined) return m.exact;
  if (m.prefix !== undefined) return `${m.prefix}*`;
  return m.regex !== undefined ? `regex:${JSON.stringify(m.regex)}` : '';
}

export function matchText(m: HttpMatch): string {
  let out = 'Match: ';
  if (m.uri) {
    out += stringMatchText(m.uri);
    if (m.ignoreUriCase) out += ' uncased';
  }
  const headers = Object.entries(m.headers ?? {});
  if (headers.length) out += ` when headers are ${headers.map(([k, v]) => `${k}=${stringMatchText(v)}`).join('; ')}`;
  return out.trim();
}

function matchesText(ms: HttpMatch[] | undefined): string {
  return ms?.length ? ms.map(matchText).join(', ') : 'everything';
}

/** A protobuf message in its text form, as Go prints one (fault injection settings). */
function protoText(v: unknown): string {
  if (v === null || typeof v !== 'object') {
    if (typeof v === 'string') {
      const d = /^(\d+)s$/.exec(v);
      return d ? `{seconds:${d[1]}}` : JSON.stringify(v);
    }
    return String(v);
  }
  const parts = Object.entries(v as Record<string, unknown>).map(([k, x]) => {
    const key = k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    return `${key}:${protoText(x)}`;
  });
  return `{${parts.join(' ')}}`;
}

function httpRouteFacts(vs: VirtualService, route: HttpRoute, svc: Service, matching: string[], nonmatching: string[], dr: DestinationRule | undefined, shownNamespace: string): { match: boolean; facts: string[] } {
  const svcHost = serviceFqdn(svc);
  const vsNs = vs.metadata.namespace ?? 'default';
  const facts: string[] = [];
  const mismatch: string[] = [];
  let match = false;
  for (const dest of route.route ?? []) {
    const d = dest.destination;
    const weight = dest.weight ?? 0;
    if (extendFqdn(resolveHost(d.host, vsNs)) === svcHost) {
      if (d.subset) {
        if (nonmatching.includes(d.subset)) {
          mismatch.push(`Route to non-matching subset ${d.subset} for (${matchesText(route.match)})`);
          continue;
        }
        if (!matching.includes(d.subset)) {
          mismatch.push(dr ? `Warning: Route to UNKNOWN subset ${d.subset}; check DestinationRule ${kname(dr.metadata, shownNamespace)}` : `Warning: Route to subset ${d.subset} but NO DESTINATION RULE defining subsets!`);
          continue;
        }
      }
      match = true;
      if (weight > 0) facts.push(`Route to host "${d.host}"${d.subset ? ` subset "${d.subset}"` : ''} with weight ${weight}%`);
    } else if (!d.subset) facts.push(`Route to host "${d.host}" with weight ${weight}%`);
    else facts.push(`Route to ${d.host} with invalid config`);
  }
  if (match) {
    const req: string[] = [];
    if (route.fault) req.push(`Fault injection ${protoText(route.fault).slice(1, -1)}`);
    for (const m of route.match ?? []) req.push(matchText(m));
    if (req.length) facts.push(req.join(', '));
  }
  if (!match && mismatch.length) facts.push(...mismatch);
  return { match, facts };
}

function tcpRouteFacts(vs: VirtualService, route: TcpRoute, svc: Service): { match: boolean; facts: string[] } {
  const vsNs = vs.metadata.namespace ?? 'default';
  const match = (route.route ?? []).some((r) => extendFqdn(resolveHost(r.destination.host, vsNs)) === serviceFqdn(svc));
  return { match, facts: match ? (route.match ?? []).map((m) => protoText(m).slice(1, -1)) : [] };
}

export function virtualServiceText(indent: number, vs: VirtualService, svc: Service, matching: string[], nonmatching: string[], dr: DestinationRule | undefined, shownNamespace: string): string {
  let out = `${spaces(indent)}VirtualService: ${kname(vs.metadata, shownNamespace)}\n`;
  const http = vs.spec?.http ?? [];
  const tcp = vs.spec?.tcp ?? [];
  let matches = 0;
  let facts = 0;
  const mismatchNotes: string[] = [];
  const take = (r: { match: boolean; facts: string[] }): void => {
    if (r.match) {
      matches++;
      for (const f of r.facts) {
        out += `${spaces(indent + 3)}${f}\n`;
        facts++;
      }
    } else mismatchNotes.push(...r.facts);
  };
  for (const r of http) take(httpRouteFacts(vs, r, svc, matching, nonmatching, dr, shownNamespace));
  for (const r of tcp) take(tcpRouteFacts(vs, r, svc));
  if (matches === 0) {
    if (http.length) out += `${spaces(indent + 3)}WARNING: No destinations match pod subsets (checked ${http.length} HTTP routes)\n`;
    if (tcp.length) out += `${spaces(indent + 3)}WARNING: No destinations match pod subsets (checked ${tcp.length} TCP routes)\n`;
    for (const m of mismatchNotes) out += `${spaces(indent + 6)}${m}\n`;
    return out;
  }
  const possible = http.length + (vs.spec?.tls ?? []).length + tcp.length;
  if (matches < possible) {
    // Matching traffic may still be taken by an earlier rule: say how many rules lead elsewhere.
    out += `${spaces(indent + 3)}${possible - matches} additional destination(s) that will not reach this pod\n`;
    if (facts === 0) for (const m of mismatchNotes) out += `${spaces(indent + 6)}${m}\n`;
    return out;
  }
  if (facts === 0) {
    if (http.length) out += `${spaces(indent + 3)}${http.length} HTTP route(s)\n`;
    if (tcp.length) out += `${spaces(indent + 3)}${tcp.length} TCP route(s)\n`;
  }
  return out;
}
