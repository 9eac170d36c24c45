// Multi-document YAML to plain values, remembering where each document and field came from.

import { LineCounter, parseAllDocuments, isNode, type Document } from 'yaml';
import type { ConfigIssue } from './errors.js';
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
  const documents: ParsedDocument[] = [];
  const issues: ConfigIssue[] = [];
  for (const src of sources) {
    const lc = new LineCounter();
    const docs = parseAllDocuments(src.text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
    const list = Array.isArray(docs) ? docs : [];
    list.forEach((doc, i) => {
      const startLine = doc.contents?.range ? lc.linePos(doc.contents.range[0]).line : undefined;
      const source: SourceRef = { file: src.name, document: i + 1, ...(startLine ? { line: startLine } : {}) };
      if (doc.errors.length > 0) {
        for (const e of doc.errors) {
          const line = e.pos ? lc.linePos(e.pos[0]).line : undefined;
          issues.push({ source, path: '', message: `YAML syntax error: ${firstLine(e.message)}`, ...(line ? { line } : {}) });
        }
        return;
      }
      const value: unknown = doc.toJS({ maxAliasCount: 100 });
      // An empty document (a leading `---`, trailing comments) is skipped, as kubectl does.
      if (value === null || value === undefined) return;
      const lineOf = makeLineOf(doc, lc);
      if (isList(value)) {
        value.items.forEach((item, j) => {
          documents.push({ source, value: item, lineOf: (p) => lineOf(['items', j, ...p]) });
        });
        return;
      }
      documents.push({ source, value, lineOf });
    });
  }
  return { documents, issues };
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
