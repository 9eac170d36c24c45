// The C anchor: two nginx instances, one worker each, upstream keep-alive on both hops, in the same
// topology as the sidecar pair (client proxy -> server proxy -> backend).

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childPids } from './proc-stats.js';

export function nginxBinary(): string | undefined {
  for (const p of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx']) if (existsSync(p)) return p;
  return undefined;
}

export function nginxVersion(bin: string): string {
  return (spawnSync(bin, ['-v'], { encoding: 'utf8' }).stderr ?? '').trim();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

function conf(dir: string, listenPort: number, upstream: string): string {
  return `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
${process.getuid?.() === 0 ? 'user root root;' : ''}
events { worker_connections 4096; }
http {
  access_log ${dir}/access.log combined buffer=64k flush=1s;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  keepalive_requests 100000;
  keepalive_timeout 300s;
  upstream up {
    server ${upstream};
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${listenPort};
    location / {
      proxy_pass http://up;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
`;
}

export interface NginxPair {
  url: string;
  clientWorkerPid: number;
  serverWorkerPid: number;
  stop(): Promise<void>;
}

export async function startNginxPair(bin: string, backendHostPort: string): Promise<NginxPair> {
  const root = mkdtempSync(join(tmpdir(), 'weft-bench-nginx-'));
  const serverPort = await freePort();
  const clientPort = await freePort();
  const procs: ChildProcess[] = [];
  const start = async (name: string, port: number, upstream: string): Promise<number> => {
    const dir = join(root, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'nginx.conf'), conf(dir, port, upstream));
    const child = spawn(bin, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
    procs.push(child);
    for (let i = 0; i < 100; i++) {
      const workers = child.pid ? childPids(child.pid) : [];
      if (workers.length) return workers[0]!;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`nginx ${name} did not start (see ${dir}/error.log)`);
  };
  const serverWorkerPid = await start('server', serverPort, backendHostPort);
  const clientWorkerPid = await start('client', clientPort, `127.0.0.1:${serverPort}`);
  return {
    url: `http://127.0.0.1:${clientPort}/`,
    clientWorkerPid,
    serverWorkerPid,
    async stop() {
      await Promise.all(procs.map((p) => new Promise<void>((resolve) => {
        if (p.exitCode !== null) return resolve();
        p.once('exit', () => resolve());
        p.kill('SIGTERM');
      })));
      rmSync(root, { recursive: true, force: true });
    },
  };
}
