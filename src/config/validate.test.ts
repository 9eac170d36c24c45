import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../runtime/paths.js';
import { ConfigError, formatIssue, type ConfigIssue } from './errors.js';
import type { Source } from './parse.js';
import { loadResources, type ValidateOptions } from './validate.js';

const samples = join(packageRoot, 'samples', 'happy-istio');
const opts: ValidateOptions = { defaultNamespace: 'demo' };

function sample(file: string): Source {
  return { name: file, text: readFileSync(join(samples, file), 'utf8') };
}

/** Runs loadResources expecting it to fail, and returns the issues it reported. */
function issuesOf(sources: Source[], o: ValidateOptions = opts): ConfigIssue[] {
  try {
    loadResources(sources, o);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    assert.equal(err.code, 'WEFT_ERR_INVALID_CONFIG');
    assert.equal(err.message, err.issues.map(formatIssue).join('\n'));
    return err.issues;
  }
  assert.fail('expected a ConfigError');
}

/**
 * A valid Deployment. Without metadataExtra (inserted after line 4) its lines are: 1 apiVersion, 4 name,
 * 12 the template's app label, 15 "- name: web" (the first container), 16 what `container` holds.
 */
function deployment(o: { container?: string; templateApp?: string; metadataExtra?: string } = {}): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: web',
    ...(o.metadataExtra ? [o.metadataExtra] : []),
    'spec:',
    '  selector:',
    '    matchLabels:',
    '      app: web',
    '  template:',
    '    metadata:',
    '      labels:',
    `        app: ${o.templateApp ?? 'web'}`,
    '    spec:',
    '      containers:',
    '      - name: web',
    o.container ?? '        image: nginx',
    '',
  ].join('\n');
}

describe('loadResources: workshop manifests', () => {
  test('every file in samples/happy-istio loads, namespaced by the default namespace', () => {
    const files = readdirSync(samples).filter((f) => f.endsWith('.yaml')).sort();
    assert.ok(files.length >= 10, files.join(','));
    const docs = loadResources(files.map(sample), { defaultNamespace: 'istioinaction' });
    const kinds = new Set(docs.map((d) => d.resource.kind));
    for (const k of ['ServiceAccount', 'Service', 'Deployment', 'VirtualService', 'DestinationRule', 'Gateway', 'AuthorizationPolicy', 'PeerAuthentication']) {
      assert.ok(kinds.has(k), k);
    }
    for (const d of docs) assert.equal(d.resource.metadata.namespace, 'istioinaction', `${d.resource.kind} ${d.resource.metadata.name}`);
  });

  test('services-a.yaml gives a ServiceAccount, a Service and a Deployment in file order', () => {
    const docs = loadResources([sample('services-a.yaml')], opts);
    assert.deepEqual(
      docs.map((d) => [d.doc.source.document, d.resource.kind, d.resource.metadata.name, d.resource.metadata.namespace]),
      [
        [1, 'ServiceAccount', 'service-a', 'demo'],
        [2, 'Service', 'service-a', 'demo'],
        [3, 'Deployment', 'service-a', 'demo'],
      ],
    );
  });

  test('services-c-v2.yaml, which starts with ---, yields exactly one Deployment', () => {
    const text = sample('services-c-v2.yaml').text;
    assert.ok(text.startsWith('---'));
    const docs = loadResources([sample('services-c-v2.yaml')], opts);
    assert.equal(docs.length, 1);
    assert.equal(docs[0]!.resource.kind, 'Deployment');
    assert.equal(docs[0]!.resource.metadata.name, 'service-c-v2');
  });

  test('an explicit metadata.namespace wins over the default', () => {
    const docs = loadResources([sample('peer-auth-strict.yaml')], { defaultNamespace: 'other' });
    assert.equal(docs[0]!.resource.metadata.namespace, 'istioinaction');
  });
});

describe('loadResources: errors', () => {
  test('a YAML syntax error names the file and the line', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b: c\n';
    const issues = issuesOf([{ name: 'broken.yaml', text }]);
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.line, 6);
    assert.match(issues[0]!.message, /^YAML syntax error: /);
    assert.match(formatIssue(issues[0]!), /^broken\.yaml:6 document 1: YAML syntax error: /);
  });

  test('a syntax error in the second document counts documents and lines from the file start', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y: z\n';
    const issues = issuesOf([{ name: 'two.yaml', text }]);
    assert.ok(issues.length >= 1);
    for (const i of issues) {
      assert.equal(i.source?.document, 2);
      assert.equal(i.line, 9);
    }
  });

  test('a document without kind and apiVersion reports both', () => {
    const issues = issuesOf([{ name: 'bare.yaml', text: 'metadata:\n  name: x\n' }]);
    assert.deepEqual(issues.map((i) => [i.path, i.message]), [
      ['kind', 'kind is required'],
      ['apiVersion', 'apiVersion is required'],
    ]);
    assert.equal(formatIssue(issues[0]!), 'bare.yaml:1 document 1: kind: kind is required');
  });

  test('a document that is not a mapping is refused', () => {
    const issues = issuesOf([{ name: 'seq.yaml', text: '- a\n- b\n' }]);
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.path, '');
    assert.match(issues[0]!.message, /must be a mapping/);
  });

  test('an unknown kind is named, with the known kinds', () => {
    const issues = issuesOf([{ name: 'w.yaml', text: 'apiVersion: v1\nkind: Widget\nmetadata:\n  name: x\n' }]);
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.path, 'kind');
    assert.equal(issues[0]!.line, 2);
    assert.match(issues[0]!.message, /^no kind "Widget" is known in version "v1" \(known kinds: .*Deployment.*VirtualService/);
  });

  test('a known kind in a version it is not served in lists the served versions', () => {
    const text = 'apiVersion: networking.istio.io/v2\nkind: VirtualService\nmetadata:\n  name: x\nspec:\n  hosts: [a]\n';
    const issues = issuesOf([{ name: 'vs.yaml', text }]);
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.path, 'apiVersion');
    assert.equal(issues[0]!.line, 1);
    assert.equal(
      issues[0]!.message,
      'VirtualService is not served in "networking.istio.io/v2" (served: networking.istio.io/v1alpha3, networking.istio.io/v1beta1, networking.istio.io/v1)',
    );
  });

  test('a core kind under a group version is refused', () => {
    const issues = issuesOf([{ name: 'd.yaml', text: deployment().replace('apps/v1', 'v1') }]);
    assert.equal(issues.length, 1);
    assert.match(issues[0]!.message, /^Deployment is not served in "v1" \(served: apps\/v1\)$/);
  });

  test('a container without an image names the field path', () => {
    const issues = issuesOf([{ name: 'd.yaml', text: deployment({ container: '        ports: []' }) }]);
    const hit = issues.find((i) => i.path === 'spec.template.spec.containers[0].image');
    assert.ok(hit, JSON.stringify(issues));
    assert.equal(hit.object, 'Deployment web');
    assert.equal(hit.line, 15, 'the line of the container that lacks it');
    assert.equal(formatIssue(hit), 'd.yaml:15 document 1 (Deployment web): spec.template.spec.containers[0].image: required field is missing');
  });

  test('a misspelt field is an unknown field on its own line', () => {
    const issues = issuesOf([{ name: 'd.yaml', text: deployment({ container: '        image: nginx\n        imagee: nginx' }) }]);
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.path, 'spec.template.spec.containers[0].imagee');
    assert.equal(issues[0]!.message, 'unknown field "imagee"');
    assert.equal(issues[0]!.line, 17);
  });

  test('an unknown top-level and metadata field are both reported', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  lables: {}\nspecs: {}\n';
    const issues = issuesOf([{ name: 'cm.yaml', text }]);
    assert.deepEqual(issues.map((i) => [i.path, i.line]), [
      ['metadata.lables', 5],
      ['specs', 6],
    ]);
  });

  test('a selector that does not match the template labels', () => {
    const issues = issuesOf([{ name: 'd.yaml', text: deployment({ templateApp: 'other' }) }]);
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.path, 'spec.template.metadata.labels');
    assert.match(issues[0]!.message, /selector does not match template labels \(app=web missing\)/);
    assert.equal(issues[0]!.line, 12);
  });

  test('an invalid label value', () => {
    const issues = issuesOf([{ name: 'd.yaml', text: deployment({ metadataExtra: '  labels:\n    app: "-bad-"' }) }]);
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.path, 'metadata.labels.app');
    assert.match(issues[0]!.message, /^invalid label value "-bad-"/);
    assert.equal(issues[0]!.line, 6);
  });

  test('an invalid label key', () => {
    const issues = issuesOf([{ name: 'd.yaml', text: deployment({ metadataExtra: '  labels:\n    "bad key": x' }) }]);
    assert.equal(issues.length, 1);
    assert.match(issues[0]!.message, /^invalid label key "bad key"/);
  });

  test('an invalid name', () => {
    const issues = issuesOf([{ name: 'd.yaml', text: deployment().replace('name: web\nspec', 'name: Web_1\nspec') }]);
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.path, 'metadata.name');
    assert.match(issues[0]!.message, /invalid name "Web_1"/);
  });

  test('every invalid document across two files is reported in one error', () => {
    const a: Source = {
      name: 'a.yaml',
      text: `${deployment({ container: '        imagee: nginx' })}---\napiVersion: v1\nkind: Widget\nmetadata:\n  name: w\n`,
    };
    const b: Source = {
      name: 'b.yaml',
      text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n---\nkind: Service\nmetadata:\n  name: s\n',
    };
    const issues = issuesOf([a, b]);
    const where = issues.map((i) => `${i.source?.file}#${i.source?.document}:${i.path}`);
    assert.ok(where.includes('a.yaml#1:spec.template.spec.containers[0].image'), where.join(' '));
    assert.ok(where.includes('a.yaml#1:spec.template.spec.containers[0].imagee'), where.join(' '));
    assert.ok(where.includes('a.yaml#2:kind'), where.join(' '));
    assert.ok(where.includes('b.yaml#2:apiVersion'), where.join(' '));
    assert.ok(!where.some((w) => w.startsWith('b.yaml#1')), 'the valid ConfigMap has no issue');
  });

  test('enforceNamespace refuses an object naming another namespace', () => {
    const text = deployment({ metadataExtra: '  namespace: other' });
    const issues = issuesOf([{ name: 'd.yaml', text }], { defaultNamespace: 'demo', enforceNamespace: true });
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.path, 'metadata.namespace');
    assert.equal(issues[0]!.line, 5);
    assert.match(issues[0]!.message, /"other" does not match the namespace "demo"; you must pass '--namespace=other'/);
    // Without enforcement the object's own namespace is kept.
    const docs = loadResources([{ name: 'd.yaml', text }], { defaultNamespace: 'demo' });
    assert.equal(docs[0]!.resource.metadata.namespace, 'other');
    // A matching namespace is fine under enforcement.
    assert.equal(loadResources([{ name: 'd.yaml', text }], { defaultNamespace: 'other', enforceNamespace: true }).length, 1);
  });

  test('cluster-scoped kinds take no namespace', () => {
    const docs = loadResources([{ name: 'ns.yaml', text: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n' }], opts);
    assert.equal(docs[0]!.resource.metadata.namespace, undefined);
  });
});

describe('loadResources: versions and lists', () => {
  test('an Istio networking kind is accepted in v1alpha3, v1beta1 and v1', () => {
    for (const v of ['v1alpha3', 'v1beta1', 'v1']) {
      const text = `apiVersion: networking.istio.io/${v}\nkind: DestinationRule\nmetadata:\n  name: dr\nspec:\n  host: web\n`;
      const docs = loadResources([{ name: `${v}.yaml`, text }], opts);
      assert.equal(docs.length, 1, v);
      assert.equal(docs[0]!.resource.apiVersion, `networking.istio.io/${v}`);
      assert.equal(docs[0]!.resource.kind, 'DestinationRule');
    }
  });

  test('kind: List is expanded into its items, and item issues point into items', () => {
    const text = [
      'apiVersion: v1',
      'kind: List',
      'items:',
      '- apiVersion: v1',
      '  kind: ConfigMap',
      '  metadata:',
      '    name: a',
      '- apiVersion: v1',
      '  kind: Service',
      '  metadata:',
      '    name: b',
      '  spec:',
      '    ports:',
      '    - port: 80',
      '',
    ].join('\n');
    const docs = loadResources([{ name: 'list.yaml', text }], opts);
    assert.deepEqual(docs.map((d) => [d.resource.kind, d.resource.metadata.name, d.resource.metadata.namespace]), [
      ['ConfigMap', 'a', 'demo'],
      ['Service', 'b', 'demo'],
    ]);
    const bad = text.replace('    name: b', '    name: b\n    bogus: 1');
    const issues = issuesOf([{ name: 'list.yaml', text: bad }]);
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.path, 'metadata.bogus');
    assert.equal(issues[0]!.line, 12);
  });

  test('an empty file and comment-only documents load as nothing', () => {
    assert.deepEqual(loadResources([{ name: 'e.yaml', text: '' }, { name: 'c.yaml', text: '# nothing\n---\n# still nothing\n' }], opts), []);
  });
});
