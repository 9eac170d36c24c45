// What every CLI command provides, and what it gets to run.

import type { ParseArgsConfig } from 'node:util';
import type { StatePaths } from '../runtime/paths.js';
import type { ApiClient } from './client.js';
import type { ClientConfig } from './context.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;
export type OptionValues = Record<string, string | boolean | string[] | boolean[] | undefined>;

export interface CommandContext {
  paths: StatePaths;
  env: NodeJS.ProcessEnv;
  config: ClientConfig;
  /** -n when given, else the current context's namespace. */
  namespace: string;
  namespaceExplicit: boolean;
  /** The raw -n/--namespace value, when given. */
  namespaceFlag: string | undefined;
  client(): ApiClient;
  out(text: string): void;
  err(text: string): void;
  stdin: NodeJS.ReadableStream;
}

export interface Command {
  name: string;
  aliases?: string[];
  /** One line for `weft --help`. */
  summary: string;
  /** Usage lines for `weft NAME --help`. */
  usage: string[];
  /** Longer explanation, notes on how it differs from kubectl/istioctl. */
  details?: string;
  options: OptionSpec;
  /** Help text per option, keyed like options. */
  optionHelp?: Record<string, string>;
  /** Section of `weft --help`. */
  group: 'Runtime' | 'Basic' | 'Troubleshooting' | 'Deploy' | 'Settings' | 'Mesh';
  run(ctx: CommandContext, args: string[], values: OptionValues, rest: string[]): Promise<number | void>;
}

export function stringOpt(values: OptionValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

export function stringsOpt(values: OptionValues, name: string): string[] {
  const v = values[name];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return typeof v === 'string' ? [v] : [];
}

export function boolOpt(values: OptionValues, name: string): boolean {
  return values[name] === true;
}
