// NodePort and LoadBalancer services reached from outside the mesh: node ports on the node's address
// (a pod's hostIP), the load balancer's own address, and node ports unique across services.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from '../../test/support/until.js';
import { AdmissionError } from './admission.js';
import { nodeAddress } from './addresses.js';
import { statePaths } from './paths.js';
import { Runtime } from './runtime.js';

const BLOCK = 249;

describe('services reached from outside: node ports and load balancers', () => {
  let home: string;
  let rt: Runtime;
  let backend: Server;
  let backendPort = 0;

  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'weft-service-proxy-'));
    rt = new Runtime({ paths: statePaths(home), block: BLOCK, hostPath: '/usr/bin:/bin', api: { host: '127.0.0.1', port: 1, token: 't' } });
    // The endpoint: answers each connection with a line naming it.
    // Answers each connection with a line naming it; a client that sends first hears what it sent,
    // once it has finished sending (a half-closed connection, as `echo x | nc` makes).
    backend = createServer({ allowHalfOpen: true }, (s) => {
      let got = '';
      let done = false;
      const finish = (text: string): void => {
        if (done) return;
        done = true;
        s.end(text);
      };
      s.setEncoding('utf8');
      s.on('error', () => undefined);
      s.on('data', (d: string) => (got += d));
      s.on('end', () => finish(got ? `got ${got}` : ''));
      setTimeout(() => {
        if (!got) finish('backend\n');
      }, 50);
    });
    await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
    backendPort = (backend.address() as { port: number }).port;
  });

  after(async () => {
    await rt.shutdown();
    backend.close();
    rmSync(home, { recursive: true, force: true });
  });

  const apply = (text: string) => rt.apply({ sources: [{ name: 'svc.yaml', text }], namespace: 'default', enforceNamespace: false, mode: 'apply', dryRun: false });

  /** A service without a selector and its hand-written Endpoints, pointing at the backend. */
  function service(name: string, type: string, ports: string): string {
    return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  type: ${type}
  ports:
${ports}
---
apiVersion: v1
kind: Endpoints
metadata:
  name: ${name}
subsets:
- addresses:
  - ip: 127.0.0.1
  ports:
  - name: http2
    port: ${backendPort}
`;
  }

  function read(host: string, port: number): Promise<string> {
    return new Promise((resolve, reject) => {
      let out = '';
      const s = connect({ host, port });
      s.setEncoding('utf8');
      s.on('data', (d: string) => (out += d));
      s.on('end', () => resolve(out));
      s.on('error', reject);
    });
  }

  /** Sends `line`, half-closes, and reads the answer to the end. */
  function halfClose(host: string, port: number, line: string): Promise<string> {
    return new Promise((resolve, reject) => {
      let out = '';
      const s = connect({ host, port, allowHalfOpen: true }, () => s.end(line));
      s.setEncoding('utf8');
      s.on('data', (d: string) => (out += d));
      s.on('end', () => resolve(out));
      s.on('error', reject);
    });
  }

  const nodePortOf = (name: string) => (rt.get('Service', 'default', name).spec as { ports: Array<{ nodePort: number }> }).ports[0]!.nodePort;

  test('a NodePort service answers on the node address at its node port, and stops when deleted', async () => {
    apply(service('np', 'NodePort', '  - name: http2\n    port: 8080'));
    const port = nodePortOf('np');
    assert.ok(port >= 30000 && port <= 32767, String(port));
    const node = nodeAddress(BLOCK);
    await until(async () => ((await read(node, port).catch(() => '')) === 'backend\n' ? true : undefined), 'the node port to answer', 10_000);
    rt.remove(rt.get('Service', 'default', 'np'));
    await until(async () => ((await read(node, port).then(() => false, () => true)) ? true : undefined), 'the node port to close', 10_000);
  });

  test('a LoadBalancer service answers on its own address and on the node port', async () => {
    apply(service('lb', 'LoadBalancer', '  - name: http2\n    port: 80'));
    const port = nodePortOf('lb');
    const ip = await until(() => (rt.get('Service', 'default', 'lb').status as { loadBalancer?: { ingress?: Array<{ ip: string }> } }).loadBalancer?.ingress?.[0]?.ip, 'an ingress address', 10_000);
    const [host, p] = ip.includes(':') ? [ip.split(':')[0]!, Number(ip.split(':')[1])] : [ip, 80];
    assert.match(host, new RegExp(`^127\\.${BLOCK}\\.0\\.\\d+$`));
    assert.notEqual(host, nodeAddress(BLOCK));
    await until(async () => ((await read(host, p).catch(() => '')) === 'backend\n' ? true : undefined), 'the load balancer to answer', 10_000);
    assert.equal(await read(nodeAddress(BLOCK), port), 'backend\n');
    // A client that has finished sending still gets the answer through the load balancer.
    assert.equal(await halfClose(host, p, 'x\n'), 'got x\n');
  });

  test('node ports are unique: an explicit one already taken or out of range is refused with Kubernetes’ words', () => {
    const taken = nodePortOf('lb');
    assert.throws(() => apply(service('clash', 'NodePort', `  - name: http2\n    port: 81\n    nodePort: ${taken}`)), (err: unknown) => {
      assert.ok(err instanceof AdmissionError);
      assert.equal(err.message, `svc.yaml document 1: Service "clash" is invalid: spec.ports[0].nodePort: Invalid value: ${taken}: provided port is already allocated`);
      return true;
    });
    assert.throws(() => apply(service('low', 'NodePort', '  - name: http2\n    port: 81\n    nodePort: 8080')), /spec\.ports\[0\]\.nodePort: Invalid value: 8080: provided port is not in the valid range\. The range of valid ports is 30000-32767/);
    // Many services in one batch never share a node port.
    const many = Array.from({ length: 40 }, (_, i) => service(`many-${i}`, 'NodePort', '  - name: http2\n    port: 80\n  - name: tcp\n    port: 81')).join('---\n');
    apply(many);
    const ports = Array.from({ length: 40 }, (_, i) => (rt.get('Service', 'default', `many-${i}`).spec as { ports: Array<{ nodePort: number }> }).ports.map((p) => p.nodePort)).flat();
    assert.equal(new Set([...ports, taken]).size, 81);
  });
});
