// Multi-document YAML to plain values, remembering where each document and field came from.
// Everything one request may cost is bounded here (see limits.ts): tokens, objects, nesting, aliases
// and expanded size, each refused as an issue naming the file and document rather than thrown.

import { Composer, Lexer, LineCounter, Parser, isMap, isNode, isPair, isScalar, isSeq, type CST, type Document } from 'yaml';
import type { ConfigIssue } from './errors.js';
import { MAX_ALIAS_COUNT, MAX_OBJECTS, MAX_YAML_TOKENS, describeProblem, tooDeepMessage, valueProblem } from './limits.js';
import type { SourceRef } from './resource.js';

export interface Source {
  /** File name as the user gave it, or "<stdin>". */
  name: string;
  text: string;
}

export interface ParsedDocument {
  source: SourceRef;
  value: unknown;
  /** 1-based line of the node at `path` (best effort: nearest existing ancestor). */
  lineOf(path: ReadonlyArray<PropertyKey>): number | undefined;
}

export function parseSources(sources: Source[]): { documents: ParsedDocument[]; issues: ConfigIssue[] } {
  const out: Parsed = { documents: [], issues: [], tokens: 0 };
  for (const src of sources) if (!parseSource(src, out)) break;
  return { documents: out.documents, issues: out.issues };
}

interface Parsed {
  documents: ParsedDocument[];
  issues: ConfigIssue[];
  /** YAML tokens read so far in this request. */
  tokens: number;
}

/** Adds one file's documents and issues; false once a limit of the whole request is reached. */
function parseSource(src: Source, out: Parsed): boolean {
  const { documents, issues } = out;
  const lc = new LineCounter();
  // Lexer, parser and composer driven by hand, so tokens are counted before they cost memory and
  // each document is converted and dropped before the next is built.
  const parser = new Parser(lc.addNewLine);
  // uniqueKeys: yaml's own check is quadratic in a map's size; duplicates are found below instead.
  const composer = new Composer({ prettyErrors: false, uniqueKeys: false, logLevel: 'error' });
  let index = 0;
  let parsedDocs = 0;
  let full = false;
  const take = (doc: Document.Parsed): void => {
    index++;
    convert(doc, lc, { file: src.name, document: index }, documents, issues);
    if (documents.length > MAX_OBJECTS) {
      const at = documents[MAX_OBJECTS]!.source;
      documents.length = MAX_OBJECTS;
      issues.push({ source: at, path: '', message: `too many objects in one request: at most ${MAX_OBJECTS} (documents and List items); apply fewer files at a time` });
      full = true;
    }
  };
  const feed = (tokens: Iterable<CST.Token>): void => {
    for (const tok of tokens) {
      if (tok.type === 'document') parsedDocs++;
      for (const doc of composer.next(tok)) {
        take(doc);
        if (full) return;
      }
    }
  };
  try {
    lc.addNewLine(0);
    for (const lexeme of new Lexer().lex(src.text)) {
      if (++out.tokens > MAX_YAML_TOKENS) {
        issues.push({
          source: { file: src.name, document: parsedDocs + 1 },
          path: '',
          message: `too much YAML in one request: more than ${MAX_YAML_TOKENS} tokens (keys, values, indicators and line breaks; about 70000 lines); apply fewer files at a time`,
          line: lc.linePos(parser.offset).line,
        });
        return false;
      }
      feed(parser.next(lexeme));
      if (full) return false;
    }
    feed(parser.end());
    for (const doc of composer.end()) {
      take(doc);
      if (full) return false;
    }
  } catch (err) {
    // The YAML library failing on some input is still a problem of that input.
    issues.push({ source: { file: src.name, document: parsedDocs + 1 }, path: '', message: `YAML could not be read: ${firstLine(String((err as Error)?.message ?? err))}` });
  }
  return true;
}

function convert(doc: Document.Parsed, lc: LineCounter, at: SourceRef, documents: ParsedDocument[], issues: ConfigIssue[]): void {
  const startLine = doc.contents?.range ? lc.linePos(doc.contents.range[0]).line : undefined;
  const source: SourceRef = { ...at, ...(startLine ? { line: startLine } : {}) };
  if (doc.errors.length > 0) {
    // Composing recurses; a stack overflow there (reported once per level it unwinds) means nesting far beyond MAX_DEPTH.
    const overflow = doc.errors.find((e) => e.code === 'RESOURCE_EXHAUSTION');
    for (const e of overflow ? [overflow] : doc.errors) {
      const line = e.pos ? lc.linePos(e.pos[0]).line : undefined;
      const message = e === overflow ? tooDeepMessage : `YAML syntax error: ${firstLine(e.message)}`;
      issues.push({ source, path: '', message, ...(line ? { line } : {}) });
    }
    return;
  }
  const duplicate = duplicateKey(doc);
  if (duplicate) {
    const line = duplicate.range ? lc.linePos(duplicate.range[0]).line : undefined;
    issues.push({ source, path: '', message: `YAML syntax error: duplicate key ${JSON.stringify(duplicate.key)}: map keys must be unique`, ...(line ? { line } : {}) });
    return;
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const message = /Excessive alias count/.test(String((err as Error)?.message))
      ? `too many alias expansions: aliases may repeat their anchors at most ${MAX_ALIAS_COUNT} times in all`
      : `YAML error: ${firstLine(String((err as Error)?.message ?? err))}`;
    issues.push({ source, path: '', message });
    return;
  }
  // An empty document (a leading `---`, trailing comments) is skipped, as kubectl does.
  if (value === null || value === undefined) return;
  const lineOf = makeLineOf(doc, lc);
  const items = isList(value) ? value.items.map((item, j) => ({ item, prefix: ['items', j] as PropertyKey[] })) : [{ item: value, prefix: [] as PropertyKey[] }];
  for (const { item, prefix } of items) {
    const problem = valueProblem(item);
    if (problem) {
      const { path, field, message } = describeProblem(problem, prefix);
      const line = lineOf(path);
      const object = objectName(item);
      issues.push({ source, ...(object ? { object } : {}), path: field, message, ...(line ? { line } : {}) });
      continue;
    }
    documents.push({ source, value: item, lineOf: prefix.length ? (p) => lineOf([...prefix, ...p]) : lineOf });
  }
}

/** The first key that repeats within one map, walking the document without recursion. */
function duplicateKey(doc: Document.Parsed): { key: unknown; range?: readonly [number, number, number] | null } | undefined {
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const n = stack.pop();
    if (isMap(n)) {
      const seen = new Set<unknown>();
      for (const pair of n.items) {
        if (isScalar(pair.key)) {
          if (seen.has(pair.key.value)) return { key: pair.key.value, range: pair.key.range };
          seen.add(pair.key.value);
        }
        stack.push(pair.key, pair.value);
      }
    } else if (isSeq(n)) {
      for (const item of n.items) stack.push(item);
    } else if (isPair(n)) {
      stack.push(n.key, n.value);
    }
    // An alias's anchored node is walked where it is defined.
  }
  return undefined;
}

function objectName(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as { kind?: unknown; metadata?: { name?: unknown } };
  return typeof o.kind === 'string' && typeof o.metadata?.name === 'string' ? `${o.kind} ${o.metadata.name}` : undefined;
}

function isList(v: unknown): v is { items: unknown[] } {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items);
}

function makeLineOf(doc: Document, lc: LineCounter): ParsedDocument['lineOf'] {
  return (path) => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n) as unknown[], true);
      if (isNode(node) && node.range) return lc.linePos(node.range[0]).line;
    }
    return undefined;
  };
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}
