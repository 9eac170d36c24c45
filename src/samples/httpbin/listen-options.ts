// Where each image listens. kennethreitz/httpbin runs `gunicorn -b 0.0.0.0:80 httpbin:app -k gevent`, so a
// container command may carry -b/--bind. go-httpbin takes -host/-port flags (also --host=...), falling
// back to the HOST and PORT environment, then 0.0.0.0:8080.

import type { Flavor } from './flavor.js';

export interface ListenOptions {
  host: string;
  port: number;
}

function flagValue(argv: readonly string[], names: readonly string[]): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    for (const n of names) {
      if (a === n && i + 1 < argv.length) found = argv[i + 1];
      else if (a.startsWith(`${n}=`)) found = a.slice(n.length + 1);
    }
  }
  return found;
}

function port(raw: string, what: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > 65535) throw new Error(`invalid ${what}: ${JSON.stringify(raw)}`);
  return n;
}

/** `pythonPort` is where the image's own command binds: 80 for kennethreitz, 8000 for citizenstig. */
export function listenOptions(flavor: Flavor, argv: readonly string[], env: Record<string, string | undefined>, pythonPort = 80): ListenOptions {
  if (flavor === 'python') {
    const bind = flagValue(argv, ['-b', '--bind']);
    if (bind === undefined) return { host: '0.0.0.0', port: pythonPort };
    const colon = bind.lastIndexOf(':');
    // gunicorn takes a bare host to mean port 8000.
    if (colon < 0) return { host: bind, port: 8000 };
    return { host: bind.slice(0, colon).replace(/^\[|\]$/g, '') || '0.0.0.0', port: port(bind.slice(colon + 1), '--bind port') };
  }
  // As go-httpbin's loadConfig: the environment applies only where the flag was left at its default.
  const flagPort = flagValue(argv, ['-port', '--port']);
  const flagHost = flagValue(argv, ['-host', '--host']);
  let listenPort = flagPort === undefined ? 8080 : port(flagPort, '-port');
  if (listenPort === 8080 && env.PORT) {
    if (!/^\d+$/.test(env.PORT)) throw new Error(`invalid value ${JSON.stringify(env.PORT)} for env var PORT: parse error`);
    listenPort = port(env.PORT, 'PORT');
  }
  let host = flagHost ?? '0.0.0.0';
  if (host === '0.0.0.0' && env.HOST) host = env.HOST;
  return { host, port: listenPort };
}
