import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config/errors.js';
import type { ServiceSpec } from '../config/k8s/service.js';
import type { Resource } from '../config/resource.js';
import { AddressAllocator } from './addresses.js';
import { AdmissionError, makeAdmission, type Admission } from './admission.js';
import { applySources, deleteSources, type ApplyRequest } from './apply.js';
import { packageRoot } from './paths.js';
import { Store } from './store/store.js';

interface Env {
  store: Store;
  addresses: AddressAllocator;
  admission: Admission;
  apply(text: string, extra?: Partial<ApplyRequest>): string[];
}

function setup(namespaces: string[] = ['demo']): Env {
  const store = new Store();
  for (const name of namespaces) store.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  const addresses = new AddressAllocator(200);
  const admission = makeAdmission(store, addresses, (p) => p);
  const apply = (text: string, extra: Partial<ApplyRequest> = {}): string[] =>
    applySources(store, admission, { sources: [{ name: 'm.yaml', text }], namespace: 'demo', enforceNamespace: false, mode: 'apply', dryRun: false, ...extra }).lines;
  return { store, addresses, admission, apply };
}

/** Everything the store holds, in a stable order, for before/after comparisons. */
function contents(store: Store): string {
  return JSON.stringify(store.all().sort((a, b) => `${a.kind}/${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.namespace}/${b.metadata.name}`)));
}

function throwsWith(fn: () => unknown, status: number, message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof AdmissionError, String(err));
    assert.equal(err.status, status);
    assert.match(err.message, message);
    return true;
  });
}

const servicesA = readFileSync(join(packageRoot, 'samples', 'happy-istio', 'services-a.yaml'), 'utf8');

const configMap = (name: string, value = 'x', ns?: string): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ''}data:\n  k: "${value}"\n`;

const service = (name: string, extra = ''): string =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  selector:\n    app: ${name}\n  ports:\n  - port: 80\n${extra}`;

const pod = (image: string): string =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: ${image}\n`;

describe('applySources', () => {
  test("carries Istio's warnings beside the lines, and stores the object", () => {
    const { store, admission } = setup();
    const dr = 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: r\nspec:\n  host: r\n  trafficPolicy:\n    outlierDetection:\n      consecutiveErrors: 5\n';
    const r = applySources(store, admission, { sources: [{ name: 'dr.yaml', text: dr }], namespace: 'demo', enforceNamespace: false, mode: 'apply', dryRun: false });
    assert.deepEqual(r.lines, ['destinationrule.networking.istio.io/r created']);
    assert.deepEqual(r.warnings, ['outlier detection consecutive errors is deprecated, use consecutiveGatewayErrors or consecutive5xxErrors instead']);
    assert.ok(store.get('DestinationRule', 'demo', 'r'));
    assert.deepEqual(applySources(store, admission, { sources: [{ name: 'm.yaml', text: configMap('c') }], namespace: 'demo', enforceNamespace: false, mode: 'apply', dryRun: false }).warnings, []);
  });

  test('reports created, configured and unchanged in kubectl words', () => {
    const { apply } = setup();
    assert.deepEqual(apply(servicesA), [
      'serviceaccount/service-a created',
      'service/service-a created',
      'deployment.apps/service-a created',
    ]);
    const again = apply(servicesA);
    assert.equal(again[0], 'serviceaccount/service-a unchanged');
    assert.equal(again[2], 'deployment.apps/service-a unchanged');
    const changed = apply(servicesA.replace('replicas: 1', 'replicas: 2'));
    assert.equal(changed[2], 'deployment.apps/service-a configured');
    assert.equal(apply(configMap('settings')).join(), 'configmap/settings created');
    assert.equal(apply(configMap('settings', 'y')).join(), 'configmap/settings configured');
    assert.equal(apply(configMap('settings', 'y')).join(), 'configmap/settings unchanged');
  });

  test('re-applying an unchanged Service reports it unchanged', () => {
    const { apply, store } = setup();
    apply(servicesA);
    const generation = store.get('Service', 'demo', 'service-a')!.metadata.generation;
    assert.equal(apply(servicesA)[1], 'service/service-a unchanged');
    assert.equal(store.get('Service', 'demo', 'service-a')!.metadata.generation, generation);
  });

  test('an unchanged apply leaves the resource version alone; a change bumps generation', () => {
    const { apply, store } = setup();
    apply(configMap('a'));
    const before = store.resourceVersion;
    apply(configMap('a'));
    assert.equal(store.resourceVersion, before);
    apply(servicesA);
    const d1 = store.get('Deployment', 'demo', 'service-a')!;
    apply(servicesA.replace('replicas: 1', 'replicas: 3'));
    const d2 = store.get('Deployment', 'demo', 'service-a')!;
    assert.equal(d2.metadata.uid, d1.metadata.uid);
    assert.equal(d2.metadata.generation, (d1.metadata.generation ?? 0) + 1);
  });

  test('dry run reports but stores nothing', () => {
    const { apply, store } = setup();
    const before = contents(store);
    assert.deepEqual(apply(configMap('a'), { dryRun: true }), ['configmap/a created (dry run)']);
    assert.equal(contents(store), before);
  });

  test('a dry run refuses what the real apply would refuse', () => {
    const { apply } = setup();
    apply(pod('busybox'));
    throwsWith(() => apply(pod('nginx'), { dryRun: true }), 422, /Pod "p" is invalid/);
  });

  test('an invalid second document changes nothing', () => {
    const { apply, store } = setup();
    apply(configMap('a'));
    const version = store.resourceVersion;
    const before = contents(store);
    const text = `${configMap('a', 'changed')}---\n${configMap('b')}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  bogus: 1\n`;
    assert.throws(() => apply(text), (err: unknown) => err instanceof ConfigError && /metadata\.bogus/.test(err.message));
    assert.equal(store.resourceVersion, version);
    assert.equal(contents(store), before);
  });

  test('a second document refused by admission changes nothing', () => {
    const { apply, store } = setup();
    apply(pod('busybox'));
    const version = store.resourceVersion;
    const before = contents(store);
    throwsWith(() => apply(`${configMap('a')}---\n${pod('nginx')}`), 422, /^m\.yaml document 2: Pod "p" is invalid: spec: Forbidden/);
    assert.equal(store.resourceVersion, version);
    assert.equal(contents(store), before);
  });

  test('a refused apply does not use up a cluster IP', () => {
    const { apply, store, addresses } = setup();
    apply(pod('busybox'));
    assert.throws(() => apply(`${service('web')}---\n${pod('nginx')}`), AdmissionError);
    assert.equal(store.get('Service', 'demo', 'web'), undefined);
    // Hand out every service address left: the one the refused request took must be among them.
    const handedOut = new Set<string>();
    for (;;) {
      try {
        handedOut.add(addresses.allocate('service'));
      } catch {
        break;
      }
    }
    assert.ok(handedOut.has('127.200.1.1'), `${handedOut.size} addresses left, 127.200.1.1 not among them`);
  });

  test('a cluster IP held by another Service is refused', () => {
    const { apply, store } = setup();
    apply(service('a'));
    const taken = (store.get('Service', 'demo', 'a')!.spec as ServiceSpec).clusterIP!;
    throwsWith(() => apply(service('b', `  clusterIP: ${taken}\n`)), 422, /already allocated/);
    assert.equal(store.get('Service', 'demo', 'b'), undefined);
  });

  test('an object in a namespace that does not exist is refused and nothing is stored', () => {
    const { apply, store } = setup();
    const version = store.resourceVersion;
    throwsWith(() => apply(`${configMap('a')}---\n${configMap('b', 'x', 'x')}`), 404, /^namespaces "x" not found$/);
    throwsWith(() => apply(configMap('a'), { namespace: 'x' }), 404, /^namespaces "x" not found$/);
    assert.equal(store.resourceVersion, version);
    assert.equal(store.get('ConfigMap', 'demo', 'a'), undefined);
  });

  test('a Namespace and objects in it can come in one request, in either order', () => {
    const { apply, store } = setup();
    const ns = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n';
    assert.deepEqual(apply(`${configMap('a', 'x', 'team')}---\n${ns}`), ['configmap/a created', 'namespace/team created']);
    assert.ok(store.get('Namespace', undefined, 'team'));
    assert.ok(store.get('ConfigMap', 'team', 'a'));
  });

  test('an object in a namespace being deleted is forbidden', () => {
    const { apply, store } = setup();
    store.update('Namespace', undefined, 'demo', (r) => {
      r.metadata.deletionTimestamp = new Date().toISOString();
    });
    throwsWith(() => apply(configMap('a')), 403, /unable to create new content in namespace demo because it is being terminated/);
  });

  test('create mode refuses an existing object and a duplicate in one request', () => {
    const { apply, store } = setup();
    assert.deepEqual(apply(servicesA, { mode: 'create' }), [
      'serviceaccount/service-a created',
      'service/service-a created',
      'deployment.apps/service-a created',
    ]);
    const version = store.resourceVersion;
    throwsWith(() => apply(servicesA, { mode: 'create' }), 409, /^serviceaccounts "service-a" already exists$/);
    throwsWith(() => apply(`${configMap('n')}---\n${configMap('other')}---\n${servicesA}`, { mode: 'create' }), 409, /^serviceaccounts "service-a" already exists$/);
    throwsWith(() => apply(`${configMap('twice')}---\n${configMap('twice')}`, { mode: 'create' }), 409, /ConfigMap "twice" appears twice/);
    assert.equal(store.resourceVersion, version);
    assert.equal(store.get('ConfigMap', 'demo', 'n'), undefined);
  });

  test('services get a cluster IP in 127.200.1-63.x and keep it on re-apply', () => {
    const { apply, store } = setup();
    apply(`${service('one')}---\n${service('two')}`);
    const ip = (name: string): string | undefined => (store.get('Service', 'demo', name)!.spec as ServiceSpec).clusterIP;
    const ips = [ip('one')!, ip('two')!];
    for (const a of ips) {
      const m = /^127\.200\.(\d+)\.(\d+)$/.exec(a);
      assert.ok(m, a);
      assert.ok(Number(m[1]) >= 1 && Number(m[1]) <= 63, a);
    }
    assert.notEqual(ips[0], ips[1]);
    const svc = store.get('Service', 'demo', 'one')!.spec as ServiceSpec;
    assert.deepEqual(svc.clusterIPs, [ips[0]]);
    assert.equal(svc.type, 'ClusterIP');
    assert.deepEqual(svc.ports, [{ port: 80, protocol: 'TCP', targetPort: 80 }]);
    apply(service('one', '  - port: 81\n    name: b\n').replace('- port: 80', '- port: 80\n    name: a'));
    assert.equal(ip('one'), ips[0]);
    assert.equal((store.get('Service', 'demo', 'one')!.spec as ServiceSpec).ports?.length, 2);
  });

  test('a Service clusterIP cannot change, must be in the block, and None stays None', () => {
    const { apply, store } = setup();
    apply(service('one'));
    const ip = (store.get('Service', 'demo', 'one')!.spec as ServiceSpec).clusterIP!;
    const other = ip === '127.200.1.9' ? '127.200.1.10' : '127.200.1.9';
    throwsWith(() => apply(service('one', `  clusterIP: ${other}\n`)), 422, /spec\.clusterIP: Invalid value: .*field is immutable/);
    throwsWith(() => apply(service('two', '  clusterIP: 10.0.0.1\n')), 422, /not in this runtime's range 127\.200\.0\.0\/16/);
    apply(service('headless', '  clusterIP: None\n'));
    assert.equal((store.get('Service', 'demo', 'headless')!.spec as ServiceSpec).clusterIP, 'None');
    apply(service('fixed', '  clusterIP: 127.200.5.5\n'));
    assert.equal((store.get('Service', 'demo', 'fixed')!.spec as ServiceSpec).clusterIP, '127.200.5.5');
  });

  test('addresses already held by stored services are not handed out again', () => {
    const store = new Store();
    store.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } });
    store.put({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'old', namespace: 'demo' }, spec: { clusterIP: '127.200.1.1', ports: [{ port: 80 }] } });
    const admission = makeAdmission(store, new AddressAllocator(200), (p) => p);
    applySources(store, admission, { sources: [{ name: 'm.yaml', text: service('new') }], namespace: 'demo', enforceNamespace: false, mode: 'apply', dryRun: false });
    assert.equal((store.get('Service', 'demo', 'new')!.spec as ServiceSpec).clusterIP, '127.200.1.2');
  });

  test('a Pod spec change is refused; an unchanged Pod is unchanged', () => {
    const { apply, store } = setup();
    assert.deepEqual(apply(pod('busybox')), ['pod/p created']);
    assert.deepEqual(apply(pod('busybox')), ['pod/p unchanged']);
    throwsWith(() => apply(pod('nginx')), 422, /Pod "p" is invalid: spec: Forbidden: pod updates may not change fields other than metadata/);
    const stored = store.get('Pod', 'demo', 'p')!.spec as { containers: Array<{ image: string }> };
    assert.equal(stored.containers[0]!.image, 'busybox');
  });

  test('the mutation hook sees new pods only', () => {
    const store = new Store();
    store.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } });
    const seen: string[] = [];
    const admission = makeAdmission(store, new AddressAllocator(200), (p) => {
      seen.push(p.metadata.name);
      return { ...p, metadata: { ...p.metadata, labels: { ...(p.metadata.labels ?? {}), injected: 'yes' } } };
    });
    const req: ApplyRequest = { sources: [{ name: 'm.yaml', text: pod('busybox') }], namespace: 'demo', enforceNamespace: false, mode: 'apply', dryRun: false };
    applySources(store, admission, req);
    assert.equal(store.get('Pod', 'demo', 'p')!.metadata.labels?.injected, 'yes');
    assert.deepEqual(seen, ['p']);
  });

  test('status and uid survive a re-apply', () => {
    const { apply, store } = setup();
    apply(servicesA);
    const before = store.get('Deployment', 'demo', 'service-a')!;
    store.setStatus('Deployment', 'demo', 'service-a', { replicas: 1 });
    apply(servicesA.replace('replicas: 1', 'replicas: 2'));
    const after = store.get('Deployment', 'demo', 'service-a')!;
    assert.equal(after.metadata.uid, before.metadata.uid);
    assert.equal(after.metadata.creationTimestamp, before.metadata.creationTimestamp);
    assert.deepEqual(after.status, { replicas: 1 });
  });

  test('an empty request is refused', () => {
    const { apply } = setup();
    throwsWith(() => apply('# nothing\n'), 400, /no objects passed to apply/);
  });
});

describe('deleteSources', () => {
  test('removes what exists and reports what does not, unless told to ignore it', () => {
    const { apply, store } = setup();
    apply(`${configMap('a')}---\n${configMap('b')}`);
    const removed: string[] = [];
    const remove = (r: Resource): string => {
      store.delete(r.kind, r.metadata.namespace, r.metadata.name);
      removed.push(r.metadata.name);
      return `configmap "${r.metadata.name}" deleted`;
    };
    const sources = [{ name: 'm.yaml', text: `${configMap('a')}---\n${configMap('missing')}` }];
    throwsWith(
      () => deleteSources(store, { sources, namespace: 'demo', enforceNamespace: false, ignoreNotFound: false }, remove),
      404,
      /^configmap "a" deleted\nError from server \(NotFound\): configmaps "missing" not found$/,
    );
    assert.deepEqual(removed, ['a']);
    const lines = deleteSources(store, { sources: [{ name: 'm.yaml', text: `${configMap('b')}---\n${configMap('missing')}` }], namespace: 'demo', enforceNamespace: false, ignoreNotFound: true }, remove);
    assert.deepEqual(lines, ['configmap "b" deleted']);
    assert.equal(store.list({ kind: 'ConfigMap' }).length, 0);
  });

  test('an invalid document deletes nothing', () => {
    const { apply, store } = setup();
    apply(configMap('a'));
    const remove = (): string => assert.fail('nothing should be removed');
    assert.throws(
      () => deleteSources(store, { sources: [{ name: 'm.yaml', text: `${configMap('a')}---\nkind: Nope\n` }], namespace: 'demo', enforceNamespace: false, ignoreNotFound: false }, remove),
      ConfigError,
    );
    assert.ok(store.get('ConfigMap', 'demo', 'a'));
  });
});

describe('no object size limit, and YAML aliases multiply size (issue 7 defect 2)', () => {
  test('an oversized ConfigMap or an alias bomb among valid documents applies nothing', () => {
    const { apply, store } = setup();
    apply(configMap('a'));
    const before = contents(store);
    const oversized = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  k: "${'x'.repeat(1100 * 1024)}"\n`;
    const bomb = 'a: &a [x, x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n';
    for (const bad of [oversized, bomb]) {
      assert.throws(
        () => apply(`${configMap('a', 'changed')}---\n${configMap('b')}---\n${bad}`),
        (err: unknown) => err instanceof ConfigError && err.issues.length === 1 && err.issues[0]!.source?.document === 3,
      );
      assert.equal(contents(store), before);
    }
  });
});
