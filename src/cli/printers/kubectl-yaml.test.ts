import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kubectlYaml } from './kubectl-yaml.js';

test('keys sorted, sequences flush with their key, empty collections inline', () => {
  assert.equal(
    kubectlYaml({ spec: { ports: [{ port: 80, name: 'http' }], hosts: [], subsets: {} }, kind: 'Service' }),
    'kind: Service\nspec:\n  hosts: []\n  ports:\n  - name: http\n    port: 80\n  subsets: {}\n',
  );
});

test('strings that would read back as other types are double-quoted, as go-yaml does', () => {
  assert.equal(
    kubectlYaml({ a: '80', b: 'yes', c: '', d: '2024-05-01T11:55:00Z', e: 'true', f: 'n', g: '1.5', h: 'plain' }),
    'a: "80"\nb: "yes"\nc: ""\nd: "2024-05-01T11:55:00Z"\ne: "true"\nf: "n"\ng: "1.5"\nh: plain\n',
  );
});

test('other strings needing quotes get single quotes; multi-line ones a literal block', () => {
  assert.equal(kubectlYaml({ hosts: ['*', 'a: b'] }), "hosts:\n- '*'\n- 'a: b'\n");
  assert.equal(kubectlYaml({ s: 'one\ntwo' }), 's: |-\n  one\n  two\n');
  assert.equal(kubectlYaml({ v: null }), 'v: null\n');
});

test('long strings stay on one line', () => {
  const long = 'x'.repeat(150) + ' y';
  assert.equal(kubectlYaml({ long }), `long: ${long}\n`);
});
