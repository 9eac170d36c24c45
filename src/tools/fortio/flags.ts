// Go-style flags as fortio takes them: -name value, -name=value, --name; booleans take no value.

export interface ParsedFlags {
  values: Map<string, string[]>;
  positional: string[];
}

export function parseFlags(args: readonly string[], booleans: ReadonlySet<string>): ParsedFlags {
  const values = new Map<string, string[]>();
  const positional: string[] = [];
  const add = (k: string, v: string): void => void values.set(k, [...(values.get(k) ?? []), v]);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    // Go stops at the first non-flag argument.
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(...args.slice(i));
      break;
    }
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    if (eq >= 0) add(body.slice(0, eq), body.slice(eq + 1));
    else if (booleans.has(body)) add(body, 'true');
    else {
      const v = args[++i];
      if (v === undefined) throw new Error(`flag needs an argument: -${body}`);
      add(body, v);
    }
  }
  return { values, positional };
}

export function lastFlag(f: ParsedFlags, name: string): string | undefined {
  return f.values.get(name)?.at(-1);
}
