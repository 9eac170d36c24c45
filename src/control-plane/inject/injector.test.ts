import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPodSpec, podSpec, type Container, type PodSpec } from '../../config/k8s/pod.js';
import type { Resource } from '../../config/resource.js';
import { defaultInjectionSettings } from './injection-settings.js';
import { injectPod, injectTemplate, type PodTemplate } from './injector.js';
import { ownerUri, workloadOfPod } from './workload-meta.js';

const settings = defaultInjectionSettings('1.12.2');

function appContainer(): Container {
  return {
    name: 'service-a',
    image: 'rinormaloku/happy-service:latest',
    ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }],
    env: [{ name: 'LISTEN_ADDR', value: '0.0.0.0:8080' }],
  };
}

/** A pod as Weft's Deployment controller creates it. */
function deploymentPod(): Resource<PodSpec> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'service-a-6c5d78f675-k5dqh',
      namespace: 'istioinaction',
      labels: { app: 'service-a', version: 'v1', 'pod-template-hash': '6c5d78f675' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'service-a-6c5d78f675', uid: 'u1', controller: true }],
    },
    spec: { serviceAccountName: 'service-a', containers: [appContainer()] },
  };
}

function proxyOf(spec: PodSpec | undefined): Container {
  const c = spec?.containers.find((x) => x.name === 'istio-proxy');
  assert.ok(c, 'istio-proxy container');
  return c;
}

function envOf(c: Container): Map<string, string | undefined> {
  return new Map((c.env ?? []).map((e) => [e.name, e.value ?? e.valueFrom?.fieldRef?.fieldPath]));
}

describe('injectPod', () => {
  test('puts istio-proxy first, before the app, and adds no init container', () => {
    const out = injectPod(deploymentPod(), settings);
    assert.deepEqual(out.spec!.containers.map((c) => c.name), ['istio-proxy', 'service-a']);
    assert.equal(out.spec!.initContainers, undefined);
  });

  test('is pure and idempotent', () => {
    const input = deploymentPod();
    const before = structuredClone(input);
    const once = injectPod(input, settings);
    assert.deepEqual(input, before);
    assert.notEqual(once, input);
    assert.deepEqual(injectPod(once, settings), once);
  });

  test('the proxy container is shaped like Istio\'s', () => {
    const proxy = proxyOf(injectPod(deploymentPod(), settings).spec);
    assert.equal(proxy.image, 'docker.io/istio/proxyv2:1.12.2');
    assert.deepEqual(proxy.args, [
      'proxy', 'sidecar', '--domain', '$(POD_NAMESPACE).svc.cluster.local', '--proxyLogLevel=warning',
      '--proxyComponentLogLevel=misc:error', '--log_output_level=default:info', '--concurrency', '2',
    ]);
    assert.deepEqual(proxy.ports, [{ containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' }]);
    assert.deepEqual(proxy.readinessProbe, {
      httpGet: { path: '/healthz/ready', port: 15021 }, initialDelaySeconds: 1, periodSeconds: 2, timeoutSeconds: 3, failureThreshold: 30,
    });
    const open = proxy as Container & Record<string, unknown>;
    const security = open.securityContext as Record<string, unknown>;
    assert.equal(security.runAsUser, 1337);
    assert.equal(security.runAsGroup, 1337);
    assert.equal(security.runAsNonRoot, true);
    assert.deepEqual(open.resources, { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '100m', memory: '128Mi' } });
  });

  test('env carries pod fields, ports, app containers and the workload', () => {
    const env = envOf(proxyOf(injectPod(deploymentPod(), settings).spec));
    assert.equal(env.get('POD_NAME'), 'metadata.name');
    assert.equal(env.get('POD_NAMESPACE'), 'metadata.namespace');
    assert.equal(env.get('INSTANCE_IP'), 'status.podIP');
    assert.equal(env.get('SERVICE_ACCOUNT'), 'spec.serviceAccountName');
    assert.equal(env.get('HOST_IP'), 'status.hostIP');
    assert.equal(env.get('CA_ADDR'), 'istiod.istio-system.svc:15012');
    assert.deepEqual(JSON.parse(env.get('ISTIO_META_POD_PORTS')!), [{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    assert.equal(env.get('ISTIO_META_APP_CONTAINERS'), 'service-a');
    assert.equal(env.get('ISTIO_META_CLUSTER_ID'), 'Kubernetes');
    assert.equal(env.get('ISTIO_META_INTERCEPTION_MODE'), 'REDIRECT');
    assert.equal(env.get('ISTIO_META_WORKLOAD_NAME'), 'service-a');
    assert.equal(env.get('ISTIO_META_OWNER'), 'kubernetes://apis/apps/v1/namespaces/istioinaction/deployments/service-a');
    assert.equal(env.get('ISTIO_META_MESH_ID'), 'cluster.local');
    assert.equal(env.get('TRUST_DOMAIN'), 'cluster.local');
    assert.equal(JSON.parse(env.get('PROXY_CONFIG')!).holdApplicationUntilProxyStarts, true);
  });

  test('meshId overrides the trust domain as mesh ID', () => {
    const env = envOf(proxyOf(injectPod(deploymentPod(), { ...settings, meshId: 'mesh1' }).spec));
    assert.equal(env.get('ISTIO_META_MESH_ID'), 'mesh1');
  });

  test('annotations and labels', () => {
    const out = injectPod(deploymentPod(), settings);
    const a = out.metadata.annotations!;
    assert.deepEqual(JSON.parse(a['sidecar.istio.io/status']!), {
      initContainers: null,
      containers: ['istio-proxy'],
      volumes: ['istio-envoy', 'istio-data', 'istio-podinfo', 'istio-token', 'istiod-ca-cert'],
      imagePullSecrets: null,
      revision: 'default',
    });
    assert.equal(a['kubectl.kubernetes.io/default-container'], 'service-a');
    assert.equal(a['kubectl.kubernetes.io/default-logs-container'], 'service-a');
    assert.equal(a['prometheus.io/scrape'], 'true');
    assert.equal(a['prometheus.io/port'], '15020');
    assert.equal(a['prometheus.io/path'], '/stats/prometheus');
    const l = out.metadata.labels!;
    assert.equal(l['security.istio.io/tlsMode'], 'istio');
    assert.equal(l['service.istio.io/canonical-name'], 'service-a');
    assert.equal(l['service.istio.io/canonical-revision'], 'v1');
    assert.equal(l['pod-template-hash'], '6c5d78f675');
    const volumes = (out.spec as Record<string, unknown>).volumes as Array<{ name: string }>;
    assert.deepEqual(volumes.map((v) => v.name), ['istio-envoy', 'istio-data', 'istio-podinfo', 'istio-token', 'istiod-ca-cert']);
  });

  test('canonical labels prefer app.kubernetes.io/*, then fall back to the workload and "latest"', () => {
    const p = deploymentPod();
    p.metadata.labels = { 'app.kubernetes.io/name': 'svc', 'app.kubernetes.io/version': '2', app: 'x', version: 'y', 'pod-template-hash': '6c5d78f675' };
    assert.equal(injectPod(p, settings).metadata.labels!['service.istio.io/canonical-name'], 'svc');
    assert.equal(injectPod(p, settings).metadata.labels!['service.istio.io/canonical-revision'], '2');
    p.metadata.labels = { 'pod-template-hash': '6c5d78f675' };
    assert.equal(injectPod(p, settings).metadata.labels!['service.istio.io/canonical-name'], 'service-a');
    assert.equal(injectPod(p, settings).metadata.labels!['service.istio.io/canonical-revision'], 'latest');
  });

  test('the app\'s own Prometheus settings move to the agent; an opted-out pod keeps its own', () => {
    const p = deploymentPod();
    p.metadata.annotations = { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090' };
    const out = injectPod(p, settings);
    assert.equal(out.metadata.annotations!['prometheus.io/port'], '15020');
    assert.deepEqual(JSON.parse(envOf(proxyOf(out.spec)).get('ISTIO_PROMETHEUS_ANNOTATIONS')!), { scrape: 'true', port: '9090' });
    p.metadata.annotations = { 'prometheus.io/scrape': 'false' };
    const off = injectPod(p, settings).metadata.annotations!;
    assert.equal(off['prometheus.io/scrape'], 'false');
    assert.equal(off['prometheus.io/port'], undefined);
  });

  test('the injected spec still passes Weft\'s pod schema', () => {
    const spec = injectPod(deploymentPod(), settings).spec!;
    const parsed = podSpec.safeParse(spec);
    assert.ok(parsed.success, parsed.success ? '' : parsed.error.message);
    assert.deepEqual(checkPodSpec(spec, 'spec'), []);
  });
});

describe('workloadOfPod', () => {
  test('sees through the ReplicaSet to the Deployment', () => {
    const w = workloadOfPod(deploymentPod().metadata);
    assert.deepEqual(w, { name: 'service-a', namespace: 'istioinaction', kind: 'Deployment', apiVersion: 'apps/v1' });
  });

  test('without an owner, strips the template hash and suffix from the pod name', () => {
    const w = workloadOfPod({ name: 'service-c-v1-79646f6d65-bvdkx', namespace: 'ns', labels: { 'pod-template-hash': '79646f6d65' } });
    assert.equal(w.name, 'service-c-v1');
    assert.equal(w.kind, 'Deployment');
  });

  test('a bare pod is its own workload; other owners are named as they are', () => {
    const bare = workloadOfPod({ name: 'sleep', namespace: 'ns' });
    assert.equal(ownerUri(bare), 'kubernetes://apis/v1/namespaces/ns/pods/sleep');
    const sts = workloadOfPod({ name: 'db-0', namespace: 'ns', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'u', controller: true }] });
    assert.equal(ownerUri(sts), 'kubernetes://apis/apps/v1/namespaces/ns/statefulsets/db');
  });
});

describe('injectTemplate', () => {
  const template = { metadata: { labels: { app: 'service-a', version: 'v1' } }, spec: { containers: [appContainer()] } };

  test('names the workload after the Deployment', () => {
    const out = injectTemplate(template, 'istioinaction', 'service-a', settings);
    assert.deepEqual(out.spec.containers.map((c) => c.name), ['istio-proxy', 'service-a']);
    const env = envOf(proxyOf(out.spec));
    assert.equal(env.get('ISTIO_META_WORKLOAD_NAME'), 'service-a');
    assert.equal(env.get('ISTIO_META_OWNER'), 'kubernetes://apis/apps/v1/namespaces/istioinaction/deployments/service-a');
    assert.equal(template.spec.containers.length, 1, 'input untouched');
  });

  test('an already injected template is left as it is', () => {
    const once = injectTemplate(template, 'istioinaction', 'service-a', settings);
    assert.deepEqual(injectTemplate(once, 'istioinaction', 'service-a', settings), once);
  });

  test('a template without metadata gets labels and annotations', () => {
    const out = injectTemplate<PodTemplate>({ spec: { containers: [appContainer()] } }, 'ns', 'web', settings);
    assert.equal(out.metadata?.labels?.['service.istio.io/canonical-name'], 'web');
    assert.ok(out.metadata?.annotations?.['sidecar.istio.io/status']);
  });
});
