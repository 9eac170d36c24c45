import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Resource } from '../../config/resource.js';
import { kindPrefix, noResourcesMessage, printResources, type PrintOptions } from './print-resources.js';

const now = new Date('2024-05-01T12:00:00Z');
const created = '2024-05-01T11:55:00Z';
const opts = (extra: Partial<PrintOptions> = {}): PrintOptions => ({ allNamespaces: false, now, showKind: false, ...extra });

const podA: Resource = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'service-a-1', namespace: 'default', creationTimestamp: created },
  spec: { containers: [{ name: 'app', image: 'img' }] },
  status: { phase: 'Running', containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: {} } }] },
};
const svcA: Resource = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'service-a', namespace: 'default', creationTimestamp: created },
  spec: { clusterIP: '127.1.0.5', ports: [{ port: 80, protocol: 'TCP' }] },
};
const depA: Resource = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'service-a', namespace: 'default', creationTimestamp: created },
  spec: { replicas: 1 },
  status: { readyReplicas: 1, updatedReplicas: 1, availableReplicas: 1 },
};
const vsC: Resource = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'service-c', namespace: 'istio-demo', creationTimestamp: created },
  spec: { hosts: ['service-c'] },
};
const ns: Resource = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default', creationTimestamp: created }, status: { phase: 'Active' } };

test('default table', () => {
  assert.equal(printResources([podA], opts()), 'NAME          READY   STATUS    RESTARTS   AGE\nservice-a-1   1/1     Running   0          5m\n');
});

test('an empty table is empty, so the caller can print kubectl\'s message', () => {
  assert.equal(printResources([], opts()), '');
  assert.equal(noResourcesMessage('default'), 'No resources found in default namespace.');
  assert.equal(noResourcesMessage(), 'No resources found');
});

test('--all-namespaces puts NAMESPACE first, except for cluster-scoped kinds', () => {
  assert.equal(
    printResources([podA], opts({ allNamespaces: true })),
    'NAMESPACE   NAME          READY   STATUS    RESTARTS   AGE\ndefault     service-a-1   1/1     Running   0          5m\n',
  );
  assert.equal(printResources([ns], opts({ allNamespaces: true })), 'NAME      STATUS   AGE\ndefault   Active   5m\n');
});

test('several kinds: kind-prefixed names, one table per kind, blank line between', () => {
  assert.equal(
    printResources([podA, svcA, depA, vsC], opts({ showKind: true })),
    [
      'NAME              READY   STATUS    RESTARTS   AGE',
      'pod/service-a-1   1/1     Running   0          5m',
      '',
      'NAME                TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE',
      'service/service-a   ClusterIP   127.1.0.5    <none>        80/TCP    5m',
      '',
      'NAME                        READY   UP-TO-DATE   AVAILABLE   AGE',
      'deployment.apps/service-a   1/1     1            1           5m',
      '',
      'NAME                                           GATEWAYS   HOSTS           AGE',
      'virtualservice.networking.istio.io/service-c   <none>     ["service-c"]   5m',
      '',
    ].join('\n'),
  );
});

test('--no-headers drops the header line and sizes columns by the rows; --show-labels adds LABELS', () => {
  assert.equal(printResources([podA], opts({ noHeaders: true })), 'service-a-1   1/1   Running   0     5m\n');
  const labelled: Resource = { ...podA, metadata: { ...podA.metadata, labels: { version: 'v1', app: 'service-a' } } };
  assert.equal(
    printResources([labelled, { ...podA, metadata: { ...podA.metadata, name: 'bare' } }], opts({ showLabels: true })),
    'NAME          READY   STATUS    RESTARTS   AGE   LABELS\nservice-a-1   1/1     Running   0          5m    app=service-a,version=v1\nbare          1/1     Running   0          5m    <none>\n',
  );
});

test('-o wide', () => {
  const out = printResources([svcA], opts({ output: 'wide' }));
  assert.equal(out, 'NAME        TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE   SELECTOR\nservice-a   ClusterIP   127.1.0.5    <none>        80/TCP    5m    <none>\n');
});

test('-o name', () => {
  assert.equal(
    printResources([podA, svcA, depA, vsC], opts({ output: 'name' })),
    'pod/service-a-1\nservice/service-a\ndeployment.apps/service-a\nvirtualservice.networking.istio.io/service-c\n',
  );
  assert.equal(kindPrefix({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy' }), 'authorizationpolicy.security.istio.io');
});

test('-o yaml of one named object prints the object, keys sorted', () => {
  assert.equal(
    printResources([svcA], opts({ output: 'yaml', single: true })),
    [
      'apiVersion: v1',
      'kind: Service',
      'metadata:',
      '  creationTimestamp: "2024-05-01T11:55:00Z"',
      '  name: service-a',
      '  namespace: default',
      'spec:',
      '  clusterIP: 127.1.0.5',
      '  ports:',
      '  - port: 80',
      '    protocol: TCP',
      '',
    ].join('\n'),
  );
});

test('-o yaml of a list request prints a v1 List, even for one or no items', () => {
  const out = printResources([vsC], opts({ output: 'yaml' }));
  assert.match(out, /^apiVersion: v1\nitems:\n- apiVersion: networking.istio.io\/v1\n/);
  assert.match(out, /\n  spec:\n    hosts:\n    - service-c\nkind: List\nmetadata:\n  resourceVersion: ""\n$/);
  assert.equal(printResources([], opts({ output: 'yaml' })), 'apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: ""\n');
});

test('-o json indents by four spaces and wraps several objects in a List', () => {
  const one = printResources([ns], opts({ output: 'json', single: true }));
  assert.equal(
    one,
    '{\n    "apiVersion": "v1",\n    "kind": "Namespace",\n    "metadata": {\n        "creationTimestamp": "2024-05-01T11:55:00Z",\n        "name": "default"\n    },\n    "status": {\n        "phase": "Active"\n    }\n}\n',
  );
  const many = JSON.parse(printResources([podA, svcA], opts({ output: 'json', single: true }))) as { kind: string; items: unknown[]; metadata: unknown };
  assert.equal(many.kind, 'List');
  assert.equal(many.items.length, 2);
  assert.deepEqual(many.metadata, { resourceVersion: '' });
});

test('-o jsonpath applies to the object, or to the List', () => {
  assert.equal(printResources([svcA], opts({ output: 'jsonpath={.spec.ports[0].port}', single: true })), '80');
  assert.equal(printResources([podA, svcA], opts({ output: 'jsonpath={.items[*].metadata.name}' })), 'service-a-1 service-a');
  assert.equal(
    printResources([podA, svcA], opts({ output: 'jsonpath={range .items[*]}{.kind}/{.metadata.name}{"\\n"}{end}' })),
    'Pod/service-a-1\nService/service-a\n',
  );
  assert.equal(printResources([svcA], opts({ output: 'jsonpath-as-json={.metadata.name}', single: true })), '[\n    "service-a"\n]\n');
  assert.throws(() => printResources([svcA], opts({ output: 'jsonpath=' })), /template format specified but no template given/);
  assert.throws(() => printResources([svcA], opts({ output: 'jsonpath={.nope}', single: true, allowMissingKeys: false })), /nope is not found/);
});

test('an unknown format names the allowed ones', () => {
  assert.throws(
    () => printResources([svcA], opts({ output: 'xml' })),
    { message: 'unable to match a printer suitable for the output format "xml", allowed formats are: json,jsonpath,jsonpath-as-json,name,wide,yaml' },
  );
  assert.throws(() => printResources([svcA], opts({ output: 'custom-columns=NAME:.metadata.name' })), /output format "custom-columns"/);
});
