import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createHelloworldServer } from './server.js';

function get(port: number, path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
      })
      .on('error', reject);
  });
}

describe('helloworld', () => {
  const server = createHelloworldServer({ version: 'v2', instance: 'helloworld-v2-7d8f9-abcde' });
  let port = 0;
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers /hello with its version and instance', async () => {
    const r = await get(port, '/hello');
    assert.equal(r.status, 200);
    assert.equal(r.body, 'Hello version: v2, instance: helloworld-v2-7d8f9-abcde\n');
    assert.equal(r.type, 'text/html; charset=utf-8');
  });

  it('answers /health', async () => {
    assert.deepEqual(await get(port, '/health'), { status: 200, type: 'text/html; charset=utf-8', body: 'Helloworld is healthy' });
  });

  it('answers 404 elsewhere', async () => {
    assert.equal((await get(port, '/')).status, 404);
  });
});
