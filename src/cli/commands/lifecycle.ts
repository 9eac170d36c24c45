// weft up / down / status: the local runtime as a background process.

import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync, readFileSync, existsSync, chmodSync } from 'node:fs';
import { request } from 'node:http';
import { distEntry } from '../../runtime/paths.js';
import { reapLeftovers } from '../../runtime/supervisor.js';
import type { RuntimeInfo } from '../../runtime/runtime-info.js';
import { ApiClient, readRuntimeInfo } from '../client.js';
import { stringOpt, type Command } from '../command.js';
import { MAX_FILES_ENV, MAX_SIZE_ENV, parseLogFiles, parseLogSize } from '../../runtime/logs/log-rotation.js';
import { CliError } from '../errors.js';

function healthy(info: RuntimeInfo): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: info.host, port: info.port, path: '/healthz', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export const up: Command = {
  name: 'up',
  group: 'Runtime',
  summary: 'Start the local runtime in the background',
  usage: ['weft up [--container-log-max-size=10Mi] [--container-log-max-files=5]'],
  details:
    'Starts an empty runtime (the local cluster) and returns once it answers. State lives in $WEFT_HOME (default ~/.local/state/weft); a restart resumes where it was. ' +
    `Container logs are rotated as the kubelet's containerLogMaxSize and containerLogMaxFiles say (also ${MAX_SIZE_ENV} and ${MAX_FILES_ENV}); the settings hold until the runtime stops.`,
  options: { 'container-log-max-size': { type: 'string' }, 'container-log-max-files': { type: 'string' } },
  optionHelp: {
    'container-log-max-size': 'rotate a container\'s log before it passes this size (default 10Mi)',
    'container-log-max-files': 'log files kept per container, the live one included (default 5)',
  },
  async run(ctx, _args, v) {
    const logEnv: Record<string, string> = {};
    const maxSize = stringOpt(v, 'container-log-max-size');
    const maxFiles = stringOpt(v, 'container-log-max-files');
    try {
      if (maxSize !== undefined) logEnv[MAX_SIZE_ENV] = String(parseLogSize(maxSize));
      if (maxFiles !== undefined) logEnv[MAX_FILES_ENV] = String(parseLogFiles(maxFiles));
    } catch (err) {
      throw new CliError(`error: ${(err as Error).message}`);
    }
    const running = readRuntimeInfo(ctx.paths);
    if (running && (await healthy(running))) {
      ctx.out(`Weft is already running (pid ${running.pid}, API ${running.host}:${running.port}, state in ${ctx.paths.home})\n`);
      if (Object.keys(logEnv).length > 0) ctx.err('warning: the container log settings apply when the runtime starts; run weft down first to change them\n');
      return 0;
    }
    mkdirSync(ctx.paths.home, { recursive: true, mode: 0o700 });
    chmodSync(ctx.paths.home, 0o700);
    const log = openSync(ctx.paths.runtimeLog, 'a');
    const child = spawn(process.execPath, [distEntry('runtime/main.js')], {
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...ctx.env, ...logEnv, WEFT_HOME: ctx.paths.home },
    });
    closeSync(log);
    let exited: number | null = null;
    child.once('exit', (code) => (exited = code ?? 1));
    child.unref();
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (exited !== null) break;
      const info = readRuntimeInfo(ctx.paths);
      if (info && info.pid === child.pid && (await healthy(info))) {
        ctx.out(`Weft is running (pid ${info.pid}, API ${info.host}:${info.port}, state in ${ctx.paths.home})\n`);
        return 0;
      }
      await sleep(100);
    }
    const tail = existsSync(ctx.paths.runtimeLog) ? readFileSync(ctx.paths.runtimeLog, 'utf8').trim().split('\n').slice(-1)[0] : '';
    if (exited === null && child.pid) process.kill(child.pid, 'SIGKILL');
    throw new CliError(`error: the runtime did not start${tail ? `: ${tail}` : ''} (log: ${ctx.paths.runtimeLog})`);
  },
};

export const down: Command = {
  name: 'down',
  group: 'Runtime',
  summary: 'Stop the local runtime and every process it started',
  usage: ['weft down'],
  options: {},
  async run(ctx) {
    const info = readRuntimeInfo(ctx.paths);
    if (!info) {
      const n = reapLeftovers(ctx.paths.pids);
      ctx.out(n > 0 ? `Weft was not running; stopped ${n} leftover process group(s)\n` : 'Weft is not running\n');
      return 0;
    }
    try {
      await ApiClient.connect(ctx.paths).call('POST', '/v1/shutdown');
    } catch {
      process.kill(info.pid, 'SIGTERM');
    }
    const deadline = Date.now() + 60_000;
    while (alive(info.pid) && Date.now() < deadline) await sleep(100);
    if (alive(info.pid)) process.kill(info.pid, 'SIGKILL');
    reapLeftovers(ctx.paths.pids);
    ctx.out('Weft stopped\n');
    return 0;
  },
};

export const status: Command = {
  name: 'status',
  group: 'Runtime',
  summary: 'Say whether the local runtime runs (exit 0 if it does, 1 if not)',
  usage: ['weft status'],
  options: {},
  async run(ctx) {
    const info = readRuntimeInfo(ctx.paths);
    if (!info || !(await healthy(info))) {
      ctx.out(`Weft is not running (state in ${ctx.paths.home})\n`);
      return 1;
    }
    const client = ApiClient.connect(ctx.paths);
    const pods = await client.call<{ items: unknown[] }>('GET', '/v1/list?kind=Pod');
    ctx.out(`Weft is running\n  pid:       ${info.pid}\n  version:   ${info.version}\n  API:       ${info.host}:${info.port}\n  addresses: 127.${info.block}.0.0/16\n  state:     ${ctx.paths.home}\n  started:   ${info.startedAt}\n  pods:      ${pods.items.length}\n`);
    return 0;
  },
};
