// kubectl's JSONPath template language (-o jsonpath=...), evaluated the way client-go's
// util/jsonpath does: plain text outside braces, paths/quoted text/range/end inside them.

import { goJson } from './go-json.js';

export class JsonPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonPathError';
  }
}

export interface JsonPathOptions {
  /**
   * kubectl's --allow-missing-template-keys, which defaults to true: a missing field then
   * prints nothing. When false, a field found in none of its inputs is an error.
   */
  allowMissingKeys?: boolean;
  /** -o jsonpath-as-json: each result group printed as an indented JSON array. */
  asJson?: boolean;
}

type Step =
  | { t: 'field'; name: string }
  | { t: 'wildcard' }
  | { t: 'recursive' }
  | { t: 'slice'; start?: number; end?: number; endDerived: boolean; step?: number }
  | { t: 'union'; branches: Step[][] }
  | { t: 'filter'; left: Step[]; op: string; right: Step[] }
  | { t: 'text'; value: string }
  | { t: 'number'; value: number }
  | { t: 'bool'; value: boolean }
  | { t: 'ident'; name: string };

type Block = Array<
  | { t: 'text'; value: string }
  | { t: 'path'; steps: Step[] }
  | { t: 'range'; steps: Step[]; body: Block }
  // kubectl reports a stray {end} only when the template runs.
  | { t: 'fail'; message: string }
>;

/** Compiles a template once; the returned function renders it against one object. */
export function compileJsonPathTemplate(template: string, options: JsonPathOptions = {}): (data: unknown) => string {
  let block: Block;
  try {
    block = buildBlocks(parseTemplate(template));
  } catch (err) {
    throw new JsonPathError(`error parsing jsonpath ${template}, ${(err as Error).message}`);
  }
  const allowMissing = options.allowMissingKeys ?? true;
  return (data: unknown) => {
    const groups: unknown[][] = [];
    try {
      run(block, data, allowMissing, groups);
    } catch (err) {
      if (!(err instanceof ExecError)) throw err;
      throw new JsonPathError(`error executing jsonpath ${JSON.stringify(template)}: ${err.message}`);
    }
    return groups.map((g) => (options.asJson ? `${goJson(g, '    ')}\n` : g.map(toText).join(' '))).join('');
  };
}

// ---------------------------------------------------------------------------------------------
// Parsing

type TopNode = { t: 'text'; value: string } | { t: 'action'; steps: Step[] };

function parseTemplate(text: string): TopNode[] {
  const out: TopNode[] = [];
  let pos = 0;
  while (pos < text.length) {
    const open = text.indexOf('{', pos);
    if (open < 0) {
      out.push({ t: 'text', value: text.slice(pos) });
      break;
    }
    if (open > pos) out.push({ t: 'text', value: text.slice(pos, open) });
    const p = new ActionParser(text, open + 1);
    out.push({ t: 'action', steps: p.parseAction() });
    pos = p.pos;
  }
  return out;
}

const isSpace = (c: string) => c === ' ' || c === '\t';
const isEol = (c: string) => c === '\r' || c === '\n';
const isTerminator = (c: string) => c === '' || isSpace(c) || isEol(c) || '.,[]$@{}'.includes(c);
const isAlnum = (c: string) => /^[\p{L}\p{N}_]$/u.test(c);

/** Parses the inside of one `{...}` action, leaving pos after the closing brace. */
class ActionParser {
  constructor(
    readonly input: string,
    public pos: number,
    /** Sub-expressions (filter sides, union members) end at the end of input instead of at '}'. */
    readonly nested = false,
  ) {}

  private peek(offset = 0): string {
    return this.input[this.pos + offset] ?? '';
  }

  parseAction(): Step[] {
    const steps: Step[] = [];
    for (;;) {
      const rest = this.input.slice(this.pos);
      if (this.nested && rest === '') return steps;
      if (rest.startsWith('}') && !this.nested) {
        this.pos++;
        return steps;
      }
      if (rest.startsWith('[?(')) {
        steps.push(this.parseFilter());
        continue;
      }
      if (rest.startsWith('..')) {
        if (steps[steps.length - 1]?.t === 'recursive') throw new Error('invalid multiple recursive descent');
        this.pos += 2;
        steps.push({ t: 'recursive' });
        if (isAlnum(this.peek())) steps.push(this.parseField());
        continue;
      }
      const c = this.peek();
      if (c === '' || isEol(c)) throw new Error('unclosed action');
      if (c === ' ' || c === '@' || c === '$') {
        this.pos++;
      } else if (c === '[') {
        steps.push(...this.parseArray());
      } else if (c === '"' || c === "'") {
        steps.push({ t: 'text', value: this.parseQuote(c) });
      } else if (c === '.') {
        this.pos++;
        steps.push(this.parseField());
      } else if (c === '+' || c === '-' || /[0-9]/.test(c)) {
        steps.push(this.parseNumber());
      } else if (isAlnum(c)) {
        steps.push(this.parseIdentifier());
      } else {
        throw new Error(`unrecognized character in action: ${goRune(c)}`);
      }
    }
  }

  /** A field name runs to the next unescaped terminator; backslashes escape dots and the like. */
  private parseField(): Step {
    let raw = '';
    for (;;) {
      const c = this.peek();
      if (c === '\\') {
        raw += this.peek(1);
        this.pos += 2;
        continue;
      }
      if (isTerminator(c)) break;
      raw += c;
      this.pos++;
    }
    return raw === '*' ? { t: 'wildcard' } : { t: 'field', name: raw };
  }

  private parseIdentifier(): Step {
    const start = this.pos;
    while (!isTerminator(this.peek())) this.pos++;
    const name = this.input.slice(start, this.pos);
    if (name === 'true' || name === 'false') return { t: 'bool', value: name === 'true' };
    return { t: 'ident', name };
  }

  private parseNumber(): Step {
    const start = this.pos;
    this.pos++;
    while (/[0-9.]/.test(this.peek())) this.pos++;
    const text = this.input.slice(start, this.pos);
    const value = Number(text);
    if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(text) || Number.isNaN(value)) {
      throw new Error(`cannot parse number ${text}`);
    }
    return { t: 'number', value };
  }

  private parseQuote(quote: string): string {
    const start = this.pos;
    this.pos++;
    for (;;) {
      const c = this.peek();
      if (c === '' || c === '\n') throw new Error('unterminated quoted string');
      this.pos++;
      if (c === '\\') {
        this.pos++;
        continue;
      }
      if (c === quote) break;
    }
    return unquote(this.input.slice(start, this.pos));
  }

  private parseArray(): Step[] {
    const close = this.input.indexOf(']', this.pos);
    const nl = this.input.indexOf('\n', this.pos);
    if (close < 0 || (nl >= 0 && nl < close)) throw new Error('unterminated array');
    let text = this.input.slice(this.pos + 1, close);
    this.pos = close + 1;
    if (text === '*') text = ':';

    const members = text.split(',');
    if (members.length > 1) {
      return [{ t: 'union', branches: members.map((m) => parseSub(`[${m.trim()}]`)) }];
    }
    // ['a.b'] is a path, as in kubectl: a key containing dots needs ['a\.b'].
    const dict = /^'([^']*)'$/.exec(text) ?? /^"([^"]*)"$/.exec(text);
    if (dict) return parseSub(`.${dict[1]}`);

    const m = /^(-?\d*)(:-?\d*)?(:-?\d*)?$/.exec(text);
    if (!m) throw new Error(`invalid array index ${text}`);
    const num = (s: string) => {
      const n = Number(s);
      if (!Number.isInteger(n)) throw new Error(`array index ${s} is not a number`);
      return n;
    };
    const start = m[1] ? num(m[1]) : undefined;
    let end: number | undefined;
    let endDerived = false;
    if (m[2] === undefined) {
      // [n] selects one element: the end is derived from the start.
      end = (start ?? 0) + 1;
      endDerived = true;
    } else if (m[2].length > 1) {
      end = num(m[2].slice(1));
    }
    const step = m[3] && m[3].length > 1 ? num(m[3].slice(1)) : undefined;
    return [{ t: 'slice', start, end, endDerived, step }];
  }

  private parseFilter(): Step {
    this.pos += 3;
    const start = this.pos;
    let quote = '';
    let quoted = false;
    for (;;) {
      const c = this.peek();
      if (c === '' || c === '\n') throw new Error('unterminated filter');
      this.pos++;
      if (quote) {
        if (c === quote && this.input[this.pos - 2] !== '\\') quote = '';
        continue;
      }
      if ((c === '"' || c === "'") && !quoted) {
        quote = c;
        quoted = true;
        continue;
      }
      if (c === ')') break;
    }
    if (this.peek() !== ']') throw new Error('unclosed array expect ]');
    this.pos++;
    const text = this.input.slice(start, this.pos - 2);
    const m = /^([^!<>=]+)([!<>=]+)(.+?)$/.exec(text);
    if (!m) return { t: 'filter', left: parseSub(text), op: 'exists', right: [] };
    return { t: 'filter', left: parseSub(m[1]!), op: m[2]!, right: parseSub(m[3]!) };
  }
}

function parseSub(text: string): Step[] {
  return new ActionParser(text, 0, true).parseAction();
}

/** Go's strconv.Unquote, extended (as client-go does) to single-quoted strings of any length. */
function unquote(quoted: string): string {
  const body = quoted.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i] ?? '';
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', '"': '"', "'": "'" };
    if (e in simple) {
      out += simple[e];
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + len);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) throw new Error(`unquote string ${quoted} error invalid syntax`);
      out += String.fromCodePoint(parseInt(hex, 16));
      i += len;
    } else {
      throw new Error(`unquote string ${quoted} error invalid syntax`);
    }
  }
  return out;
}

function goRune(c: string): string {
  const cp = c.codePointAt(0) ?? 0;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')} '${c}'`;
}

/** Turns the flat list of actions into nested range blocks; an unclosed range runs to the end. */
function buildBlocks(nodes: TopNode[]): Block {
  let i = 0;
  const build = (depth: number): Block => {
    const block: Block = [];
    while (i < nodes.length) {
      const node = nodes[i++]!;
      if (node.t === 'text') {
        block.push(node);
        continue;
      }
      const idents = node.steps.filter((s) => s.t === 'ident').map((s) => (s as { name: string }).name);
      if (idents.includes('end')) {
        if (depth > 0) return block;
        block.push({ t: 'fail', message: 'not in range, nothing to end' });
        continue;
      }
      if (idents.includes('range')) {
        const steps = node.steps.filter((s) => !(s.t === 'ident' && s.name === 'range'));
        block.push({ t: 'range', steps, body: build(depth + 1) });
        continue;
      }
      block.push({ t: 'path', steps: node.steps });
    }
    return block;
  };
  return build(0);
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/** Internal: a failure while executing, reported with the template by the caller. */
class ExecError extends Error {}

function run(block: Block, data: unknown, allowMissing: boolean, groups: unknown[][]): void {
  for (const node of block) {
    if (node.t === 'text') {
      groups.push([node.value]);
    } else if (node.t === 'path') {
      groups.push(evalSteps([data], node.steps, allowMissing));
    } else if (node.t === 'fail') {
      throw new ExecError(node.message);
    } else {
      for (const item of evalSteps([data], node.steps, allowMissing)) run(node.body, item, allowMissing, groups);
    }
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function evalSteps(input: unknown[], steps: Step[], allowMissing: boolean): unknown[] {
  let cur = input;
  for (const step of steps) cur = evalStep(cur, step, allowMissing);
  return cur;
}

function evalStep(input: unknown[], step: Step, allowMissing: boolean): unknown[] {
  switch (step.t) {
    case 'text':
      return [step.value];
    case 'number':
    case 'bool':
      return input.map(() => step.value);
    case 'ident':
      throw new ExecError(`unrecognized identifier ${step.name}`);
    case 'field': {
      if (input.length === 0) return [];
      const out: unknown[] = [];
      for (const v of input) {
        if (isObj(v) && Object.hasOwn(v, step.name) && v[step.name] !== undefined) out.push(v[step.name]);
      }
      if (out.length === 0 && !allowMissing) throw new ExecError(`${step.name} is not found`);
      return out;
    }
    case 'wildcard':
      return input.flatMap((v) => children(v));
    case 'recursive': {
      const out: unknown[] = [];
      const visit = (v: unknown) => {
        const kids = children(v);
        if (kids.length === 0) return;
        out.push(v);
        kids.forEach(visit);
      };
      input.forEach(visit);
      return out;
    }
    case 'slice':
      return input.flatMap((v) => slice(v, step));
    case 'union':
      return step.branches.flatMap((b) => evalSteps(input, b, allowMissing));
    case 'filter':
      return input.flatMap((v) => filter(v, step, allowMissing));
  }
}

function children(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (isObj(v)) return Object.values(v).filter((x) => x !== undefined);
  return [];
}

function goTypeName(v: unknown): string {
  if (isObj(v)) return 'map[string]interface {}';
  if (Array.isArray(v)) return '[]interface {}';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  return 'interface {}';
}

function slice(v: unknown, s: Extract<Step, { t: 'slice' }>): unknown[] {
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v)) throw new ExecError(`${goTypeName(v)} is not array or slice`);
  const len = v.length;
  let start = s.start ?? 0;
  if (start < 0) start += len;
  let end = s.end ?? len;
  if (end < 0 || (end === 0 && s.endDerived)) end += len;
  if (end === start) return [];
  if (start >= len || start < 0) throw new ExecError(`array index out of bounds: index ${start}, length ${len}`);
  if (end > len || end < 0) throw new ExecError(`array index out of bounds: index ${end - 1}, length ${len}`);
  if (start > end) throw new ExecError(`starting index ${start} is greater than ending index ${end}`);
  const step = s.step ?? 1;
  if (step <= 0) throw new ExecError('step must be > 0');
  const out: unknown[] = [];
  for (let i = start; i < end; i += step) out.push(v[i]);
  return out;
}

function filter(v: unknown, f: Extract<Step, { t: 'filter' }>, allowMissing: boolean): unknown[] {
  if (!Array.isArray(v)) throw new ExecError(`${toText(v)} is not array or slice and cannot be filtered`);
  const out: unknown[] = [];
  for (const item of v) {
    if (f.op === 'exists') {
      let lefts: unknown[] = [];
      try {
        lefts = evalSteps([item], f.left, allowMissing);
      } catch (err) {
        if (!(err instanceof ExecError)) throw err;
      }
      if (lefts.length > 0) out.push(item);
      continue;
    }
    const lefts = evalSteps([item], f.left, allowMissing);
    if (lefts.length === 0) continue;
    if (lefts.length > 1) throw new ExecError('can only compare one element at a time');
    const rights = evalSteps([item], f.right, allowMissing);
    if (rights.length === 0) continue;
    if (rights.length > 1) throw new ExecError('can only compare one element at a time');
    if (compare(lefts[0], f.op, rights[0])) out.push(item);
  }
  return out;
}

function compare(a: unknown, op: string, b: unknown): boolean {
  const kind = (x: unknown) => (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean' ? typeof x : 'invalid');
  const ka = kind(a);
  const kb = kind(b);
  if (ka === 'invalid' || kb === 'invalid') throw new ExecError('invalid type for comparison');
  if (ka !== kb) throw new ExecError('incompatible types for comparison');
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
  }
  if (ka === 'boolean') throw new ExecError('invalid type for comparison');
  const x = a as string | number;
  const y = b as string | number;
  switch (op) {
    case '<':
      return x < y;
    case '>':
      return x > y;
    case '<=':
      return x <= y;
    case '>=':
      return x >= y;
  }
  throw new ExecError(`unrecognized filter operator ${op}`);
}

function toText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) || isObj(v)) return goJson(v);
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'boolean') return String(v);
  return '<nil>';
}

/** Go's %v for the int64/float64 values that decoded JSON holds. */
function goNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN';
  const [mantissa, expText] = n.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 21) return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(n);
}
