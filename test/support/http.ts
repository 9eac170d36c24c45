// Small HTTP helpers for tests: the raw status line, and JSON bodies.

import { connect } from 'node:net';
import { request } from 'node:http';

/** Sends a HEAD request and returns the status line exactly as the server wrote it (what `curl -I | grep HTTP` shows). */
export function statusLine(port: number, host = '127.0.0.1', path = '/'): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port }, () => s.write(`HEAD ${path} HTTP/1.1\r\nHost: localhost:${port}\r\nUser-Agent: curl/8.5.0\r\nConnection: close\r\n\r\n`));
    let data = '';
    s.setTimeout(15_000, () => s.destroy(new Error('timeout')));
    s.on('data', (d: Buffer) => {
      data += d.toString('latin1');
      const i = data.indexOf('\r\n');
      if (i >= 0) {
        s.destroy();
        resolve(data.slice(0, i));
      }
    });
    s.on('error', reject);
    s.on('close', () => {
      if (!data.includes('\r\n')) reject(new Error(`no status line: ${JSON.stringify(data)}`));
    });
  });
}

export function getJson(port: number, host = '127.0.0.1', path = '/'): Promise<{ status: number; body: Record<string, unknown>; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, agent: false, timeout: 15_000 }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown>, headers: res.headers });
        } catch (err) {
          reject(new Error(`not JSON (${res.statusCode}): ${text.slice(0, 200)}: ${(err as Error).message}`));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}
