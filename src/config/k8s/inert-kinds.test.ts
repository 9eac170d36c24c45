import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, formatIssue } from '../errors.js';
import { loadResources } from '../validate.js';
import { resolveKindName } from '../registry.js';

const opts = { defaultNamespace: 'demo' };

function load(text: string) {
  return loadResources([{ name: 'k.yaml', text }], opts);
}

function issues(text: string): string[] {
  try {
    load(text);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.issues.map(formatIssue);
  }
  assert.fail('expected a ConfigError');
}

describe('kinds stored without effect', () => {
  test('RBAC: cluster-scoped roles take no namespace, namespaced ones the default', () => {
    const docs = load(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
rules:
- apiGroups: [""]
  resources: [pods]
  verbs: [get, list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: reader}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}
subjects:
- {kind: ServiceAccount, name: bookinfo, namespace: demo}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: r}
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1beta1
kind: RoleBinding
metadata: {name: r}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
`);
    assert.deepEqual(docs.map((d) => [d.resource.kind, d.resource.apiVersion, d.resource.metadata.namespace]), [
      ['ClusterRole', 'rbac.authorization.k8s.io/v1', undefined],
      ['ClusterRoleBinding', 'rbac.authorization.k8s.io/v1', undefined],
      ['Role', 'rbac.authorization.k8s.io/v1', 'demo'],
      ['RoleBinding', 'rbac.authorization.k8s.io/v1', 'demo'],
    ]);
    assert.ok(docs.every((d) => d.info.inert));
  });

  test('the main fields are type-checked and a binding needs its roleRef', () => {
    assert.deepEqual(issues('apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: x}\nrules:\n- verbs: get\n'), [
      'k.yaml:5 document 1 (ClusterRole x): rules[0].verbs: expected array, received string',
    ]);
    assert.deepEqual(issues('apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: x}\nsubjects: []\n'), [
      'k.yaml:1 document 1 (RoleBinding demo/x): roleRef: required field is missing',
    ]);
    assert.match(issues('apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec:\n  scaleTargetRef: {kind: Deployment, name: web}\n').join('\n'), /spec\.maxReplicas: required field is missing/);
  });

  test('every listed version is served', () => {
    const cases: Array<[string, string, string]> = [
      ['apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'spec: {group: x.io, names: {plural: ws, kind: W}, scope: Namespaced, versions: [{name: v1}]}'],
      ['apiextensions.k8s.io/v1beta1', 'CustomResourceDefinition', 'spec: {group: x.io, names: {plural: ws, kind: W}, scope: Cluster, version: v1}'],
      ['admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', 'webhooks: [{name: a.x.io, clientConfig: {service: {name: s, namespace: n}}}]'],
      ['admissionregistration.k8s.io/v1beta1', 'ValidatingWebhookConfiguration', 'webhooks: []'],
      ['policy/v1', 'PodDisruptionBudget', 'spec: {minAvailable: 1, selector: {matchLabels: {app: a}}}'],
      ['policy/v1beta1', 'PodDisruptionBudget', 'spec: {maxUnavailable: "50%"}'],
      ['autoscaling/v1', 'HorizontalPodAutoscaler', 'spec: {scaleTargetRef: {kind: Deployment, name: a}, maxReplicas: 5, targetCPUUtilizationPercentage: 80}'],
      ['autoscaling/v2beta1', 'HorizontalPodAutoscaler', 'spec: {scaleTargetRef: {kind: Deployment, name: a}, maxReplicas: 5}'],
      ['autoscaling/v2beta2', 'HorizontalPodAutoscaler', 'spec: {scaleTargetRef: {kind: Deployment, name: a}, maxReplicas: 5}'],
      ['autoscaling/v2', 'HorizontalPodAutoscaler', 'spec: {scaleTargetRef: {kind: Deployment, name: a}, maxReplicas: 5, metrics: [{type: Resource}]}'],
      ['networking.k8s.io/v1', 'NetworkPolicy', 'spec: {podSelector: {}}'],
      ['v1', 'PersistentVolumeClaim', 'spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}'],
      ['networking.k8s.io/v1', 'Ingress', 'spec: {rules: [{host: a.example, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: s, port: {number: 80}}}}]}}]}'],
      ['networking.k8s.io/v1beta1', 'Ingress', 'spec: {backend: {serviceName: s, servicePort: 80}}'],
      ['extensions/v1beta1', 'Ingress', 'spec: {rules: [{http: {paths: [{backend: {serviceName: s, servicePort: http}}]}}]}'],
    ];
    for (const [apiVersion, kind, body] of cases) {
      const [d] = load(`apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: {name: x}\n${body}\n`);
      assert.equal(d!.resource.kind, kind, apiVersion);
    }
  });

  test('names users type resolve', () => {
    for (const [name, kind] of [['crd', 'CustomResourceDefinition'], ['pdb', 'PodDisruptionBudget'], ['hpa', 'HorizontalPodAutoscaler'], ['netpol', 'NetworkPolicy'], ['pvc', 'PersistentVolumeClaim'], ['ing', 'Ingress'], ['clusterrolebindings', 'ClusterRoleBinding'], ['rolebinding.rbac.authorization.k8s.io', 'RoleBinding']]) {
      assert.equal(resolveKindName(name!)?.kind, kind, name);
    }
  });
});
