// Client settings, kubeconfig's part: the current context and its namespace.

import { existsSync, readFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../runtime/store/persistence.js';

export const DEFAULT_CONTEXT = 'weft';

export interface ClientConfig {
  currentContext: string;
  contexts: Record<string, { namespace?: string }>;
}

export function loadClientConfig(path: string): ClientConfig {
  if (!existsSync(path)) return { currentContext: DEFAULT_CONTEXT, contexts: { [DEFAULT_CONTEXT]: {} } };
  try {
    const c = JSON.parse(readFileSync(path, 'utf8')) as ClientConfig;
    if (typeof c.currentContext !== 'string' || typeof c.contexts !== 'object') throw new Error('bad shape');
    return c;
  } catch {
    return { currentContext: DEFAULT_CONTEXT, contexts: { [DEFAULT_CONTEXT]: {} } };
  }
}

export function saveClientConfig(path: string, c: ClientConfig): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileAtomic(path, `${JSON.stringify(c, null, 2)}\n`, 0o600);
}

export function contextNamespace(c: ClientConfig): string {
  return c.contexts[c.currentContext]?.namespace || 'default';
}
