// Every command the CLI offers, in help order.

import type { Command } from '../command.js';
import { annotate, label } from './metadata.js';
import { apply, create, del } from './manifests.js';
import { config } from './config.js';
import { describe } from './describe.js';
import { exec } from './exec.js';
import { experimental } from './experimental.js';
import { get } from './get.js';
import { down, status, up } from './lifecycle.js';
import { logs } from './logs.js';
import { portForward } from './port-forward.js';
import { proxyConfig } from './proxy-config.js';
import { rollout, scale } from './rollout.js';
import { run } from './run.js';
import { install, kubeInject, meshVersion, proxyStatus, uninstall } from './mesh.js';
import { wait } from './wait.js';

export const commands: Command[] = [
  up, down, status,
  get, describe, apply, create, del, label, annotate, run,
  rollout, scale,
  logs, exec, portForward, wait,
  install, uninstall, kubeInject, proxyStatus, proxyConfig, experimental,
  config, meshVersion,
];
