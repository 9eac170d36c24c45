// Adds the istio-proxy sidecar to a pod or pod template, shaped like Istio's sidecar injection template.

import type { Container, PodSpec } from '../../config/k8s/pod.js';
import type { Resource } from '../../config/resource.js';
import { isInjected, SIDECAR_CONTAINER, STATUS_ANNOTATION } from './injection-policy.js';
import type { InjectionSettings } from './injection-settings.js';
import { ownerUri, workloadOfPod, type WorkloadMeta } from './workload-meta.js';

export type { InjectionSettings } from './injection-settings.js';

type StringMap = Record<string, string>;
type EnvVar = NonNullable<Container['env']>[number];

export interface TemplateMeta {
  name?: string;
  namespace?: string;
  labels?: StringMap;
  annotations?: StringMap;
}

// Fields Weft accepts without typing (volumes, securityContext, lifecycle, ...) are written here too.
type OpenPodSpec = PodSpec & Record<string, unknown>;
type OpenContainer = Container & Record<string, unknown>;

export interface PodTemplate {
  metadata?: TemplateMeta;
  spec: PodSpec;
}

/** The kind that owns a pod template, for ISTIO_META_OWNER. */
export interface TemplateOwner {
  apiVersion: string;
  kind: string;
}

const STATUS_PORT = 15020;
const HEALTH_PORT = 15021;
const PROXY_UID = 1337;
const PROM_SCRAPE = 'prometheus.io/scrape';
const PROM_PORT = 'prometheus.io/port';
const PROM_PATH = 'prometheus.io/path';

// Istio's default volumes for a sidecar using third-party JWTs and istiod as CA. Weft accepts and
// ignores volumes; they are listed so the pod reads like one Istio injected.
const SIDECAR_VOLUMES: ReadonlyArray<Record<string, unknown>> = [
  { name: 'istio-envoy', emptyDir: { medium: 'Memory' } },
  { name: 'istio-data', emptyDir: {} },
  {
    name: 'istio-podinfo',
    downwardAPI: {
      items: [
        { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
        { path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' } },
      ],
    },
  },
  { name: 'istio-token', projected: { sources: [{ serviceAccountToken: { audience: 'istio-ca', expirationSeconds: 43200, path: 'istio-token' } }] } },
  { name: 'istiod-ca-cert', configMap: { name: 'istio-ca-root-cert' } },
];

const SIDECAR_VOLUME_MOUNTS = [
  { mountPath: '/var/run/secrets/istio', name: 'istiod-ca-cert' },
  { mountPath: '/var/lib/istio/data', name: 'istio-data' },
  { mountPath: '/etc/istio/proxy', name: 'istio-envoy' },
  { mountPath: '/var/run/secrets/tokens', name: 'istio-token' },
  { mountPath: '/etc/istio/pod', name: 'istio-podinfo' },
];

/** Injects a pod (automatic injection). Pure: returns a new object; an injected pod comes back as a copy. */
export function injectPod(pod: Resource<PodSpec>, settings: InjectionSettings): Resource<PodSpec> {
  const copy = structuredClone(pod);
  if (isInjected(pod)) return copy;
  if (!copy.spec) throw new Error(`pod ${pod.metadata.name} has no spec to inject into`);
  injectInto(copy.metadata, copy.spec, workloadOfPod(pod.metadata), settings);
  return copy;
}

/**
 * Injects a workload's pod template (manual injection), where no pod name exists yet: the workload
 * is named by the caller. An already injected template comes back as an unchanged copy.
 */
export function injectTemplate<T extends PodTemplate>(
  template: T,
  namespace: string,
  deploymentName: string,
  settings: InjectionSettings,
  owner: TemplateOwner = { apiVersion: 'apps/v1', kind: 'Deployment' },
): T {
  const copy = structuredClone(template);
  if (isInjected({ metadata: template.metadata ?? {}, spec: template.spec })) return copy;
  copy.metadata ??= {};
  const workload: WorkloadMeta = { name: deploymentName, namespace, kind: owner.kind, apiVersion: owner.apiVersion };
  injectInto(copy.metadata, copy.spec, workload, settings);
  return copy;
}

/** Adds the sidecar to a pod's metadata and spec in place; callers hand it copies. */
function injectInto(metadata: TemplateMeta, podSpec: PodSpec, workload: WorkloadMeta, settings: InjectionSettings): void {
  const spec: OpenPodSpec = podSpec;
  const labels: StringMap = { ...(metadata.labels ?? {}) };
  const annotations: StringMap = { ...(metadata.annotations ?? {}) };
  const proxy = proxyContainer(spec, workload, settings);

  const firstApp = spec.containers[0]?.name;
  if (firstApp !== undefined) {
    // The proxy comes first, so kubectl logs/exec need pointing at the app.
    annotations['kubectl.kubernetes.io/default-container'] ??= firstApp;
    annotations['kubectl.kubernetes.io/default-logs-container'] ??= firstApp;
  }
  mergePrometheus(annotations, proxy);
  annotations[STATUS_ANNOTATION] = JSON.stringify({
    initContainers: null,
    containers: [SIDECAR_CONTAINER],
    volumes: SIDECAR_VOLUMES.map((v) => v.name),
    imagePullSecrets: null,
    revision: 'default',
  });

  labels['security.istio.io/tlsMode'] = 'istio';
  labels['service.istio.io/canonical-name'] = labels['service.istio.io/canonical-name'] ?? labels['app.kubernetes.io/name'] ?? labels['app'] ?? workload.name;
  labels['service.istio.io/canonical-revision'] = labels['service.istio.io/canonical-revision'] ?? labels['app.kubernetes.io/version'] ?? labels['version'] ?? 'latest';

  // Istio puts the proxy first when holdApplicationUntilProxyStarts is on. Weft always holds the
  // app until its proxy is ready (the app binds behind the proxy), so the proxy is always first.
  spec.containers = [proxy, ...spec.containers];
  // No istio-init container: Istio needs it to install iptables rules that redirect the pod's
  // traffic to Envoy. Weft's pods own their addresses and the proxy binds the pod IP directly, so
  // there is nothing to redirect.
  spec.volumes = [...(Array.isArray(spec.volumes) ? (spec.volumes as unknown[]) : []), ...structuredClone(SIDECAR_VOLUMES)];
  const podSecurity = isRecord(spec.securityContext) ? spec.securityContext : {};
  spec.securityContext = { ...podSecurity, fsGroup: podSecurity.fsGroup ?? PROXY_UID };

  metadata.labels = labels;
  metadata.annotations = annotations;
}

function proxyContainer(spec: PodSpec, workload: WorkloadMeta, settings: InjectionSettings): OpenContainer {
  const fieldEnv = (name: string, fieldPath: string): EnvVar => ({ name, valueFrom: { fieldRef: { fieldPath } } });
  const env: EnvVar[] = [
    { name: 'JWT_POLICY', value: 'third-party-jwt' },
    { name: 'PILOT_CERT_PROVIDER', value: 'istiod' },
    { name: 'CA_ADDR', value: settings.discoveryAddress },
    fieldEnv('POD_NAME', 'metadata.name'),
    fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
    fieldEnv('INSTANCE_IP', 'status.podIP'),
    fieldEnv('SERVICE_ACCOUNT', 'spec.serviceAccountName'),
    fieldEnv('HOST_IP', 'status.hostIP'),
    // The pod's proxy config overrides; holding the app is what Weft always does.
    { name: 'PROXY_CONFIG', value: `${JSON.stringify({ discoveryAddress: settings.discoveryAddress, holdApplicationUntilProxyStarts: true })}\n` },
    { name: 'ISTIO_META_POD_PORTS', value: podPortsJson(spec.containers) },
    { name: 'ISTIO_META_APP_CONTAINERS', value: spec.containers.map((c) => c.name).join(',') },
    { name: 'ISTIO_META_CLUSTER_ID', value: settings.clusterName },
    { name: 'ISTIO_META_INTERCEPTION_MODE', value: 'REDIRECT' },
    { name: 'ISTIO_META_WORKLOAD_NAME', value: workload.name },
    { name: 'ISTIO_META_OWNER', value: ownerUri(workload) },
    { name: 'ISTIO_META_MESH_ID', value: settings.meshId ?? settings.trustDomain },
    { name: 'TRUST_DOMAIN', value: settings.trustDomain },
    // The proxyv2 image sets this in its own environment; Weft's stand-in proxy has no image.
    { name: 'ISTIO_META_ISTIO_VERSION', value: settings.version },
  ];
  return {
    name: SIDECAR_CONTAINER,
    image: settings.proxyImage,
    args: [
      'proxy',
      'sidecar',
      '--domain',
      '$(POD_NAMESPACE).svc.cluster.local',
      '--proxyLogLevel=warning',
      '--proxyComponentLogLevel=misc:error',
      '--log_output_level=default:info',
      '--concurrency',
      '2',
    ],
    env,
    ports: [{ containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' }],
    readinessProbe: {
      httpGet: { path: '/healthz/ready', port: HEALTH_PORT },
      initialDelaySeconds: 1,
      periodSeconds: 2,
      timeoutSeconds: 3,
      failureThreshold: 30,
    },
    // What holdApplicationUntilProxyStarts adds: the next container starts once this hook returns.
    lifecycle: { postStart: { exec: { command: ['pilot-agent', 'wait'] } } },
    resources: { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '100m', memory: '128Mi' } },
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsGroup: PROXY_UID,
      runAsNonRoot: true,
      runAsUser: PROXY_UID,
    },
    volumeMounts: structuredClone(SIDECAR_VOLUME_MOUNTS),
  };
}

/** The app containers' ports as Istio renders them: one JSON object per line, Kubernetes field order. */
function podPortsJson(containers: readonly Container[]): string {
  const ports = containers.flatMap((c) => c.ports ?? []).map((p) =>
    JSON.stringify({
      ...(p.name ? { name: p.name } : {}),
      ...(p.hostPort ? { hostPort: p.hostPort } : {}),
      containerPort: p.containerPort,
      ...(p.protocol ? { protocol: p.protocol } : {}),
      ...(p.hostIP ? { hostIP: p.hostIP } : {}),
    }),
  );
  return ports.length ? `[\n    ${ports.join('\n    ,')}\n]` : '[\n]';
}

/**
 * Metrics merging: Prometheus scrapes the agent on 15020, which merges Envoy's and the app's metrics.
 * The app's own scrape settings move to ISTIO_PROMETHEUS_ANNOTATIONS so the agent can find them.
 * A pod that opted out of scraping is left alone.
 */
function mergePrometheus(annotations: StringMap, proxy: Container): void {
  if (annotations[PROM_SCRAPE]?.toLowerCase() === 'false') return;
  if (annotations[PROM_PORT] === String(STATUS_PORT)) return;
  const app: StringMap = {};
  if (annotations[PROM_SCRAPE] !== undefined) app.scrape = annotations[PROM_SCRAPE];
  if (annotations[PROM_PATH] !== undefined) app.path = annotations[PROM_PATH];
  if (annotations[PROM_PORT] !== undefined) app.port = annotations[PROM_PORT];
  if (Object.keys(app).length) proxy.env = [...(proxy.env ?? []), { name: 'ISTIO_PROMETHEUS_ANNOTATIONS', value: JSON.stringify(app) }];
  annotations[PROM_SCRAPE] = 'true';
  annotations[PROM_PORT] = String(STATUS_PORT);
  annotations[PROM_PATH] = '/stats/prometheus';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
