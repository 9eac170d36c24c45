// Validation issues name the file, the document, the field path and what is wrong.

import type { SourceRef } from './resource.js';

export interface ConfigIssue {
  source?: SourceRef;
  /** "Deployment service-a" when the document got far enough to have one. */
  object?: string;
  /** Field path such as spec.template.spec.containers[0].image; empty for the whole document. */
  path: string;
  message: string;
  /** 1-based line of the offending field, when known. */
  line?: number;
}

export function formatIssue(issue: ConfigIssue): string {
  const where: string[] = [];
  if (issue.source) {
    const line = issue.line ?? issue.source.line;
    where.push(`${issue.source.file}${line ? `:${line}` : ''}`);
    where.push(`document ${issue.source.document}`);
  }
  // Beside a file the object is an aside; alone (label, annotate) it is what the message is about.
  if (issue.object) where.push(issue.source ? `(${issue.object})` : issue.object);
  const field = issue.path ? `${issue.path}: ` : '';
  return `${where.join(' ')}${where.length ? ': ' : ''}${field}${issue.message}`;
}

export class ConfigError extends Error {
  readonly code = 'WEFT_ERR_INVALID_CONFIG';
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ConfigError';
  }
}

/** Renders a path of keys and indices as kubectl does: a.b[0].c */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}
