// ServerTLSSettings: TLS termination on Gateway servers and Sidecar ingress listeners.

import { z } from 'zod';
import { atMostOne, Problems, stringList } from './common.js';

const tlsVersion = z.enum(['TLS_AUTO', 'TLSV1_0', 'TLSV1_1', 'TLSV1_2', 'TLSV1_3']);

export const serverTlsSettings = z
  .strictObject({
    httpsRedirect: z.boolean().optional(),
    mode: z.enum(['PASSTHROUGH', 'SIMPLE', 'MUTUAL', 'AUTO_PASSTHROUGH', 'ISTIO_MUTUAL', 'OPTIONAL_MUTUAL']).optional(),
    serverCertificate: z.string().optional(),
    privateKey: z.string().optional(),
    caCertificates: z.string().optional(),
    caCrl: z.string().optional(),
    credentialName: z.string().optional(),
    credentialNames: z.array(z.string()).min(1).max(2).optional(),
    caCertCredentialName: z.string().optional(),
    tlsCertificates: z
      .array(
        z.strictObject({
          serverCertificate: z.string().optional(),
          privateKey: z.string().optional(),
          caCertificates: z.string().optional(),
        }),
      )
      .min(1)
      .max(2)
      .optional(),
    subjectAltNames: stringList.optional(),
    verifyCertificateSpki: stringList.optional(),
    verifyCertificateHash: stringList.optional(),
    minProtocolVersion: tlsVersion.optional(),
    maxProtocolVersion: tlsVersion.optional(),
    cipherSuites: stringList.optional(),
  })
  .superRefine(atMostOne(['credentialName', 'credentialNames', 'tlsCertificates']));
export type ServerTlsSettings = z.infer<typeof serverTlsSettings>;

// BoringSSL's cipher suite names, as Istio's security.IsValidCipherSuite knows them.
const cipherSuites = new Set([
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305', 'ECDHE-PSK-CHACHA20-POLY1305', 'ECDHE-ECDSA-AES128-SHA',
  'ECDHE-RSA-AES128-SHA', 'ECDHE-PSK-AES128-CBC-SHA', 'ECDHE-ECDSA-AES256-SHA', 'ECDHE-RSA-AES256-SHA', 'ECDHE-PSK-AES256-CBC-SHA',
  'AES128-GCM-SHA256', 'AES256-GCM-SHA384', 'AES128-SHA', 'PSK-AES128-CBC-SHA', 'AES256-SHA', 'PSK-AES256-CBC-SHA', 'DES-CBC3-SHA',
]);

/** Istio's validateTLSOptions: certificate rules per mode, and warnings about ciphers and ignored certificates. */
export function checkServerTls(tls: ServerTlsSettings, path: string, out: Problems): void {
  if ((tls.minProtocolVersion === 'TLSV1_0' || tls.minProtocolVersion === 'TLSV1_1') && !tls.cipherSuites?.length) {
    out.warn(`${path}.minProtocolVersion`, 'TLS version below TLSV1_2 require setting compatible ciphers as by default they no longer include compatible ciphers.');
  }
  const invalid = new Set<string>();
  const valid = new Set<string>();
  const dup = new Set<string>();
  for (const c of tls.cipherSuites ?? []) {
    if (!cipherSuites.has(c)) invalid.add(c);
    else if (valid.has(c)) dup.add(c);
    else valid.add(c);
  }
  if (invalid.size) out.warn(`${path}.cipherSuites`, `ignoring invalid cipher suites: [${[...invalid].sort().join(' ')}]`);
  if (dup.size) out.warn(`${path}.cipherSuites`, `ignoring duplicate cipher suites: [${[...dup].sort().join(' ')}]`);

  const mode = tls.mode ?? 'PASSTHROUGH';
  if (mode === 'ISTIO_MUTUAL') {
    if (tls.serverCertificate) out.add(`${path}.serverCertificate`, 'ISTIO_MUTUAL TLS cannot have associated server certificate');
    if (tls.privateKey) out.add(`${path}.privateKey`, 'ISTIO_MUTUAL TLS cannot have associated private key');
    if (tls.caCertificates) out.add(`${path}.caCertificates`, 'ISTIO_MUTUAL TLS cannot have associated CA bundle');
    if (tls.credentialName) out.add(`${path}.credentialName`, 'ISTIO_MUTUAL TLS cannot have associated credentialName');
    return;
  }
  if ((mode === 'PASSTHROUGH' || mode === 'AUTO_PASSTHROUGH') && (tls.caCrl || tls.serverCertificate || tls.privateKey || tls.caCertificates || tls.credentialName)) {
    out.warn(path, `${mode} mode does not use certificates, they will be ignored`);
  }
  // certificates fetched from secrets (credentialName, or the newer credentialNames) need nothing inline
  if ((mode === 'SIMPLE' || mode === 'MUTUAL' || mode === 'OPTIONAL_MUTUAL') && (tls.credentialName || tls.credentialNames?.length)) return;
  const certs = tls.tlsCertificates?.length ? tls.tlsCertificates : [tls];
  const label = mode === 'SIMPLE' ? 'SIMPLE' : 'MUTUAL';
  if (mode === 'SIMPLE' || mode === 'MUTUAL' || mode === 'OPTIONAL_MUTUAL') {
    certs.forEach((c, i) => {
      const at = tls.tlsCertificates?.length ? `${path}.tlsCertificates[${i}]` : path;
      if (!c.serverCertificate) out.add(`${at}.serverCertificate`, `${label} TLS requires a server certificate`);
      if (!c.privateKey) out.add(`${at}.privateKey`, `${label} TLS requires a private key`);
    });
    if (mode !== 'SIMPLE' && !tls.caCertificates && !tls.caCertCredentialName) out.add(`${path}.caCertificates`, 'MUTUAL TLS requires a client CA bundle');
  }
  if (tls.caCrl) {
    if (tls.credentialName) out.add(`${path}.caCrl`, 'CRL is not supported with credentialName. CRL has to be specified in the credential');
    if (mode === 'SIMPLE') out.add(`${path}.caCrl`, 'CRL is not supported with SIMPLE TLS');
  }
}
