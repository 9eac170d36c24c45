// TLS on top of a connected TCP socket, with curl's verification rules and
// its -v account of the handshake. Verification is done after the handshake
// (rejectUnauthorized off) so -k can report what it ignored, as curl does.

import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { CurlCode, CurlError } from './curl-error.js';
import { handshakeError, type SystemError } from './socket-errors.js';
import type { Trace } from './trace.js';
import type { TlsVersion } from './curl-options.js';

export interface TlsSettings {
  insecure: boolean;
  cacert?: string;
  cert?: string;
  key?: string;
  minVersion?: TlsVersion;
  maxVersion?: TlsVersion;
  alpn: string[];
}

export interface TlsResult {
  socket: tls.TLSSocket;
  alpn: string | false;
  /** OpenSSL's X509 verify result number, 0 when verified. */
  verifyResult: number;
}

const SYSTEM_CA_FILE = '/etc/ssl/certs/ca-certificates.crt';
const SYSTEM_CA_PATH = '/etc/ssl/certs';

/** Node's verify codes with OpenSSL's numbers and texts, which curl prints. */
const VERIFY_ERRORS: Record<string, [number, string]> = {
  UNABLE_TO_GET_ISSUER_CERT: [2, 'unable to get issuer certificate'],
  UNABLE_TO_GET_CRL: [3, 'unable to get certificate CRL'],
  UNABLE_TO_DECRYPT_CERT_SIGNATURE: [4, "unable to decrypt certificate's signature"],
  UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: [6, 'unable to decode issuer public key'],
  CERT_SIGNATURE_FAILURE: [7, 'certificate signature failure'],
  CERT_NOT_YET_VALID: [9, 'certificate is not yet valid'],
  CERT_HAS_EXPIRED: [10, 'certificate has expired'],
  ERROR_IN_CERT_NOT_BEFORE_FIELD: [13, "format error in certificate's notBefore field"],
  ERROR_IN_CERT_NOT_AFTER_FIELD: [14, "format error in certificate's notAfter field"],
  DEPTH_ZERO_SELF_SIGNED_CERT: [18, 'self-signed certificate'],
  SELF_SIGNED_CERT_IN_CHAIN: [19, 'self-signed certificate in certificate chain'],
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: [20, 'unable to get local issuer certificate'],
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: [21, 'unable to verify the first certificate'],
  CERT_CHAIN_TOO_LONG: [22, 'certificate chain too long'],
  CERT_REVOKED: [23, 'certificate revoked'],
  INVALID_CA: [24, 'invalid CA certificate'],
  PATH_LENGTH_EXCEEDED: [25, 'path length constraint exceeded'],
  INVALID_PURPOSE: [26, 'unsupported certificate purpose'],
  CERT_UNTRUSTED: [27, 'certificate not trusted'],
  CERT_REJECTED: [28, 'certificate rejected'],
  HOSTNAME_MISMATCH: [62, 'hostname mismatch'],
};

let systemCa: string[] | undefined;

/** Node's bundled roots plus the distribution bundle curl itself would read. */
function defaultCa(): string[] {
  if (!systemCa) {
    systemCa = [...tls.rootCertificates];
    try {
      systemCa.push(fs.readFileSync(SYSTEM_CA_FILE, 'utf8'));
    } catch {
      // No distribution bundle: the bundled roots are all there is.
    }
  }
  return systemCa;
}

function readOrFail(file: string, code: number, message: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch {
    throw new CurlError(code, message);
  }
}

/** "C=US; O=Example; CN=host", the way curl lays out a distinguished name. */
function formatName(name: unknown): string {
  if (!name || typeof name !== 'object') return '';
  const parts: string[] = [];
  for (const [key, val] of Object.entries(name as Record<string, string | string[]>)) {
    for (const v of Array.isArray(val) ? val : [val]) parts.push(`${key}=${v}`);
  }
  return parts.join('; ');
}

function wildcardMatch(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (!p.startsWith('*.')) return p === h;
  const dot = h.indexOf('.');
  return dot > 0 && h.slice(dot) === p.slice(1);
}

/** The subjectAltName line curl prints once the host name has been checked. */
function sanMatchLine(host: string, cert: tls.PeerCertificate): string | undefined {
  const entries = (cert.subjectaltname ?? '').split(/,\s*/).filter(Boolean);
  if (net.isIP(host)) {
    return entries.some((e) => e.startsWith('IP Address:') && e.slice(11) === host)
      ? `subjectAltName: host "${host}" matched cert's IP address!`
      : undefined;
  }
  const dns = entries.filter((e) => e.startsWith('DNS:')).map((e) => e.slice(4));
  const matched = dns.find((name) => wildcardMatch(name, host));
  return matched ? `subjectAltName: host "${host}" matched cert's "${matched}"` : undefined;
}

function handshakeLines(version: string, clientCert: boolean): string[] {
  if (version === 'TLSv1.3') {
    return [
      'TLSv1.3 (IN), TLS handshake, Server hello (2):',
      'TLSv1.3 (IN), TLS handshake, Encrypted Extensions (8):',
      ...(clientCert ? ['TLSv1.3 (IN), TLS handshake, Request CERT (13):'] : []),
      'TLSv1.3 (IN), TLS handshake, Certificate (11):',
      'TLSv1.3 (IN), TLS handshake, CERT verify (15):',
      'TLSv1.3 (IN), TLS handshake, Finished (20):',
      'TLSv1.3 (OUT), TLS change cipher, Change cipher spec (1):',
      ...(clientCert
        ? ['TLSv1.3 (OUT), TLS handshake, Certificate (11):', 'TLSv1.3 (OUT), TLS handshake, CERT verify (15):']
        : []),
      'TLSv1.3 (OUT), TLS handshake, Finished (20):',
    ];
  }
  const v = version.replace('TLSv1', 'TLSv1.0').replace('TLSv1.0.', 'TLSv1.');
  return [
    // OpenSSL still labels the hello with the version it offered.
    'TLSv1.3 (IN), TLS handshake, Server hello (2):',
    `${v} (IN), TLS handshake, Certificate (11):`,
    `${v} (IN), TLS handshake, Server key exchange (12):`,
    ...(clientCert ? [`${v} (IN), TLS handshake, Request CERT (13):`] : []),
    `${v} (IN), TLS handshake, Server finished (14):`,
    ...(clientCert ? [`${v} (OUT), TLS handshake, Certificate (11):`] : []),
    `${v} (OUT), TLS handshake, Client key exchange (16):`,
    ...(clientCert ? [`${v} (OUT), TLS handshake, CERT verify (15):`] : []),
    `${v} (OUT), TLS change cipher, Change cipher spec (1):`,
    `${v} (OUT), TLS handshake, Finished (20):`,
    `${v} (IN), TLS handshake, Finished (20):`,
  ];
}

/**
 * Runs the handshake on `socket` for `host:port`. Rejects with CurlError 35
 * (handshake), 58/77 (local files) or 60 (verification).
 */
export async function startTls(
  socket: net.Socket,
  host: string,
  port: number,
  settings: TlsSettings,
  trace: Trace,
): Promise<TlsResult> {
  const options: tls.ConnectionOptions = {
    socket,
    rejectUnauthorized: false,
    // Names are checked below, after the chain, so the message can be curl's.
    checkServerIdentity: () => undefined,
    ALPNProtocols: settings.alpn,
    minVersion: settings.minVersion,
    maxVersion: settings.maxVersion,
  };
  if (!net.isIP(host)) options.servername = host;
  if (settings.cacert) {
    options.ca = readOrFail(settings.cacert, CurlCode.SSL_CACERT_BADFILE, `error setting certificate file: ${settings.cacert}`);
  } else if (!settings.insecure) {
    options.ca = defaultCa();
  }
  if (settings.cert) {
    const certMessage = `could not load PEM client certificate from ${settings.cert}, OpenSSL error error:80000002:system library::No such file or directory, (no key found, wrong pass phrase, or wrong file format?)`;
    options.cert = readOrFail(settings.cert, CurlCode.SSL_CERTPROBLEM, certMessage);
    options.key = readOrFail(settings.key ?? settings.cert, CurlCode.SSL_CERTPROBLEM, `unable to set private key file: '${settings.key ?? settings.cert}' type PEM`);
  }

  if (settings.alpn.length > 0) trace.info(`ALPN: curl offers ${settings.alpn.join(',')}`);
  trace.info('TLSv1.3 (OUT), TLS handshake, Client hello (1):');
  if (!settings.insecure) {
    trace.info(` CAfile: ${settings.cacert ?? SYSTEM_CA_FILE}`);
    trace.info(` CApath: ${SYSTEM_CA_PATH}`);
  }

  const secure = await new Promise<tls.TLSSocket>((resolve, reject) => {
    let s: tls.TLSSocket;
    try {
      s = tls.connect(options);
    } catch (err) {
      reject(handshakeError(err as SystemError, host, port));
      return;
    }
    const onError = (err: SystemError): void => reject(handshakeError(err, host, port));
    s.once('error', onError);
    s.once('secureConnect', () => {
      s.off('error', onError);
      resolve(s);
    });
  });

  const version = secure.getProtocol() ?? 'TLSv1.3';
  if (version === 'TLSv1.3') {
    // Session tickets arrive after the handshake, usually just before the response.
    secure.on('session', () => trace.info('TLSv1.3 (IN), TLS handshake, Newsession Ticket (4):'));
  }
  const failure = secure.authorizationError as unknown;
  const failureCode = failure instanceof Error ? (failure as SystemError).code : (failure as string | undefined);
  const [verifyNumber, verifyText] = failureCode ? (VERIFY_ERRORS[failureCode] ?? [1, String(failureCode)]) : [0, 'ok'];
  const fail = (message: string): never => {
    secure.destroy();
    throw new CurlError(CurlCode.PEER_FAILED_VERIFICATION, message);
  };
  // OpenSSL stops the handshake on a chain it cannot verify, before curl looks at names.
  if (!settings.insecure && verifyNumber !== 0) fail(`SSL certificate problem: ${verifyText}`);

  for (const line of handshakeLines(version, settings.cert !== undefined)) trace.info(line);
  trace.info(`SSL connection using ${version} / ${secure.getCipher().name}`);
  const alpn = secure.alpnProtocol ?? false;
  if (settings.alpn.length > 0) {
    trace.info(alpn ? `ALPN: server accepted ${alpn}` : 'ALPN: server did not agree on a protocol. Uses default.');
  }

  const cert = secure.getPeerCertificate();
  trace.info('Server certificate:');
  trace.info(` subject: ${formatName(cert.subject)}`);
  trace.info(` start date: ${cert.valid_from}`);
  trace.info(` expire date: ${cert.valid_to}`);

  if (settings.insecure) {
    trace.info(` issuer: ${formatName(cert.issuer)}`);
    if (verifyNumber === 0) trace.info(' SSL certificate verify ok.');
    else trace.info(` SSL certificate verify result: ${verifyText} (${verifyNumber}), continuing anyway.`);
    return { socket: secure, alpn, verifyResult: verifyNumber };
  }

  const matchLine = sanMatchLine(host, cert);
  if (matchLine) {
    trace.info(` ${matchLine}`);
  } else if (tls.checkServerIdentity(host, cert) !== undefined) {
    if (cert.subjectaltname) fail(`SSL: no alternative certificate subject name matches target host name '${host}'`);
    fail(`SSL: certificate subject name '${commonName(cert)}' does not match target host name '${host}'`);
  } else {
    trace.info(` common name: ${commonName(cert)} (matched)`);
  }
  trace.info(` issuer: ${formatName(cert.issuer)}`);
  trace.info(' SSL certificate verify ok.');
  return { socket: secure, alpn, verifyResult: 0 };
}

function commonName(cert: tls.PeerCertificate): string {
  const cn = (cert.subject as unknown as Record<string, string | string[]> | undefined)?.CN;
  return Array.isArray(cn) ? (cn[0] ?? '') : (cn ?? '');
}
