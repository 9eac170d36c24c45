// Istio's helloworld sample: `/hello` names the version and the instance, `/health` says it is healthy.

import http from 'node:http';

export interface HelloworldIdentity {
  /** SERVICE_VERSION, which the image sets (v1 or v2). */
  version: string;
  /** HOSTNAME: the pod's name. */
  instance: string;
}

const HTML = 'text/html; charset=utf-8';

export function createHelloworldServer(id: HelloworldIdentity): http.Server {
  return http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    req.resume();
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, 'Method Not Allowed');
    if (path === '/hello') return reply(res, 200, `Hello version: ${id.version}, instance: ${id.instance}\n`);
    if (path === '/health') return reply(res, 200, 'Helloworld is healthy');
    reply(res, 404, 'Not Found');
  });
}

function reply(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': HTML, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
