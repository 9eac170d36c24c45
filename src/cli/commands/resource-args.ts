// kubectl's ways of naming objects on the command line: `TYPE NAME...`, `TYPE/NAME...`, `TYPE1,TYPE2`.

import { CliError } from '../errors.js';

export interface TypeNames {
  type: string;
  names: string[];
}

export function splitTypeNames(args: string[]): TypeNames[] {
  if (args.length === 0) return [];
  if (args.every((a) => a.includes('/'))) {
    const out: TypeNames[] = [];
    for (const a of args) {
      const [type, name] = [a.slice(0, a.indexOf('/')), a.slice(a.indexOf('/') + 1)];
      if (!type || !name) throw new CliError(`error: arguments in resource/name form must have a single resource and name: "${a}"`);
      const g = out.find((x) => x.type === type);
      if (g) g.names.push(name);
      else out.push({ type, names: [name] });
    }
    return out;
  }
  if (args.slice(1).some((a) => a.includes('/'))) {
    throw new CliError('error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form');
  }
  const [types, ...names] = args;
  return types!.split(',').filter(Boolean).map((type) => ({ type, names }));
}
