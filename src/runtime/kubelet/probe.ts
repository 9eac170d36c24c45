// Readiness checks: httpGet, tcpSocket and exec probes, as the kubelet runs them.

import { request } from 'node:http';
import { connect } from 'node:net';
import { spawn } from 'node:child_process';
import type { Probe } from '../../config/k8s/pod.js';

export interface ProbeTarget {
  host: string;
  /** Named ports resolved against the container's ports. */
  resolvePort(port: number | string): number | undefined;
  env: Record<string, string>;
  cwd: string;
}

export function probeOnce(probe: Probe, target: ProbeTarget): Promise<boolean> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  if (probe.httpGet) {
    const port = target.resolvePort(probe.httpGet.port);
    if (port === undefined) return Promise.resolve(false);
    const headers = Object.fromEntries((probe.httpGet.httpHeaders ?? []).map((h) => [h.name, h.value]));
    return new Promise((resolve) => {
      const req = request(
        { host: probe.httpGet!.host ?? target.host, port, path: probe.httpGet!.path ?? '/', method: 'GET', headers: { 'user-agent': 'kube-probe/1.29', ...headers }, timeout: timeoutMs, agent: false },
        (res) => {
          res.resume();
          const code = res.statusCode ?? 0;
          resolve(code >= 200 && code < 400);
        },
      );
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(false));
      req.end();
    });
  }
  if (probe.tcpSocket) {
    const port = target.resolvePort(probe.tcpSocket.port);
    if (port === undefined) return Promise.resolve(false);
    return new Promise((resolve) => {
      const s = connect({ host: probe.tcpSocket!.host ?? target.host, port });
      const done = (ok: boolean): void => {
        s.destroy();
        resolve(ok);
      };
      s.setTimeout(timeoutMs, () => done(false));
      s.once('connect', () => done(true));
      s.once('error', () => done(false));
    });
  }
  if (probe.exec) {
    return new Promise((resolve) => {
      const cmd = probe.exec!.command;
      const child = spawn(cmd[0]!, cmd.slice(1), { env: target.env, cwd: target.cwd, stdio: 'ignore', timeout: timeoutMs });
      child.once('error', () => resolve(false));
      child.once('exit', (code) => resolve(code === 0));
    });
  }
  return Promise.resolve(true);
}
