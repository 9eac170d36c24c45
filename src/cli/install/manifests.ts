// What `weft install` applies: the istio-system namespace with istiod and the gateways, as
// `istioctl install` renders them for a profile. Images name Istio's; Weft runs its own programs for them.

import type { Resource } from '../../config/resource.js';

export type Profile = 'default' | 'demo' | 'minimal' | 'empty';

export interface Component {
  /** The line istioctl prints when it is installed. */
  label: string;
  resources: Resource[];
  /** Deployments to wait for. */
  deployments: string[];
}

const NS = 'istio-system';

function fieldEnv(name: string, fieldPath: string) {
  return { name, valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } };
}

function gateway(name: string, label: string, type: 'LoadBalancer' | 'ClusterIP', ports: Array<{ name: string; port: number; targetPort: number }>, version: string): Resource[] {
  const labels = { app: name, istio: label, 'istio.io/rev': 'default', 'install.operator.istio.io/owning-resource': 'unknown', 'operator.istio.io/component': name === 'istio-ingressgateway' ? 'IngressGateways' : 'EgressGateways' };
  const sa = `${name}-service-account`;
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa, namespace: NS, labels: { app: name, istio: label } } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: NS, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: name, istio: label } },
        template: {
          metadata: { labels: { ...labels, 'sidecar.istio.io/inject': 'false', 'service.istio.io/canonical-name': name, 'service.istio.io/canonical-revision': 'latest' }, annotations: { 'prometheus.io/port': '15020', 'prometheus.io/scrape': 'true', 'prometheus.io/path': '/stats/prometheus' } },
          spec: {
            serviceAccountName: sa,
            containers: [
              {
                name: 'istio-proxy',
                image: `docker.io/istio/proxyv2:${version}`,
                args: ['proxy', 'router', '--domain', '$(POD_NAMESPACE).svc.cluster.local', '--proxyLogLevel=warning', '--proxyComponentLogLevel=misc:error', '--log_output_level=default:info'],
                ports: [
                  { containerPort: 15021, protocol: 'TCP' },
                  ...ports.filter((p) => p.targetPort !== 15021).map((p) => ({ containerPort: p.targetPort, protocol: 'TCP' as const })),
                  { containerPort: 15090, protocol: 'TCP', name: 'http-envoy-prom' },
                ],
                env: [
                  { name: 'JWT_POLICY', value: 'third-party-jwt' },
                  { name: 'PILOT_CERT_PROVIDER', value: 'istiod' },
                  { name: 'CA_ADDR', value: 'istiod.istio-system.svc:15012' },
                  fieldEnv('NODE_NAME', 'spec.nodeName'),
                  fieldEnv('POD_NAME', 'metadata.name'),
                  fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
                  fieldEnv('INSTANCE_IP', 'status.podIP'),
                  fieldEnv('HOST_IP', 'status.hostIP'),
                  fieldEnv('SERVICE_ACCOUNT', 'spec.serviceAccountName'),
                  { name: 'ISTIO_META_WORKLOAD_NAME', value: name },
                  { name: 'ISTIO_META_OWNER', value: `kubernetes://apis/apps/v1/namespaces/${NS}/deployments/${name}` },
                  { name: 'ISTIO_META_MESH_ID', value: 'cluster.local' },
                  { name: 'TRUST_DOMAIN', value: 'cluster.local' },
                  { name: 'ISTIO_META_UNPRIVILEGED_POD', value: 'true' },
                  { name: 'ISTIO_META_CLUSTER_ID', value: 'Kubernetes' },
                ],
                readinessProbe: { httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' }, initialDelaySeconds: 1, periodSeconds: 2, timeoutSeconds: 1, failureThreshold: 30, successThreshold: 1 },
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: NS, labels },
      spec: { type, selector: { app: name, istio: label }, ports: ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort, protocol: 'TCP' as const })) },
    },
  ];
}

export function installComponents(profile: Profile, version: string): Component[] {
  const core: Component = {
    label: 'Istio core installed',
    deployments: [],
    resources: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels: { 'topology.istio.io/network': '' } } }],
  };
  if (profile === 'empty') return [core];
  const istiodLabels = { app: 'istiod', istio: 'pilot', 'istio.io/rev': 'default', 'operator.istio.io/component': 'Pilot' };
  const istiod: Component = {
    label: 'Istiod installed',
    deployments: ['istiod'],
    resources: [
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'istiod', namespace: NS, labels: { app: 'istiod' } } },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'istiod', namespace: NS, labels: istiodLabels },
        spec: {
          replicas: 1,
          selector: { matchLabels: { istio: 'pilot' } },
          template: {
            metadata: { labels: { ...istiodLabels, 'sidecar.istio.io/inject': 'false' }, annotations: { 'prometheus.io/port': '15014', 'prometheus.io/scrape': 'true' } },
            spec: {
              serviceAccountName: 'istiod',
              containers: [
                {
                  name: 'discovery',
                  image: `docker.io/istio/pilot:${version}`,
                  args: ['discovery', '--monitoringAddr=:15014', '--log_output_level=default:info', '--domain', 'cluster.local', '--keepaliveMaxServerConnectionAge', '30m'],
                  ports: [{ containerPort: 8080, protocol: 'TCP' }, { containerPort: 15010, protocol: 'TCP' }, { containerPort: 15017, protocol: 'TCP' }],
                  env: [{ name: 'REVISION', value: 'default' }, fieldEnv('POD_NAME', 'metadata.name'), fieldEnv('POD_NAMESPACE', 'metadata.namespace'), { name: 'PILOT_TRACE_SAMPLING', value: profile === 'demo' ? '100' : '1' }],
                  readinessProbe: { httpGet: { path: '/ready', port: 8080 }, initialDelaySeconds: 1, periodSeconds: 3, timeoutSeconds: 5 },
                },
              ],
            },
          },
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'istiod', namespace: NS, labels: istiodLabels },
        spec: {
          selector: { app: 'istiod', istio: 'pilot' },
          ports: [
            { name: 'grpc-xds', port: 15010, protocol: 'TCP' },
            { name: 'https-dns', port: 15012, protocol: 'TCP' },
            { name: 'https-webhook', port: 443, targetPort: 15017, protocol: 'TCP' },
            { name: 'http-monitoring', port: 15014, protocol: 'TCP' },
          ],
        },
      },
    ],
  };
  if (profile === 'minimal') return [core, istiod];
  const ingress: Component = {
    label: 'Ingress gateways installed',
    deployments: ['istio-ingressgateway'],
    resources: gateway('istio-ingressgateway', 'ingressgateway', 'LoadBalancer', [
      { name: 'status-port', port: 15021, targetPort: 15021 },
      { name: 'http2', port: 80, targetPort: 8080 },
      { name: 'https', port: 443, targetPort: 8443 },
      ...(profile === 'demo' ? [{ name: 'tcp', port: 31400, targetPort: 31400 }, { name: 'tls', port: 15443, targetPort: 15443 }] : []),
    ], version),
  };
  if (profile === 'default') return [core, istiod, ingress];
  const egress: Component = {
    label: 'Egress gateways installed',
    deployments: ['istio-egressgateway'],
    resources: gateway('istio-egressgateway', 'egressgateway', 'ClusterIP', [
      { name: 'http2', port: 80, targetPort: 8080 },
      { name: 'https', port: 443, targetPort: 8443 },
    ], version),
  };
  return [core, istiod, ingress, egress];
}
