// The weft command line: kubectl's and istioctl's verbs for the local runtime.

import { parseArgs } from 'node:util';
import { defaultHome, statePaths } from '../runtime/paths.js';
import { ApiClient } from './client.js';
import type { Command, CommandContext, OptionSpec } from './command.js';
import { contextNamespace, loadClientConfig } from './context.js';
import { CliError } from './errors.js';
import { commands } from './commands/index.js';
import { commandHelp, mainHelp } from './help.js';

/**
 * Pulls -n/--namespace out wherever it stands (before or after the verb), as kubectl allows. kubectl's
 * --cluster is dropped, unless the verb has a --cluster of its own (`proxy-config endpoints --cluster`).
 */
export function extractGlobals(args: string[], ownsFlag: (verb: string, flag: string) => boolean = () => false): { rest: string[]; namespace?: string; help: boolean } {
  const rest: string[] = [];
  let namespace: string | undefined;
  let help = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const verb = rest.find((x) => !x.startsWith('-'));
    if ((a === '--cluster' || a.startsWith('--cluster=')) && verb !== undefined && ownsFlag(verb, 'cluster')) rest.push(a);
    else if (a === '-n' || a === '--namespace') {
      namespace = args[++i];
      if (namespace === undefined) throw new CliError(`error: flag needs an argument: '${a.replace(/^-+/, '')}' in ${a}`);
    } else if (a.startsWith('--namespace=')) namespace = a.slice('--namespace='.length);
    else if (/^-n[^-]/.test(a)) namespace = a.slice(a[2] === '=' ? 3 : 2);
    else if (a === '--context' || a === '--kubeconfig' || a === '--cluster') i++;
    else if (/^--(context|kubeconfig|cluster)=/.test(a)) continue;
    else if (a === '-h' || a === '--help') help = true;
    else rest.push(a);
  }
  return { rest, ...(namespace !== undefined ? { namespace } : {}), help };
}

export async function runCli(argv: string[], io: { out(s: string): void; err(s: string): void; env: NodeJS.ProcessEnv; stdin: NodeJS.ReadableStream }): Promise<number> {
  try {
    const dd = argv.indexOf('--');
    const before = dd >= 0 ? argv.slice(0, dd) : argv;
    const after = dd >= 0 ? argv.slice(dd + 1) : [];
    const g = extractGlobals(before, (verb, flag) => findCommand(verb)?.options[flag] !== undefined);
    const verbIndex = g.rest.findIndex((a) => !a.startsWith('-'));
    if (verbIndex < 0) {
      if (g.rest.includes('--version')) {
        io.out(`${(await import('../version.js')).VERSION}\n`);
        return 0;
      }
      if (g.rest.length > 0 && !g.help) {
        const flag = g.rest[0]!;
        throw new CliError(`error: unknown ${flag.startsWith('--') ? 'flag' : 'shorthand flag'}: ${flag.startsWith('--') ? flag : `'${flag.slice(1, 2)}' in ${flag}`}\nSee 'weft --help' for usage.`);
      }
      io.out(mainHelp(commands));
      return 0;
    }
    const verb = g.rest[verbIndex]!;
    const cmd = findCommand(verb);
    if (!cmd) throw new CliError(`error: unknown command "${verb}" for "weft"\nRun 'weft --help' for usage.`);
    if (g.help || (verb === 'help')) {
      io.out(commandHelp(cmd));
      return 0;
    }
    const args = [...g.rest.slice(0, verbIndex), ...g.rest.slice(verbIndex + 1)];
    const { positionals, values } = parseFor(cmd, args);
    const paths = statePaths(defaultHome(io.env));
    const config = loadClientConfig(paths.clientConfig);
    let client: ApiClient | undefined;
    const ctx: CommandContext = {
      paths,
      env: io.env,
      config,
      namespace: g.namespace ?? contextNamespace(config),
      namespaceExplicit: g.namespace !== undefined,
      namespaceFlag: g.namespace,
      client: () => (client ??= ApiClient.connect(paths)),
      out: io.out,
      err: io.err,
      stdin: io.stdin,
    };
    const code = await cmd.run(ctx, positionals, values, after);
    return typeof code === 'number' ? code : 0;
  } catch (err) {
    if (err instanceof CliError) {
      io.err(`${err.message}\n`);
      return err.exitCode;
    }
    io.err(`error: ${(err as Error).message ?? String(err)}\n`);
    return 1;
  }
}

function findCommand(verb: string): Command | undefined {
  return commands.find((c) => c.name === verb || c.aliases?.includes(verb));
}

function parseFor(cmd: Command, args: string[]) {
  const options: OptionSpec = { ...cmd.options };
  try {
    const r = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { positionals: r.positionals, values: r.values as Record<string, string | boolean | string[] | boolean[] | undefined> };
  } catch (err) {
    const m = /Unknown option '([^']+)'/.exec((err as Error).message);
    if (m) throw new CliError(`error: unknown flag: ${m[1]}\nSee 'weft ${cmd.name} --help' for usage.`);
    throw new CliError(`error: ${(err as Error).message.split('\n')[0]}\nSee 'weft ${cmd.name} --help' for usage.`);
  }
}

export async function main(): Promise<void> {
  process.stdout.on('error', onOutputError);
  process.stderr.on('error', onOutputError);
  const code = await runCli(process.argv.slice(2), {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    env: process.env,
    stdin: process.stdin,
  });
  process.exitCode = code;
}

/**
 * A reader that went away (`weft logs -f deploy/x | head -1`) ends the command as it ends kubectl and any
 * Unix tool: at once, silently, by SIGPIPE (status 141 in a shell). That also closes a followed log stream.
 */
function onOutputError(err: NodeJS.ErrnoException): void {
  if (err.code === 'EPIPE') {
    // Node ignores SIGPIPE; a listener added and removed puts back the default action, which ends the process.
    const ignore = (): void => undefined;
    process.on('SIGPIPE', ignore).off('SIGPIPE', ignore);
    process.kill(process.pid, 'SIGPIPE');
    process.exit(141);
  }
  // Output that cannot be written (a full disk, a closed terminal): say so in one line if stderr still works.
  try {
    process.stderr.write(`error: writing output: ${err.message}\n`);
  } catch {
    // Nowhere left to say it.
  }
  process.exit(1);
}
