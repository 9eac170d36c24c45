import { test } from 'node:test';
import assert from 'node:assert/strict';
import { istioKinds } from './index.js';

const byKind = new Map(istioKinds.map((k) => [k.kind, k]));

test('every Istio kind is listed once with its API group and versions', () => {
  assert.equal(byKind.size, istioKinds.length);
  const networking = ['VirtualService', 'DestinationRule', 'Gateway', 'ServiceEntry', 'Sidecar', 'WorkloadEntry', 'WorkloadGroup'];
  for (const k of networking) {
    assert.equal(byKind.get(k)?.group, 'networking.istio.io', k);
    assert.deepEqual(byKind.get(k)?.versions, ['v1alpha3', 'v1beta1', 'v1'], k);
  }
  for (const k of ['PeerAuthentication', 'AuthorizationPolicy', 'RequestAuthentication']) {
    assert.equal(byKind.get(k)?.group, 'security.istio.io', k);
    assert.deepEqual(byKind.get(k)?.versions, ['v1beta1', 'v1'], k);
  }
  assert.deepEqual(byKind.get('Telemetry')?.versions, ['v1alpha1', 'v1']);
  assert.equal(byKind.get('Policy')?.group, 'authentication.istio.io');
  assert.equal(byKind.get('MeshPolicy')?.namespaced, false);
});

test('names match the CRDs: plural, singular, short names', () => {
  const names = Object.fromEntries(istioKinds.map((k) => [k.kind, [k.plural, k.singular, ...k.shortNames]]));
  assert.deepEqual(names, {
    VirtualService: ['virtualservices', 'virtualservice', 'vs'],
    DestinationRule: ['destinationrules', 'destinationrule', 'dr'],
    Gateway: ['gateways', 'gateway', 'gw'],
    ServiceEntry: ['serviceentries', 'serviceentry', 'se'],
    Sidecar: ['sidecars', 'sidecar'],
    WorkloadEntry: ['workloadentries', 'workloadentry', 'we'],
    WorkloadGroup: ['workloadgroups', 'workloadgroup', 'wg'],
    PeerAuthentication: ['peerauthentications', 'peerauthentication', 'pa'],
    AuthorizationPolicy: ['authorizationpolicies', 'authorizationpolicy', 'ap'],
    RequestAuthentication: ['requestauthentications', 'requestauthentication', 'ra'],
    Telemetry: ['telemetries', 'telemetry', 'telemetry'],
    Policy: ['policies', 'policy'],
    MeshPolicy: ['meshpolicies', 'meshpolicy'],
  });
  for (const k of istioKinds) assert.equal(k.singular, k.kind.toLowerCase());
});
