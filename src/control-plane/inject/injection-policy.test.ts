import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isInjected, manualInjectionBlock, podInjectChoice, shouldInject, type PodLike } from './injection-policy.js';

function pod(opts: { namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; containers?: string[]; hostNetwork?: boolean } = {}): PodLike {
  return {
    metadata: {
      namespace: opts.namespace ?? 'istioinaction',
      ...(opts.labels ? { labels: opts.labels } : {}),
      ...(opts.annotations ? { annotations: opts.annotations } : {}),
    },
    spec: { containers: (opts.containers ?? ['app']).map((name) => ({ name })), ...(opts.hostNetwork ? { hostNetwork: true } : {}) },
  };
}

const enabled = { 'istio-injection': 'enabled' };
const disabled = { 'istio-injection': 'disabled' };

describe('shouldInject: namespace labels', () => {
  test('istio-injection=enabled injects, disabled or absent does not', () => {
    assert.equal(shouldInject(pod(), enabled), true);
    assert.equal(shouldInject(pod(), disabled), false);
    assert.equal(shouldInject(pod(), {}), false);
    assert.equal(shouldInject(pod(), undefined), false);
  });

  test('a value other than "enabled" disables the namespace', () => {
    assert.equal(shouldInject(pod(), { 'istio-injection': 'true' }), false);
  });

  test('an istio.io/rev label enables the namespace unless istio-injection says otherwise', () => {
    assert.equal(shouldInject(pod(), { 'istio.io/rev': 'default' }), true);
    assert.equal(shouldInject(pod(), { 'istio.io/rev': 'default', 'istio-injection': 'disabled' }), false);
  });
});

describe('shouldInject: the pod opts in or out', () => {
  test('the label or the annotation set to "false" opts out of an enabled namespace', () => {
    assert.equal(shouldInject(pod({ labels: { 'sidecar.istio.io/inject': 'false' } }), enabled), false);
    assert.equal(shouldInject(pod({ annotations: { 'sidecar.istio.io/inject': 'false' } }), enabled), false);
    // Any value that is not a YAML true means "no".
    assert.equal(shouldInject(pod({ annotations: { 'sidecar.istio.io/inject': 'nope' } }), enabled), false);
  });

  test('the label set to "true" opts in where the namespace has no label', () => {
    assert.equal(shouldInject(pod({ labels: { 'sidecar.istio.io/inject': 'true' } }), {}), true);
    assert.equal(shouldInject(pod({ labels: { 'istio.io/rev': 'default' } }), undefined), true);
  });

  test('the annotation "true" opts in anywhere, also where the namespace has no label', () => {
    assert.equal(shouldInject(pod({ annotations: { 'sidecar.istio.io/inject': 'true' } }), {}), true);
    assert.equal(shouldInject(pod({ annotations: { 'sidecar.istio.io/inject': 'false' } }), {}), false);
    assert.equal(shouldInject(pod({ annotations: { 'sidecar.istio.io/inject': 'true' } }), enabled), true);
  });

  test('a namespace labeled disabled wins over the pod', () => {
    assert.equal(shouldInject(pod({ labels: { 'sidecar.istio.io/inject': 'true' } }), disabled), false);
  });

  test('the label wins over the annotation', () => {
    const labelOn = pod({ labels: { 'sidecar.istio.io/inject': 'true' }, annotations: { 'sidecar.istio.io/inject': 'false' } });
    const labelOff = pod({ labels: { 'sidecar.istio.io/inject': 'false' }, annotations: { 'sidecar.istio.io/inject': 'true' } });
    assert.equal(shouldInject(labelOn, enabled), true);
    assert.equal(shouldInject(labelOff, enabled), false);
    assert.equal(podInjectChoice(labelOn.metadata), true);
    assert.equal(podInjectChoice(labelOff.metadata), false);
  });

  test('YAML booleans are accepted as "true"', () => {
    for (const v of ['yes', 'Y', 'on', 'TRUE']) assert.equal(podInjectChoice({ annotations: { 'sidecar.istio.io/inject': v } }), true, v);
    assert.equal(podInjectChoice({ annotations: { 'sidecar.istio.io/inject': '' } }), undefined);
    assert.equal(podInjectChoice({}), undefined);
  });
});

describe('shouldInject: safety rules', () => {
  test('a pod that already has the sidecar is not injected again', () => {
    assert.equal(shouldInject(pod({ containers: ['app', 'istio-proxy'] }), enabled), false);
    assert.equal(shouldInject(pod({ annotations: { 'sidecar.istio.io/status': '{}' } }), enabled), false);
    assert.equal(isInjected(pod({ containers: ['istio-proxy', 'app'] })), true);
    assert.equal(isInjected(pod()), false);
  });

  test('kube-system is never injected, even when the pod asks', () => {
    const asks = pod({ namespace: 'kube-system', labels: { 'sidecar.istio.io/inject': 'true' } });
    assert.equal(shouldInject(asks, enabled), false);
    assert.equal(shouldInject(pod({ namespace: 'kube-public' }), enabled), false);
  });

  test('istio-system is injected only for pods that ask', () => {
    assert.equal(shouldInject(pod({ namespace: 'istio-system' }), enabled), false);
    assert.equal(shouldInject(pod({ namespace: 'istio-system' }), {}), false);
    assert.equal(shouldInject(pod({ namespace: 'istio-system', labels: { 'sidecar.istio.io/inject': 'true' } }), {}), true);
    assert.equal(shouldInject(pod({ namespace: 'istio-system', annotations: { 'sidecar.istio.io/inject': 'true' } }), enabled), true);
  });

  test('hostNetwork pods are not injected', () => {
    assert.equal(shouldInject(pod({ hostNetwork: true }), enabled), false);
    assert.equal(shouldInject(pod({ hostNetwork: true, labels: { 'sidecar.istio.io/inject': 'true' } }), {}), false);
  });
});

describe('manualInjectionBlock', () => {
  test('kube-inject ignores namespace labels but honours opt-outs, host network and system namespaces', () => {
    assert.equal(manualInjectionBlock(pod()), undefined);
    assert.equal(manualInjectionBlock(pod({ annotations: { 'sidecar.istio.io/inject': 'false' } })), 'sidecar injection disabled');
    assert.equal(manualInjectionBlock(pod({ namespace: 'kube-system' })), 'sidecar injection disabled');
    assert.equal(manualInjectionBlock(pod({ hostNetwork: true })), 'host networking enabled');
  });
});
