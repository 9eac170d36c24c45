// How large a manifest may be: Kubernetes' limits on objects, and Weft's bounds on what one request
// may ask of the YAML parser (so a hostile or mistaken file costs seconds and megabytes, not gigabytes).

import { formatPath } from './errors.js';

/** A ConfigMap's data and binaryData together, or a Secret's data and stringData: Kubernetes' 1 MiB. */
export const MAX_DATA_BYTES = 1024 * 1024;
/** All of an object's annotations, keys and values together: Kubernetes' 256 KiB. */
export const MAX_ANNOTATIONS_BYTES = 256 * 1024;
/** One object as JSON, aliases expanded: etcd's default request limit, which bounds every Kubernetes object. */
export const MAX_OBJECT_BYTES = 1536 * 1024;
/** Objects (documents and List items) in one request; `apply -f DIR` sends a whole directory at once. */
export const MAX_OBJECTS = 1000;
/** Nesting of maps and lists in one object; real manifests stay far below. */
export const MAX_DEPTH = 100;
/** yaml's maxAliasCount: how often aliases may repeat what their anchors hold. */
export const MAX_ALIAS_COUNT = 100;
/** YAML tokens (scalars, indicators, line breaks) in one request, about 70,000 lines of ordinary YAML. */
export const MAX_YAML_TOKENS = 500_000;

export type ValueProblem = { kind: 'deep'; path: PropertyKey[] } | { kind: 'large'; path: PropertyKey[] };

interface Frame {
  v: unknown;
  depth: number;
  parent?: Frame;
  key?: PropertyKey;
}

/**
 * Checks an object's nesting and its size as JSON without building the JSON: aliases in YAML make
 * one value appear many times, so a small file can stand for a huge object. Stops as soon as the
 * object is too large, so measuring costs at most about MAX_OBJECT_BYTES of work.
 */
export function valueProblem(value: unknown, maxBytes = MAX_OBJECT_BYTES, maxDepth = MAX_DEPTH): ValueProblem | undefined {
  const stack: Frame[] = [{ v: value, depth: 0 }];
  let bytes = 0;
  while (stack.length > 0) {
    const f = stack.pop()!;
    const v = f.v;
    if (typeof v === 'object' && v !== null) {
      if (f.depth >= maxDepth) return { kind: 'deep', path: pathOf(f) };
      if (Array.isArray(v)) {
        bytes += 2 + Math.max(0, v.length - 1);
        for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], depth: f.depth + 1, parent: f, key: i });
      } else {
        const keys = Object.keys(v);
        bytes += 2 + Math.max(0, keys.length - 1);
        for (let i = keys.length - 1; i >= 0; i--) {
          const k = keys[i]!;
          bytes += Buffer.byteLength(k) + 3;
          stack.push({ v: (v as Record<string, unknown>)[k], depth: f.depth + 1, parent: f, key: k });
        }
      }
    } else {
      bytes += scalarSize(v);
    }
    if (bytes > maxBytes) return { kind: 'large', path: largestField(value, pathOf(f), maxBytes) };
  }
  return undefined;
}

/** Size as JSON, counting no further than `cap`. */
export function jsonSize(value: unknown, cap: number): number {
  const stack: unknown[] = [value];
  let bytes = 0;
  while (stack.length > 0 && bytes <= cap) {
    const v = stack.pop();
    if (typeof v === 'object' && v !== null) {
      if (Array.isArray(v)) {
        bytes += 2 + Math.max(0, v.length - 1);
        for (const x of v) stack.push(x);
      } else {
        const keys = Object.keys(v);
        bytes += 2 + Math.max(0, keys.length - 1);
        for (const k of keys) {
          bytes += Buffer.byteLength(k) + 3;
          stack.push((v as Record<string, unknown>)[k]);
        }
      }
    } else {
      bytes += scalarSize(v);
    }
  }
  return bytes;
}

function scalarSize(v: unknown): number {
  if (typeof v === 'string') return Buffer.byteLength(v) + 2;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v).length;
  if (typeof v === 'boolean') return v ? 4 : 5;
  return 4;
}

function pathOf(f: Frame): PropertyKey[] {
  const out: PropertyKey[] = [];
  for (let x: Frame | undefined = f; x?.parent; x = x.parent) out.push(x.key!);
  return out.reverse();
}

/**
 * The field to blame for an object that is too large: along the path where the size ran over, the
 * deepest field that alone is too large (a huge string), else the top-level field it ran over in
 * (a map of many large values).
 */
function largestField(root: unknown, crossing: PropertyKey[], maxBytes: number): PropertyKey[] {
  let node = root;
  for (let i = 0; i < crossing.length; i++) {
    node = (node as Record<PropertyKey, unknown>)[crossing[i]!];
    if (jsonSize(node, maxBytes) <= maxBytes) return crossing.slice(0, Math.max(1, i));
  }
  return crossing;
}

/** The field path (the first levels only, for a deep value) and message of an issue for a value that is too deep or too large. */
export function describeProblem(p: ValueProblem, prefix: PropertyKey[] = []): { path: PropertyKey[]; field: string; message: string } {
  if (p.kind === 'deep') {
    // The full path of a deep value is as long as it is deep: name where it starts.
    const path = [...prefix, ...p.path.slice(0, 8)];
    return { path, field: `${formatPath(path)}…`, message: tooDeepMessage };
  }
  const path = [...prefix, ...p.path];
  return { path, field: formatPath(path), message: `Too long: the object must have at most ${MAX_OBJECT_BYTES} bytes as JSON, aliases expanded (this field holds the most)` };
}

export const tooDeepMessage = `nested too deeply: at most ${MAX_DEPTH} levels of maps and lists`;
