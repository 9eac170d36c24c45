// The proxy's own ports: 15000 admin (pod-local), 15020 merged Prometheus metrics and health,
// 15021 readiness, 15090 Envoy-style Prometheus endpoint.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ProxyState } from '../proxy-state.js';
import { listenOn } from '../listener/socket-activation.js';

export const ADMIN_PORT = 15000;
export const MERGED_METRICS_PORT = 15020;
export const HEALTH_PORT = 15021;
export const ENVOY_METRICS_PORT = 15090;

export interface AdminHooks {
  ready(): boolean;
  quit(): void;
}

export async function startAdmin(state: ProxyState, hooks: AdminHooks, addrs: { podIP: string; loopbackIP: string }): Promise<Server[]> {
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const port = req.socket.localPort;
    const path = (req.url ?? '/').split('?')[0];
    const send = (code: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(code, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (path === '/healthz/ready' || path === '/ready') {
      send(hooks.ready() ? 200 : 503, hooks.ready() ? 'LIVE\n' : 'not ready: no configuration from the control plane yet\n');
      return;
    }
    if (path === '/stats/prometheus' && (port === MERGED_METRICS_PORT || port === ENVOY_METRICS_PORT || port === ADMIN_PORT)) {
      send(200, state.metrics.render(), 'text/plain; version=0.0.4; charset=utf-8');
      return;
    }
    if (port === ADMIN_PORT) {
      if (path === '/config_dump') return send(200, JSON.stringify(state.config ?? {}, null, 2), 'application/json');
      if (path === '/clusters') {
        const lines: string[] = [];
        for (const c of Object.values(state.config?.clusters ?? {})) {
          for (const e of c.endpoints) lines.push(`${c.name}::${e.address}:${e.port}::health_flags::healthy`);
        }
        return send(200, `${lines.join('\n')}\n`);
      }
      if (path === '/server_info') return send(200, JSON.stringify({ state: hooks.ready() ? 'LIVE' : 'INITIALIZING', node: state.nodeId, version: state.config?.version ?? '' }, null, 2), 'application/json');
      if (path === '/quitquitquit' && req.method === 'POST') {
        send(200, 'OK\n');
        hooks.quit();
        return;
      }
    }
    send(404, 'not found\n');
  };
  const servers: Server[] = [];
  const bind = async (host: string, port: number): Promise<void> => {
    const s = createServer(handler);
    await listenOn(s, port, host);
    servers.push(s);
  };
  await bind(addrs.loopbackIP, ADMIN_PORT);
  for (const port of [MERGED_METRICS_PORT, HEALTH_PORT, ENVOY_METRICS_PORT]) {
    await bind(addrs.loopbackIP, port);
    if (addrs.podIP !== addrs.loopbackIP) await bind(addrs.podIP, port);
  }
  return servers;
}
