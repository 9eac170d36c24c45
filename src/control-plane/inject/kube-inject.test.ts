import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { parseSources, type Source } from '../../config/parse.js';
import { loadResources } from '../../config/validate.js';
import { packageRoot } from '../../runtime/paths.js';
import { defaultInjectionSettings } from './injection-settings.js';
import { kubeInject } from './kube-inject.js';

const settings = defaultInjectionSettings('1.12.2');
const servicesA: Source = { name: 'services-a.yaml', text: readFileSync(join(packageRoot, 'samples', 'happy-istio', 'services-a.yaml'), 'utf8') };

type Obj = Record<string, unknown>;
interface Workload {
  kind: string;
  spec: { template: { metadata: { annotations?: Record<string, string> }; spec: { containers: Array<{ name: string; env?: Array<{ name: string; value?: string }> }> } } };
}

function docs(text: string): Obj[] {
  return parseAllDocuments(text).map((d) => d.toJS() as Obj).filter((v) => v !== null);
}

describe('kubeInject: the workshop\'s services-a.yaml', () => {
  const out = kubeInject([servicesA], settings);

  test('prints three documents, each followed by ---', () => {
    assert.equal(docs(out).length, 3);
    assert.equal(out.split(/^---$/m).length - 1, 3);
    assert.ok(out.endsWith('---\n'));
  });

  test('the Deployment\'s template has istio-proxy and service-a', () => {
    const d = docs(out)[2] as unknown as Workload;
    assert.equal(d.kind, 'Deployment');
    const containers = d.spec.template.spec.containers;
    assert.deepEqual(containers.map((c) => c.name), ['istio-proxy', 'service-a']);
    const workload = containers[0]!.env!.find((e) => e.name === 'ISTIO_META_WORKLOAD_NAME');
    assert.equal(workload?.value, 'service-a');
    assert.ok(d.spec.template.metadata.annotations?.['sidecar.istio.io/status']);
  });

  test('adds what istioctl\'s encoding adds to a workload', () => {
    const d = docs(out)[2]! as { metadata: Obj; status: unknown; spec: { template: { metadata: Obj } } };
    assert.equal(d.metadata.creationTimestamp, null);
    assert.equal(d.spec.template.metadata.creationTimestamp, null);
    assert.deepEqual(d.status, {});
  });

  test('the ServiceAccount and Service are unchanged', () => {
    const original = parseSources([servicesA]).documents.map((x) => x.value);
    const printed = docs(out);
    assert.deepEqual(printed[0], original[0]);
    assert.deepEqual(printed[1], original[1]);
  });

  test('the output re-parses and validates as Weft manifests', () => {
    const loaded = loadResources([{ name: '<stdin>', text: out }], { defaultNamespace: 'istioinaction' });
    assert.deepEqual(loaded.map((d) => d.resource.kind), ['ServiceAccount', 'Service', 'Deployment']);
  });

  test('injecting the output again changes nothing', () => {
    assert.equal(kubeInject([{ name: 'injected.yaml', text: out }], settings), out);
  });
});

describe('kubeInject: other workloads and documents', () => {
  const workload = (kind: string, apiVersion: string, extra = ''): string =>
    [
      `apiVersion: ${apiVersion}`,
      `kind: ${kind}`,
      'metadata:',
      '  name: web',
      '  namespace: shop',
      'spec:',
      '  template:',
      '    metadata:',
      '      labels: {app: web}',
      extra,
      '    spec:',
      '      containers:',
      '      - name: web',
      '        image: nicholasjackson/fake-service:v0.23.1',
      '',
    ].filter((l) => l !== '').join('\n');

  test('StatefulSet, DaemonSet, ReplicaSet and Job templates are injected with their own owner kind', () => {
    for (const [kind, apiVersion, plural] of [
      ['StatefulSet', 'apps/v1', 'statefulsets'],
      ['DaemonSet', 'apps/v1', 'daemonsets'],
      ['ReplicaSet', 'apps/v1', 'replicasets'],
      ['Job', 'batch/v1', 'jobs'],
    ] as const) {
      const d = docs(kubeInject([{ name: 'w.yaml', text: workload(kind, apiVersion) }], settings))[0] as unknown as Workload;
      const proxy = d.spec.template.spec.containers[0]!;
      assert.equal(proxy.name, 'istio-proxy', kind);
      const owner = proxy.env!.find((e) => e.name === 'ISTIO_META_OWNER')?.value;
      assert.equal(owner, `kubernetes://apis/${apiVersion}/namespaces/shop/${plural}/web`);
    }
  });

  test('a bare Pod is injected', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: sleep\nspec:\n  containers:\n  - name: sleep\n    image: curlimages/curl\n';
    const d = docs(kubeInject([{ name: 'p.yaml', text }], settings))[0] as { spec: { containers: Array<{ name: string }> } };
    assert.deepEqual(d.spec.containers.map((c) => c.name), ['istio-proxy', 'sleep']);
  });

  test('a template that opts out is printed uninjected, with a warning', () => {
    const warnings: string[] = [];
    const text = workload('Deployment', 'apps/v1', '      annotations: {sidecar.istio.io/inject: "false"}');
    const d = docs(kubeInject([{ name: 'w.yaml', text }], settings, (w) => warnings.push(w)))[0] as unknown as Workload;
    assert.deepEqual(d.spec.template.spec.containers.map((c) => c.name), ['web']);
    assert.deepEqual(warnings, ['===> Skipping injection because Deployment "shop/web" has sidecar injection disabled']);
  });

  test('documents that hold no pods, and kinds it does not know, pass through', () => {
    const text = 'apiVersion: networking.istio.io/v1beta1\nkind: Gateway\nmetadata:\n  name: gw\nspec:\n  selector: {istio: ingressgateway}\n---\nfoo: bar\n';
    assert.deepEqual(docs(kubeInject([{ name: 'g.yaml', text }], settings)), docs(text));
  });

  test('unparseable input is one line naming file and document', () => {
    const bad = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n---\nkind: [unclosed\n';
    assert.throws(() => kubeInject([{ name: 'bad.yaml', text: bad }], settings), (e: Error) => {
      assert.match(e.message, /^bad\.yaml.* document 2: /);
      assert.ok(!e.message.includes('\n'), e.message);
      return true;
    });
    assert.throws(() => kubeInject([{ name: 'scalar.yaml', text: 'just text\n' }], settings), /^Error: scalar\.yaml.*document 1: not a Kubernetes object/);
  });

  test('a workload without containers is an error naming the document', () => {
    const text = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template: {}\n';
    assert.throws(() => kubeInject([{ name: 'd.yaml', text }], settings), /^Error: d\.yaml.*document 1 \(Deployment d\): spec\.template\.spec\.containers is required$/);
  });
});
