import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http2 from 'node:http2';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { AddressInfo, Server } from 'node:net';
import { parseCurlArgs } from './parse-args.js';
import { runCurl } from './run-curl.js';

// Self-signed for localhost and 127.0.0.1, valid for a century.
const CERT = `-----BEGIN CERTIFICATE-----
MIIBmjCCAUGgAwIBAgIULZAtOaBos3RwnoUXu8z6GgK3ln0wCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyMTExMDIxNFoYDzIxMjYxMDI4
MTEwMjE0WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAARDrCJ8ZUOqR+yEiCG0xCSOqpAak8Eno9u3t6Cdna5LbEW5PQNGU0RJ
hk0Q4MVsK3oIKxyI+LZKEbLAmNamp17Oo28wbTAdBgNVHQ4EFgQUh+64BbfyJzgW
BPct1kIZwG5OWGUwHwYDVR0jBBgwFoAUh+64BbfyJzgWBPct1kIZwG5OWGUwDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwCgYIKoZI
zj0EAwIDRwAwRAIgWBW1QbW9DNqXdJ7c5i0nspIkHuTc7spqy06LhyBgFUYCICyO
QEext4GaC1tFlZTn6uWNPiklYGk9c6XwE8xlMmTo
-----END CERTIFICATE-----
`;
const KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg0M+awWAKWdhehnCq
chIICF9IHjsDzKYrZrFl51q9kaqhRANCAARDrCJ8ZUOqR+yEiCG0xCSOqpAak8En
o9u3t6Cdna5LbEW5PQNGU0RJhk0Q4MVsK3oIKxyI+LZKEbLAmNamp17O
-----END PRIVATE KEY-----
`;

async function curl(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString('latin1')));
  stderr.on('data', (c: Buffer) => (err += c.toString('latin1')));
  const code = await runCurl(parseCurlArgs(argv), { stdout, stderr });
  return { code, stdout: out, stderr: err };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

describe('curl over TLS', () => {
  let dir = '';
  let caFile = '';
  let h2Port = 0;
  let mtlsPort = 0;
  const h2 = http2.createSecureServer({ key: KEY, cert: CERT, allowHTTP1: true }, (req, res) => {
    res.end(`secure ${req.httpVersion}\n`);
  });
  // Asks for a client certificate and refuses the connection without one, like a STRICT mTLS sidecar.
  const mtls = https.createServer({ key: KEY, cert: CERT, requestCert: true, rejectUnauthorized: true, ca: CERT }, (_req, res) =>
    res.end('never\n'),
  );

  before(async () => {
    dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'curl-tls-'));
    caFile = path.join(dir, 'ca.pem');
    await fs.promises.writeFile(caFile, CERT);
    h2Port = await listen(h2);
    mtlsPort = await listen(mtls);
  });

  after(async () => {
    await new Promise<void>((resolve) => h2.close(() => resolve()));
    mtls.closeAllConnections();
    await new Promise<void>((resolve) => mtls.close(() => resolve()));
    await fs.promises.rm(dir, { recursive: true, force: true });
  });

  it('refuses an untrusted certificate with exit 60 and curl\'s explanation', async () => {
    const r = await curl('-sS', `https://localhost:${h2Port}/`);
    assert.equal(r.code, 60);
    assert.ok(
      r.stderr.startsWith(
        'curl: (60) SSL certificate problem: self-signed certificate\nMore details here: https://curl.se/docs/sslcerts.html\n\n',
      ),
    );
  });

  it('-k skips verification and ALPN picks HTTP/2', async () => {
    const r = await curl('-sk', '-w', '%{http_version} %{ssl_verify_result}', `https://127.0.0.1:${h2Port}/`);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'secure 2.0\n2 18');
  });

  it('--http1.1 keeps HTTP/1.1 over TLS', async () => {
    const r = await curl('-sk', '--http1.1', '-i', `https://127.0.0.1:${h2Port}/`);
    assert.match(r.stdout, /^HTTP\/1\.1 200 OK\r\n/);
    assert.ok(r.stdout.endsWith('secure 1.1\n'));
  });

  it('--cacert trusts the server and the name is checked', async () => {
    const ok = await curl('-sS', '--cacert', caFile, `https://localhost:${h2Port}/`);
    assert.equal(ok.code, 0);
    assert.equal(ok.stdout, 'secure 2.0\n');
    const wrongName = await curl(
      '-sS',
      '--cacert',
      caFile,
      '--resolve',
      `other.test:${h2Port}:127.0.0.1`,
      `https://other.test:${h2Port}/`,
    );
    assert.equal(wrongName.code, 60);
    assert.match(wrongName.stderr, /^curl: \(60\) SSL: no alternative certificate subject name matches target host name 'other\.test'\n/);
  });

  it('-v describes the handshake and the certificate', async () => {
    const r = await curl('-sv', '--cacert', caFile, `https://localhost:${h2Port}/`);
    assert.ok(r.stderr.includes('* ALPN: curl offers h2,http/1.1\n'));
    assert.ok(r.stderr.includes('* ALPN: server accepted h2\n'));
    assert.ok(r.stderr.includes('*  subject: CN=localhost\n'));
    assert.ok(r.stderr.includes('*  subjectAltName: host "localhost" matched cert\'s "localhost"\n'));
    assert.ok(r.stderr.includes('*  SSL certificate verify ok.\n'));
    assert.ok(r.stderr.includes('< HTTP/2 200 \r\n'));
  });

  it('a server that demands a client certificate ends the transfer with 56', async () => {
    const r = await curl('-sSk', `https://127.0.0.1:${mtlsPort}/`);
    assert.equal(r.code, 56);
    assert.match(r.stderr, /^curl: \(56\) OpenSSL SSL_read: OpenSSL\/[\d.]+: error:[0-9A-F]{8}:SSL routines::tlsv13 alert certificate required, errno 0\n$/);
  });
});
