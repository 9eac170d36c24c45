// Deterministic random JSON for fuzzing the API: wrong types, missing and unknown fields, nulls,
// arrays, deep nesting, huge strings and YAML that is valid, hostile or noise. The same seed gives
// the same requests, so a failure can be replayed.

import type { z } from 'zod';

/** mulberry32: small, fast and good enough to pick test cases. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The parts of a zod schema's definition this generator reads. */
interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  innerType?: z.ZodType;
  entries?: Record<string, string>;
}

function defOf(schema: z.ZodType): SchemaDef {
  return (schema as unknown as { def: SchemaDef }).def;
}

/** Field names of an object schema (through optional and default). */
export function fieldsOf(schema: z.ZodType): string[] {
  let d = defOf(schema);
  while (d.innerType) d = defOf(d.innerType);
  return d.shape ? Object.keys(d.shape) : [];
}

const WORDS = [
  '', 'default', 'kube-system', 'ns', 'Namespace', 'namespaces', 'pods', 'Pod', 'po', 'deploy', 'Deployment', 'svc', 'ConfigMap', 'cm',
  'VirtualService', 'nosuchkind', 'web', 'app', 'labels', 'annotations', 'apply', 'create', 'true', 'false', '-1', '0', '10', 'deploy/web',
  'pod/x', 'a/b/c', 'Bad Key!', 'x y', '__proto__', 'constructor', 'app=web', 'a=b,c!=d', '../../etc/passwd', '%00', 'ünïcødé', '💥',
];

const MANIFESTS = [
  'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fuzz\ndata:\n  k: v\n',
  'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: fuzz-ns\n',
  'a: &a ["x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c]\n',
  `a: ${'['.repeat(3000)}${']'.repeat(3000)}\n`,
  'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dup}\ndata: {a: 1, a: 2}\n',
  '---\n---\n...\n%YAML 1.2\n---\n',
  '{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"l"}}]}',
  'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\n  annotations:\n    a: &s "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"\n    b: *s\ndata: !!binary AAAA\n',
];

/** Plausible values for fields by name, so examples get past lookups into the handlers. */
const BY_FIELD: Record<string, readonly string[]> = {
  kind: ['ns', 'Namespace', 'pods', 'deploy', 'cm', 'svc', 'vs'],
  kinds: ['Pod', 'Namespace,Service', 'ns,pods'],
  namespace: ['default', 'kube-system'],
  names: ['default', 'kube-public', 'web'],
  name: ['default', 'web'],
  ref: ['web', 'deploy/web', 'svc/web'],
};

const YAML_CHARS = ' \n\t-:?,[]{}#&*!|>\'"%@`abc019.~/\\';

export class RandomJson {
  private readonly rnd: () => number;

  constructor(seed: number, private readonly hugeBytes: number) {
    this.rnd = seeded(seed);
  }

  int(n: number): number {
    return Math.floor(this.rnd() * n);
  }

  chance(p: number): boolean {
    return this.rnd() < p;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }

  string(): string {
    const r = this.rnd();
    if (r < 0.45) return this.pick(WORDS);
    if (r < 0.6) return this.pick(MANIFESTS);
    if (r < 0.8) return Array.from({ length: this.int(60) }, () => YAML_CHARS[this.int(YAML_CHARS.length)]).join('');
    if (r < 0.97) return String.fromCharCode(...Array.from({ length: this.int(40) }, () => this.int(0xd7ff)));
    // Huge, yet within the body limit.
    return this.pick(['x', 'a: b\n', '- ', 'ü']).repeat(this.int(this.hugeBytes / 8));
  }

  /** Any JSON value, nested at most `depth` more levels. */
  value(depth = 3): unknown {
    const r = this.rnd();
    if (depth <= 0 || r < 0.5) {
      return this.pick<() => unknown>([
        () => null,
        () => this.chance(0.5),
        () => this.int(2000) - 1000,
        () => this.pick([0, -1, 1.5, 1e300, -1e-300, 2 ** 53 + 2, 65536]),
        () => this.string(),
        () => this.string(),
      ])();
    }
    if (r < 0.75) return Array.from({ length: this.int(5) }, () => this.value(depth - 1));
    const o: Record<string, unknown> = {};
    for (let i = this.int(5); i > 0; i--) o[this.chance(0.5) ? this.pick(WORDS) : this.string().slice(0, 20)] = this.value(depth - 1);
    return o;
  }

  /** A value the schema accepts, with plausible contents (real kinds, names and manifests). */
  example(schema: z.ZodType, field = ''): unknown {
    const d = defOf(schema);
    switch (d.type) {
      case 'optional':
      case 'default':
        return this.chance(0.3) ? undefined : this.example(d.innerType!, field);
      case 'object': {
        const o: Record<string, unknown> = {};
        for (const [k, s] of Object.entries(d.shape ?? {})) {
          const v = this.example(s, k);
          if (v !== undefined) o[k] = v;
        }
        return o;
      }
      case 'array':
        return Array.from({ length: 1 + this.int(3) }, () => this.example(d.element!, field));
      case 'record': {
        const o: Record<string, unknown> = {};
        for (let i = this.int(3); i > 0; i--) o[this.pick(WORDS)] = this.example(d.valueType!);
        return o;
      }
      case 'enum':
        return this.pick(Object.values(d.entries ?? {}));
      case 'string':
        if (BY_FIELD[field] && this.chance(0.8)) return this.pick(BY_FIELD[field]!);
        return this.chance(0.2) ? this.pick(MANIFESTS) : this.pick(WORDS.filter((w) => w !== ''));
      case 'number':
        return this.int(5);
      case 'boolean':
        return this.chance(0.5);
      default:
        return this.value(2);
    }
  }

  /** The value with one field or element replaced by anything, removed, or joined by an unknown one. */
  mutate(v: unknown): unknown {
    if (typeof v !== 'object' || v === null || this.chance(0.15)) return this.value();
    if (Array.isArray(v)) {
      if (v.length === 0) return [this.value()];
      const out = [...v];
      const i = this.int(out.length);
      out[i] = this.chance(0.5) ? this.mutate(out[i]) : this.value();
      return out;
    }
    const o = { ...(v as Record<string, unknown>) };
    const keys = Object.keys(o);
    const r = this.rnd();
    if (keys.length === 0 || r < 0.15) o[this.pick(WORDS)] = this.value();
    else {
      const k = this.pick(keys);
      if (r < 0.3) delete o[k];
      else if (r < 0.4) o[k] = null;
      else o[k] = this.chance(0.5) ? this.mutate(o[k]) : this.value();
    }
    return o;
  }

  /** JSON nested `n` levels deep, written directly (building the value would be as deep a recursion). */
  deepJson(n: number): string {
    return this.chance(0.5) ? `${'['.repeat(n)}${']'.repeat(n)}` : `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
  }

  /** A request body for an endpoint whose body should match `schema` (or that takes none). */
  body(schema: z.ZodType | undefined): string {
    const r = this.rnd();
    if (r < 0.04) return this.deepJson(1 + this.int(20000));
    if (r < 0.07) return this.pick(['', '{', 'null', '[]', '"x"', '1e999', '{"a":1}{', 'nan']);
    if (r < 0.2 || !schema) return JSON.stringify(this.value()) ?? 'null';
    const example = this.example(schema);
    if (r < 0.45) return JSON.stringify(example) ?? 'null';
    let v = this.mutate(example);
    if (this.chance(0.3)) v = this.mutate(v);
    if (this.chance(0.05)) v = wrapDeep(v, 1 + this.int(2000));
    return JSON.stringify(v) ?? 'null';
  }

  /** A query string of the schema's parameters (and some others) with arbitrary values. */
  query(schema: z.ZodType): string {
    const q = new URLSearchParams();
    const fields = fieldsOf(schema);
    // Values stay short: a request head over 16 KiB is refused by Node's HTTP parser before any handler.
    for (const f of fields) if (this.chance(0.7)) q.set(f, (this.chance(0.6) ? String(this.example(defOf(schema).shape?.[f] ?? schema, f) ?? '') : this.string()).slice(0, 1500));
    if (this.chance(0.2)) q.set(this.pick(WORDS) || 'x', this.string().slice(0, 200));
    if (this.chance(0.1)) q.append(this.pick(fields.length ? fields : ['x']), 'again');
    const s = q.toString();
    return s ? `?${s}` : '';
  }
}

/** Nests a value inside `n` single-element arrays, without recursion. */
function wrapDeep(v: unknown, n: number): unknown {
  let out = v;
  for (let i = 0; i < n; i++) out = [out];
  return out;
}
