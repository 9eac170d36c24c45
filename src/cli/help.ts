// weft --help and weft COMMAND --help.

import type { Command } from './command.js';

const GROUPS: Array<[Command['group'], string]> = [
  ['Runtime', 'Local runtime'],
  ['Basic', 'Basic commands'],
  ['Deploy', 'Deploy commands'],
  ['Troubleshooting', 'Troubleshooting and debugging'],
  ['Mesh', 'Mesh (istioctl) commands'],
  ['Settings', 'Settings'],
];

export function mainHelp(commands: Command[]): string {
  let out = 'weft: Istio\'s API on one machine. kubectl and istioctl commands work with "weft" in their place.\n\n';
  for (const [group, title] of GROUPS) {
    const cs = commands.filter((c) => c.group === group);
    if (cs.length === 0) continue;
    out += `${title}:\n`;
    for (const c of cs) out += `  ${c.name.padEnd(14)}${c.summary}\n`;
    out += '\n';
  }
  out += 'Global flags:\n  -n, --namespace NS   namespace for this command (before or after the command)\n  -h, --help           help for a command\n\n';
  out += 'State directory: $WEFT_HOME (default ~/.local/state/weft).\nUse "weft COMMAND --help" for more about a command.\n';
  return out;
}

export function commandHelp(c: Command): string {
  let out = `${c.summary}.\n\nUsage:\n${c.usage.map((u) => `  ${u}`).join('\n')}\n`;
  if (c.details) out += `\n${c.details}\n`;
  const opts = Object.entries(c.options);
  if (opts.length) {
    out += '\nOptions:\n';
    for (const [name, o] of opts) {
      const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ' VALUE' : ''}`;
      out += `  ${flag.padEnd(28)}${c.optionHelp?.[name] ?? ''}\n`;
    }
  }
  out += '\nGlobal flags: -n, --namespace NS\n';
  return out;
}
