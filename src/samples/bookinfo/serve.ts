// What every Bookinfo program does around its HTTP handler: an access-log line per request, listening on
// the port the original took from its command line (9080 in Bookinfo's manifests), and a clean stop.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** A request's whole body as UTF-8 text (ratings' JSON, productpage's login form). */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** An HTTP server that logs `method path status user-agent [end-user]` per request to `log` and answers 500 if the handler throws. */
export function createLoggedServer(name: string, handler: Handler, log: (line: string) => void = (l) => process.stdout.write(l)): Server {
  return createServer((req, res) => {
    res.on('finish', () => {
      // The signed-in user, when productpage passes one on: what Istio's request-routing task matches.
      const user = req.headers['end-user'];
      log(`${new Date().toISOString()} ${name} "${req.method ?? ''} ${req.url ?? ''}" ${res.statusCode} ${req.headers['user-agent'] ?? '-'}${typeof user === 'string' ? ` end-user=${user}` : ''}\n`);
    });
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((err: unknown) => {
        process.stderr.write(`${name}: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('internal error\n');
      });
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** The port from the first numeric argument (the originals' `app 9080` command line), else 9080. */
function portFromArgs(args: readonly string[]): number {
  const arg = args.find((a) => /^\d+$/.test(a));
  return arg === undefined ? 9080 : Number(arg);
}

/** Listens on 0.0.0.0 (the runtime maps it to the pod address) and stops on SIGTERM or SIGINT. */
export function runMain(name: string, server: Server, port = portFromArgs(process.argv.slice(2))): void {
  server.on('error', (err) => {
    process.stderr.write(`${name}: ${err.message}\n`);
    process.exit(1);
  });
  server.listen(port, '0.0.0.0', () => {
    const bound = server.address();
    process.stdout.write(`${name} listening on http://0.0.0.0:${typeof bound === 'object' && bound !== null ? bound.port : port}\n`);
  });
  const stop = (): void => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
