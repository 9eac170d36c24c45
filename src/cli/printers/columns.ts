// The columns `get` prints for each kind, in kubectl's words: the built-in kinds as kubectl's
// printers compute them, the Istio kinds as their CRDs' additionalPrinterColumns declare them.

import type { Resource } from '../../config/resource.js';
import { goJson } from './go-json.js';
import { formatAge, humanDuration } from './table.js';

export type RowFn = (r: Resource, now: Date, wide: boolean) => string[];

export interface ColumnSet {
  /** Headers of the default table, without the NAMESPACE column that --all-namespaces adds. */
  headers: string[];
  /** Every header of the -o wide table (the default ones first). */
  wideHeaders: string[];
  /** One row's cells; with wide set, as many as wideHeaders. */
  row: RowFn;
}

type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown, fallback = 0): number => (typeof v === 'number' ? v : fallback);

const age = (r: Resource, now: Date) => formatAge(r.metadata.creationTimestamp, now);

/** labels.FormatLabels: sorted k=v pairs, `<none>` when empty. */
function formatLabels(labels: unknown): string {
  const entries = Object.entries(obj(labels)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length ? entries.map(([k, v]) => `${k}=${str(v)}`).join(',') : '<none>';
}

// ---------------------------------------------------------------------------------------------
// Pod

/** READY, STATUS and RESTARTS as kubectl's printPod derives them from the container statuses. */
export function podSummary(pod: Resource, now: Date): { ready: string; status: string; restarts: string } {
  const spec = obj(pod.spec);
  const status = obj(pod.status);
  const statuses = arr(status['containerStatuses']).map(obj);
  const conditions = arr(status['conditions']).map(obj);
  const hasCondition = (type: string) => conditions.some((c) => c['type'] === type && c['status'] === 'True');

  const total = Array.isArray(spec['containers']) ? spec['containers'].length : statuses.length;
  let ready = 0;
  let restarts = 0;
  let lastRestart = 0;
  const phase = str(status['phase']);
  let reason = str(status['reason']) || phase;
  if (conditions.some((c) => c['type'] === 'PodScheduled' && c['reason'] === 'SchedulingGated')) reason = 'SchedulingGated';

  let hasRunning = false;
  let errorReason = '';
  // Walked last to first so the first container's state is the one shown.
  for (let i = statuses.length - 1; i >= 0; i--) {
    const cs = statuses[i]!;
    restarts += num(cs['restartCount']);
    const lastTerminated = obj(obj(cs['lastState'])['terminated']);
    const finished = Date.parse(str(lastTerminated['finishedAt']));
    if (!Number.isNaN(finished) && finished > lastRestart) lastRestart = finished;

    const state = obj(cs['state']);
    const waiting = state['waiting'] === undefined ? undefined : obj(state['waiting']);
    const terminated = state['terminated'] === undefined ? undefined : obj(state['terminated']);
    if (waiting && str(waiting['reason'])) {
      reason = str(waiting['reason']);
    } else if (terminated) {
      const exitCode = num(terminated['exitCode']);
      const signal = num(terminated['signal']);
      reason = str(terminated['reason']) || (signal !== 0 ? `Signal:${signal}` : `ExitCode:${exitCode}`);
      if (exitCode !== 0) errorReason = reason;
    } else if (cs['ready'] === true && state['running'] !== undefined) {
      hasRunning = true;
      ready++;
    }
  }
  if (reason === 'Completed') {
    if (hasRunning && hasCondition('Ready')) reason = 'Running';
    else if (errorReason) reason = errorReason;
    else if (hasRunning) reason = 'NotReady';
  }

  const deleting = pod.metadata.deletionTimestamp !== undefined;
  if (deleting && str(status['reason']) === 'NodeLost') reason = 'Unknown';
  else if (deleting && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  const restartText = restarts !== 0 && lastRestart > 0 ? `${restarts} (${humanDuration(now.getTime() - lastRestart)} ago)` : String(restarts);
  return { ready: `${ready}/${total}`, status: reason, restarts: restartText };
}

const pod: ColumnSet = {
  headers: ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
  wideHeaders: ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES'],
  row(r, now, wide) {
    const s = podSummary(r, now);
    const cells = [r.metadata.name, s.ready, s.status, s.restarts, age(r, now)];
    if (!wide) return cells;
    const spec = obj(r.spec);
    const status = obj(r.status);
    const ip = str(obj(arr(status['podIPs'])[0])['ip']) || str(status['podIP']) || '<none>';
    const gates = arr(spec['readinessGates']).map(obj);
    let gateText = '<none>';
    if (gates.length) {
      const conditions = arr(status['conditions']).map(obj);
      const met = gates.filter((g) => conditions.find((c) => c['type'] === g['conditionType'])?.['status'] === 'True').length;
      gateText = `${met}/${gates.length}`;
    }
    return [...cells, ip, str(spec['nodeName']) || '<none>', str(status['nominatedNodeName']) || '<none>', gateText];
  },
};

// ---------------------------------------------------------------------------------------------
// Service

/** PORT(S): 80/TCP, or 80:31380/TCP when a node port is allocated. */
export function servicePorts(spec: Obj): string {
  const ports = arr(spec['ports']).map(obj);
  if (!ports.length) return '<none>';
  return ports
    .map((p) => {
      const protocol = str(p['protocol']) || 'TCP';
      const nodePort = num(p['nodePort']);
      return nodePort > 0 ? `${num(p['port'])}:${nodePort}/${protocol}` : `${num(p['port'])}/${protocol}`;
    })
    .join(',');
}

/** Load balancer ingress addresses, sorted and de-duplicated; cut to 16 characters unless wide. */
function loadBalancerAddresses(status: Obj, wide: boolean): string {
  const found = new Set<string>();
  for (const ing of arr(obj(status['loadBalancer'])['ingress']).map(obj)) {
    const addr = str(ing['ip']) || str(ing['hostname']);
    if (addr) found.add(addr);
  }
  const text = [...found].sort().join(',');
  return !wide && text.length > 16 ? `${text.slice(0, 13)}...` : text;
}

export function serviceExternalIp(r: Resource, wide: boolean): string {
  const spec = obj(r.spec);
  const externalIPs = arr(spec['externalIPs']).map(str);
  switch (str(spec['type']) || 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerAddresses(obj(r.status), wide);
      if (externalIPs.length) return [...(lb ? lb.split(',') : []), ...externalIPs].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return str(spec['externalName']);
  }
  return '<unknown>';
}

const service: ColumnSet = {
  headers: ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'],
  wideHeaders: ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', 'SELECTOR'],
  row(r, now, wide) {
    const spec = obj(r.spec);
    const clusterIP = str(arr(spec['clusterIPs'])[0]) || str(spec['clusterIP']) || '<none>';
    const cells = [r.metadata.name, str(spec['type']) || 'ClusterIP', clusterIP, serviceExternalIp(r, wide), servicePorts(spec), age(r, now)];
    return wide ? [...cells, formatLabels(spec['selector'])] : cells;
  },
};

// ---------------------------------------------------------------------------------------------
// Deployment

/** A label selector in its string form: app=a,version in (v1,v2),!legacy. */
function formatSelector(selector: unknown): string {
  const sel = obj(selector);
  const parts = Object.entries(obj(sel['matchLabels'])).map(([k, v]) => ({ key: k, text: `${k}=${str(v)}` }));
  for (const e of arr(sel['matchExpressions']).map(obj)) {
    const key = str(e['key']);
    const values = arr(e['values']).map(str).sort();
    const text: Record<string, string> = {
      In: `${key} in (${values.join(',')})`,
      NotIn: `${key} notin (${values.join(',')})`,
      Exists: key,
      DoesNotExist: `!${key}`,
    };
    parts.push({ key, text: text[str(e['operator'])] ?? key });
  }
  return parts
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((p) => p.text)
    .join(',');
}

const deployment: ColumnSet = {
  headers: ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
  wideHeaders: ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR'],
  row(r, now, wide) {
    const spec = obj(r.spec);
    const status = obj(r.status);
    const cells = [
      r.metadata.name,
      `${num(status['readyReplicas'])}/${num(spec['replicas'], 1)}`,
      String(num(status['updatedReplicas'])),
      String(num(status['availableReplicas'])),
      age(r, now),
    ];
    if (!wide) return cells;
    const containers = arr(obj(obj(spec['template'])['spec'])['containers']).map(obj);
    return [...cells, containers.map((c) => str(c['name'])).join(','), containers.map((c) => str(c['image'])).join(','), formatSelector(spec['selector'])];
  },
};

// ---------------------------------------------------------------------------------------------
// Other built-in kinds

/** ENDPOINTS: ip:port pairs, at most three, then ` + N more...`. */
export function formatEndpoints(r: Resource): string {
  const subsets = arr(r['subsets']).map(obj);
  if (!subsets.length) return '<none>';
  const max = 3;
  const list: string[] = [];
  let count = 0;
  const hostPort = (ip: string, port: number) => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);
  for (const ss of subsets) {
    const addresses = arr(ss['addresses']).map((a) => str(obj(a)['ip']));
    const ports = arr(ss['ports']).map(obj);
    if (!ports.length) {
      count += addresses.length;
      for (const ip of addresses) if (list.length < max) list.push(ip);
      continue;
    }
    for (const p of ports) {
      count += addresses.length;
      for (const ip of addresses) if (list.length < max) list.push(hostPort(ip, num(p['port'])));
    }
  }
  const text = list.join(',');
  return count > max ? `${text} + ${count - max} more...` : text;
}

const simple = (headers: string[], cells: (r: Resource) => string[]): ColumnSet => ({
  headers: ['NAME', ...headers, 'AGE'],
  wideHeaders: ['NAME', ...headers, 'AGE'],
  row: (r, now) => [r.metadata.name, ...cells(r), age(r, now)],
});

const keyCount = (...maps: unknown[]) => String(new Set(maps.flatMap((m) => Object.keys(obj(m)))).size);

const builtIn: Record<string, ColumnSet> = {
  Pod: pod,
  Service: service,
  Deployment: deployment,
  Namespace: simple(['STATUS'], (r) => [str(obj(r.status)['phase']) || 'Active']),
  ServiceAccount: simple(['SECRETS'], (r) => [String(arr(r['secrets']).length)]),
  ConfigMap: simple(['DATA'], (r) => [String(Object.keys(obj(r['data'])).length + Object.keys(obj(r['binaryData'])).length)]),
  // The API server folds stringData into data; count the keys as it would.
  Secret: simple(['TYPE', 'DATA'], (r) => [str(r['type']) || 'Opaque', keyCount(r['data'], r['stringData'])]),
  Endpoints: simple(['ENDPOINTS'], (r) => [formatEndpoints(r)]),
};

// ---------------------------------------------------------------------------------------------
// StatefulSet, DaemonSet, Job

function containersAndImages(r: Resource): [string, string] {
  const containers = arr(obj(obj(obj(r.spec)['template'])['spec'])['containers']).map(obj);
  return [containers.map((c) => str(c['name'])).join(','), containers.map((c) => str(c['image'])).join(',')];
}

const statefulSet: ColumnSet = {
  headers: ['NAME', 'READY', 'AGE'],
  wideHeaders: ['NAME', 'READY', 'AGE', 'CONTAINERS', 'IMAGES'],
  row(r, now, wide) {
    const cells = [r.metadata.name, `${num(obj(r.status)['readyReplicas'])}/${num(obj(r.spec)['replicas'], 1)}`, age(r, now)];
    return wide ? [...cells, ...containersAndImages(r)] : cells;
  },
};

const daemonSet: ColumnSet = {
  headers: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE'],
  wideHeaders: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR'],
  row(r, now, wide) {
    const s = obj(r.status);
    const nodeSelector = obj(obj(obj(r.spec)['template'])['spec'])['nodeSelector'];
    const cells = [
      r.metadata.name,
      ...['desiredNumberScheduled', 'currentNumberScheduled', 'numberReady', 'updatedNumberScheduled', 'numberAvailable'].map((k) => String(num(s[k]))),
      Object.keys(obj(nodeSelector)).length ? formatLabels(nodeSelector) : '<none>',
      age(r, now),
    ];
    return wide ? [...cells, ...containersAndImages(r), formatSelector(obj(r.spec)['selector']) || '<none>'] : cells;
  },
};

const job: ColumnSet = {
  headers: ['NAME', 'COMPLETIONS', 'DURATION', 'AGE'],
  wideHeaders: ['NAME', 'COMPLETIONS', 'DURATION', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR'],
  row(r, now, wide) {
    const spec = obj(r.spec);
    const status = obj(r.status);
    const start = Date.parse(str(status['startTime']));
    const end = Date.parse(str(status['completionTime']));
    const duration = Number.isNaN(start) ? '' : humanDuration((Number.isNaN(end) ? now.getTime() : end) - start);
    const completions = typeof spec['completions'] === 'number' ? String(spec['completions']) : `1 of ${num(spec['parallelism'], 1)}`;
    const cells = [r.metadata.name, `${num(status['succeeded'])}/${completions}`, duration, age(r, now)];
    if (!wide) return cells;
    const uid = r.metadata.uid ?? '';
    return [...cells, ...containersAndImages(r), formatSelector(spec['selector']) || `batch.kubernetes.io/controller-uid=${uid}`];
  },
};

const workloads: Record<string, ColumnSet> = { StatefulSet: statefulSet, DaemonSet: daemonSet, Job: job };

// ---------------------------------------------------------------------------------------------
// Kinds stored but acted on by nothing (RBAC, CRDs, webhooks, PDB, HPA, NetworkPolicy, PVC, Ingress)

/** CREATED AT: kubectl prints these kinds' creation time, RFC 3339 in seconds, instead of AGE. */
const createdAt: ColumnSet = {
  headers: ['NAME', 'CREATED AT'],
  wideHeaders: ['NAME', 'CREATED AT'],
  row: (r) => [r.metadata.name, r.metadata.creationTimestamp ? new Date(r.metadata.creationTimestamp).toISOString().replace(/\.\d{3}Z$/, 'Z') : '<unknown>'],
};

const binding = simple(['ROLE'], (r) => [`${str(obj(r['roleRef'])['kind'])}/${str(obj(r['roleRef'])['name'])}`]);

const intOrStr = (v: unknown): string => (typeof v === 'number' ? String(v) : str(v) || 'N/A');

/** TARGETS without metrics to read: the goal of each resource metric, current value unknown. */
function hpaTargets(spec: Obj): string {
  const cpu = spec['targetCPUUtilizationPercentage'];
  if (typeof cpu === 'number') return `cpu: <unknown>/${cpu}%`;
  const goals = arr(spec['metrics']).map(obj).flatMap((m) => {
    const res = obj(m['resource']);
    const target = obj(res['target']);
    const pct = target['averageUtilization'] ?? res['targetAverageUtilization'];
    return typeof pct === 'number' ? [`${str(res['name'])}: <unknown>/${pct}%`] : [];
  });
  return goals.length ? goals.join(', ') : '<none>';
}

const accessModeShort: Record<string, string> = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' };

const inert: Record<string, ColumnSet> = {
  ClusterRole: createdAt,
  Role: createdAt,
  CustomResourceDefinition: createdAt,
  ClusterRoleBinding: binding,
  RoleBinding: binding,
  MutatingWebhookConfiguration: simple(['WEBHOOKS'], (r) => [String(arr(r['webhooks']).length)]),
  ValidatingWebhookConfiguration: simple(['WEBHOOKS'], (r) => [String(arr(r['webhooks']).length)]),
  PodDisruptionBudget: simple(['MIN AVAILABLE', 'MAX UNAVAILABLE', 'ALLOWED DISRUPTIONS'], (r) => {
    const spec = obj(r.spec);
    return [intOrStr(spec['minAvailable']), intOrStr(spec['maxUnavailable']), String(num(obj(r.status)['disruptionsAllowed']))];
  }),
  HorizontalPodAutoscaler: simple(['REFERENCE', 'TARGETS', 'MINPODS', 'MAXPODS', 'REPLICAS'], (r) => {
    const spec = obj(r.spec);
    const ref = obj(spec['scaleTargetRef']);
    return [`${str(ref['kind'])}/${str(ref['name'])}`, hpaTargets(spec), String(num(spec['minReplicas'], 1)), String(num(spec['maxReplicas'])), String(num(obj(r.status)['currentReplicas']))];
  }),
  NetworkPolicy: simple(['POD-SELECTOR'], (r) => [formatSelector(obj(r.spec)['podSelector']) || '<none>']),
  PersistentVolumeClaim: simple(['STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS'], (r) => {
    const spec = obj(r.spec);
    // Nothing binds a volume here, so a claim stays Pending, as it would with no provisioner.
    const modes = arr(spec['accessModes']).map((m) => accessModeShort[str(m)] ?? str(m)).join(',');
    return [str(obj(r.status)['phase']) || 'Pending', str(spec['volumeName']), '', modes, str(spec['storageClassName']) || '<unset>', '<unset>'];
  }),
  Ingress: simple(['CLASS', 'HOSTS', 'ADDRESS', 'PORTS'], (r) => {
    const spec = obj(r.spec);
    const hosts = arr(spec['rules']).map((rule) => str(obj(rule)['host'])).filter(Boolean);
    return [str(spec['ingressClassName']) || '<none>', hosts.length ? hosts.join(',') : '*', '', arr(spec['tls']).length ? '80, 443' : '80'];
  }),
};

// ---------------------------------------------------------------------------------------------
// Istio CRDs: additionalPrinterColumns

interface CrdColumn {
  name: string;
  /** Dotted path under the object; the column shows `<none>` when it is absent. */
  path?: string;
}

/** A string column shows a string as is and anything else as compact JSON, like ["a","b"]. */
function crdCell(r: Resource, path: string): string {
  let v: unknown = r;
  for (const key of path.split('.')) v = obj(v)[key];
  if (v === undefined || v === null) return '<none>';
  return typeof v === 'string' ? v : goJson(v);
}

/** Columns after NAME, in CRD order; an entry without a path is the AGE column. */
function crd(columns: CrdColumn[]): ColumnSet {
  const headers = ['NAME', ...columns.map((c) => c.name)];
  return {
    headers,
    wideHeaders: headers,
    row: (r, now) => [r.metadata.name, ...columns.map((c) => (c.path ? crdCell(r, c.path) : age(r, now)))],
  };
}

const AGE: CrdColumn = { name: 'AGE' };

const istio: Record<string, ColumnSet> = {
  VirtualService: crd([{ name: 'GATEWAYS', path: 'spec.gateways' }, { name: 'HOSTS', path: 'spec.hosts' }, AGE]),
  DestinationRule: crd([{ name: 'HOST', path: 'spec.host' }, AGE]),
  ServiceEntry: crd([
    { name: 'HOSTS', path: 'spec.hosts' },
    { name: 'LOCATION', path: 'spec.location' },
    { name: 'RESOLUTION', path: 'spec.resolution' },
    AGE,
  ]),
  WorkloadEntry: crd([AGE, { name: 'ADDRESS', path: 'spec.address' }]),
  PeerAuthentication: crd([{ name: 'MODE', path: 'spec.mtls.mode' }, AGE]),
  AuthorizationPolicy: crd([{ name: 'ACTION', path: 'spec.action' }, AGE]),
};

/** Anything without its own columns: NAME and AGE (Gateway, Sidecar, RequestAuthentication, Telemetry, ...). */
const fallback: ColumnSet = simple([], () => []);

export function columnsFor(kind: string): ColumnSet {
  return builtIn[kind] ?? workloads[kind] ?? inert[kind] ?? istio[kind] ?? fallback;
}
