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
    assert.match(issues[0]!.message, /^Deployment is not served in "v1" \(served: extensions\/v1beta1, apps\/v1beta1, apps\/v1beta2, apps\/v1\)$/);
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
    assert.match(issues[0]!.message, /^Invalid value: "-bad-": a valid label must be an empty string or consist of alphanumeric characters/);
    assert.equal(issues[0]!.line, 6);
  });

  test('an invalid label key', () => {
    const issues = issuesOf([{ name: 'd.yaml', text: deployment({ metadataExtra: '  labels:\n    "bad key": x' }) }]);
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.path, 'metadata.labels');
    assert.equal(
      issues[0]!.message,
      `Invalid value: "bad key": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    );
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

describe('no object size limit, and YAML aliases multiply size (issue 7 defect 2)', () => {
  const configMap = (data: string, name = 'big'): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n${data}`;
  const mib = 1024 * 1024;

  test("a ConfigMap's data over 1 MiB is too long, naming the field, as Kubernetes words it", () => {
    const issues = issuesOf([{ name: 'cm.yaml', text: configMap(`  a: "${'x'.repeat(700 * 1024)}"\n  b: "${'x'.repeat(400 * 1024)}"\n`) }]);
    assert.equal(issues.length, 1);
    assert.equal(formatIssue(issues[0]!), `cm.yaml:6 document 1 (ConfigMap demo/big): data: Too long: must have at most 1048576 bytes (has ${1100 * 1024 + 2})`);
  });

  test('exactly 1 MiB of ConfigMap data is accepted; binaryData counts decoded', () => {
    const value = 'x'.repeat(mib - 1);
    assert.equal(loadResources([{ name: 'cm.yaml', text: configMap(`  k: "${value}"\n`) }], opts).length, 1);
    const binary = Buffer.alloc(600 * 1024).toString('base64');
    const issues = issuesOf([{ name: 'cm.yaml', text: `${configMap(`  k: "${'x'.repeat(500 * 1024)}"\n`)}binaryData:\n  b: ${binary}\n` }]);
    assert.equal(issues[0]!.path, 'data');
    assert.match(issues[0]!.message, /^Too long: must have at most 1048576 bytes/);
  });

  test("a Secret's data and stringData together over 1 MiB are too long", () => {
    const text = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  a: ${Buffer.alloc(600 * 1024).toString('base64')}\nstringData:\n  b: "${'x'.repeat(500 * 1024)}"\n`;
    const issues = issuesOf([{ name: 's.yaml', text }]);
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.path, 'data');
    assert.match(issues[0]!.message, /^Too long: must have at most 1048576 bytes/);
  });

  test('annotations over 256 KiB in all are too long, on any kind and in pod templates', () => {
    const half = 'x'.repeat(130 * 1024);
    const issues = issuesOf([{ name: 'd.yaml', text: deployment({ metadataExtra: `  annotations:\n    a: "${half}"\n    b: "${half}"` }) }]);
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.path, 'metadata.annotations');
    assert.equal(issues[0]!.message, 'Too long: must have at most 262144 bytes');
    const template = deployment().replace('      labels:\n', `      annotations:\n        a: "${half}"\n        b: "${half}"\n      labels:\n`);
    assert.equal(issuesOf([{ name: 'd.yaml', text: template }])[0]!.path, 'spec.template.metadata.annotations');
  });

  test('an annotation key is checked as Kubernetes checks it, case aside', () => {
    const ok = loadResources([{ name: 'd.yaml', text: deployment({ metadataExtra: '  annotations:\n    Example.COM/Some_Key: v' }) }], opts);
    assert.equal(ok.length, 1);
    const issues = issuesOf([{ name: 'd.yaml', text: deployment({ metadataExtra: '  annotations:\n    a/b/c: v' }) }]);
    assert.equal(issues[0]!.path, 'metadata.annotations');
    assert.match(issues[0]!.message, /^Invalid value: "a\/b\/c": a qualified name must consist of .* with an optional DNS subdomain prefix and '\/' \(e\.g\. 'example\.com\/MyName'\)$/);
  });

  test('a label value over 63 characters says so in Kubernetes words', () => {
    const issues = issuesOf([{ name: 'd.yaml', text: deployment({ metadataExtra: `  labels:\n    app: ${'a'.repeat(300)}` }) }]);
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.path, 'metadata.labels.app');
    assert.match(issues[0]!.message, /^Invalid value: "a{80}\.\.\.\(220 more characters\)": must be no more than 63 characters$/);
  });

  test('a 20 MB object is refused as too large, naming the field that holds it', () => {
    const issues = issuesOf([{ name: 'huge.yaml', text: configMap(`  big: ${'x'.repeat(20 * mib)}\n`) }]);
    assert.equal(issues.length, 1);
    assert.equal(
      formatIssue(issues[0]!),
      'huge.yaml:6 document 1 (ConfigMap big): data.big: Too long: the object must have at most 1572864 bytes as JSON, aliases expanded (this field holds the most)',
    );
  });

  test('a 1 MB string aliased 90 times is too large, naming the map that repeats it', () => {
    const aliases = Array.from({ length: 89 }, (_, i) => `  k${i + 1}: *big\n`).join('');
    const issues = issuesOf([{ name: 'alias.yaml', text: configMap(`  k0: &big "${'x'.repeat(mib)}"\n${aliases}`) }]);
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.path, 'data');
    assert.match(issues[0]!.message, /^Too long: the object must have at most 1572864 bytes as JSON, aliases expanded/);
    // Aliases that stay small are fine.
    assert.equal(loadResources([{ name: 'ok.yaml', text: configMap('  a: &v hello\n  b: *v\n') }], opts).length, 1);
  });

  test('an alias bomb is refused naming file and document, not thrown', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]'].join('\n');
    const issues = issuesOf([{ name: 'ok.yaml', text: configMap('  k: v\n', 'fine') }, { name: 'bomb.yaml', text: `${configMap('  k: v\n')}---\n${bomb}\n` }]);
    assert.equal(issues.length, 1);
    assert.equal(formatIssue(issues[0]!), 'bomb.yaml:8 document 2: too many alias expansions: aliases may repeat their anchors at most 100 times in all');
  });

  test('nesting is bounded, however deep the input', () => {
    // A ServiceAccount's secrets hold anything: the object, its list and 98 more lists are 100 levels.
    const account = (depth: number): string => `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\nsecrets: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;
    assert.equal(loadResources([{ name: 'deep.yaml', text: account(99) }], opts).length, 1);
    const issues = issuesOf([{ name: 'deep.yaml', text: account(100) }]);
    assert.equal(issues.length, 1);
    assert.equal(formatIssue(issues[0]!), 'deep.yaml:5 document 1 (ServiceAccount sa): secrets[0][0][0][0][0][0][0]…: nested too deeply: at most 100 levels of maps and lists');
    // Far deeper input overflows the YAML composer itself: still one issue, not a crash.
    const deeper = issuesOf([{ name: 'deep.yaml', text: account(5000) }]);
    assert.equal(deeper.length, 1);
    assert.equal(formatIssue(deeper[0]!), 'deep.yaml:5 document 1: nested too deeply: at most 100 levels of maps and lists');
  });

  test('20,000 documents are refused at the 1001st object, naming it', () => {
    const text = Array.from({ length: 20000 }, (_, i) => configMap('  k: v\n', `c${i}`)).join('---\n');
    const issues = issuesOf([{ name: 'many.yaml', text }]);
    assert.equal(issues.length, 1);
    assert.equal(formatIssue(issues[0]!), 'many.yaml:7001 document 1001: too many objects in one request: at most 1000 (documents and List items); apply fewer files at a time');
    assert.equal(loadResources([{ name: 'many.yaml', text: text.split('---\n').slice(0, 1000).join('---\n') }], opts).length, 1000);
  });

  test('YAML that would cost more than the token budget is refused before it is built', () => {
    const issues = issuesOf([{ name: 'flow.yaml', text: `${configMap('  k: v\n')}spec: [${'{}, '.repeat(300_000)}]\n` }]);
    assert.equal(issues.length, 1);
    assert.match(formatIssue(issues[0]!), /^flow\.yaml:7 document 1: too much YAML in one request: more than 500000 tokens/);
  });

  test('a repeated key is still an error in a map of 20,000 keys', () => {
    const keys = Array.from({ length: 20000 }, (_, i) => `  k${i}: v\n`).join('');
    const issues = issuesOf([{ name: 'dup.yaml', text: configMap(`${keys}  k7: again\n`) }]);
    assert.equal(issues.length, 1);
    assert.equal(formatIssue(issues[0]!), 'dup.yaml:20006 document 1: YAML syntax error: duplicate key "k7": map keys must be unique');
  });
});

describe('loadResources: Deployment in older versions', () => {
  const old = (apiVersion: string, selector = '') => [
    `apiVersion: ${apiVersion}`, 'kind: Deployment', 'metadata:', '  name: web', 'spec:', selector,
    '  template:', '    metadata:', '      labels:', '        app: web', '    spec:', '      containers:', '      - name: web', '        image: nginx', '',
  ].filter((l) => l !== '').join('\n');

  test('extensions/v1beta1, apps/v1beta1 and apps/v1beta2 are stored as apps/v1, the selector taken from the labels', () => {
    for (const v of ['extensions/v1beta1', 'apps/v1beta1', 'apps/v1beta2']) {
      const [d] = loadResources([{ name: 'd.yaml', text: old(v) }], opts);
      assert.equal(d!.resource.apiVersion, 'apps/v1', v);
      assert.deepEqual((d!.resource.spec as { selector: unknown }).selector, { matchLabels: { app: 'web' } }, v);
    }
  });

  test('apps/v1 still requires a selector; a given one is kept in old versions', () => {
    const issues = issuesOf([{ name: 'd.yaml', text: old('apps/v1') }]);
    assert.deepEqual(issues.map((i) => [i.path, i.message]), [['spec.selector', 'required field is missing']]);
    const [d] = loadResources([{ name: 'd.yaml', text: old('extensions/v1beta1', '  selector:\n    matchLabels:\n      app: web') }], opts);
    assert.deepEqual((d!.resource.spec as { selector: unknown }).selector, { matchLabels: { app: 'web' } });
  });

  test('a field set to null is a field left out (Helm writes `annotations:` with nothing after it)', () => {
    const text = deployment({ metadataExtra: '  annotations:' }).replace('  template:', '  strategy:\n    rollingUpdate:\n  template:');
    const [d] = loadResources([{ name: 'd.yaml', text }], opts);
    assert.equal(d!.resource.metadata.annotations, undefined);
    assert.deepEqual((d!.resource.spec as { strategy: unknown }).strategy, {});
  });
});

describe('loadResources: Istio warnings', () => {
  test('a valid object keeps its warnings, each naming file, line, object and field', () => {
    const text = [
      'apiVersion: networking.istio.io/v1',
      'kind: DestinationRule',
      'metadata:',
      '  name: reviews',
      'spec:',
      '  host: reviews',
      '  trafficPolicy:',
      '    outlierDetection:',
      '      consecutiveErrors: 7',
      '',
    ].join('\n');
    const [doc] = loadResources([{ name: 'dr.yaml', text }], opts);
    assert.deepEqual(doc!.warnings.map(formatIssue), [
      'dr.yaml:9 document 1 (DestinationRule demo/reviews): spec.trafficPolicy.outlierDetection.consecutiveErrors: outlier detection consecutive errors is deprecated, use consecutiveGatewayErrors or consecutive5xxErrors instead',
    ]);
  });

  test('the gaps a user found: an empty Sidecar is refused; a VirtualService without hosts is a delegate, as in Istio', () => {
    const sidecar = 'apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: s\nspec:\n  egress: []\n';
    assert.deepEqual(issuesOf([{ name: 's.yaml', text: sidecar }]).map((i) => i.message), ['sidecar: empty configuration provided']);
    const vs = 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: v\nspec:\n  gateways: [gw]\n  http:\n  - route:\n    - destination: {host: r}\n';
    assert.deepEqual(issuesOf([{ name: 'v.yaml', text: vs }]).map((i) => i.message), ['delegate virtual service must have no gateways specified']);
  });
});
