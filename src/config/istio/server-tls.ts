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

/** Certificate rules Istio's validation applies per mode. */
export function checkServerTls(tls: ServerTlsSettings, path: string, out: Problems): void {
  const mode = tls.mode ?? 'PASSTHROUGH';
  if (mode === 'ISTIO_MUTUAL') {
    if (tls.serverCertificate) out.add(`${path}.serverCertificate`, 'ISTIO_MUTUAL TLS cannot have associated server certificate');
    if (tls.privateKey) out.add(`${path}.privateKey`, 'ISTIO_MUTUAL TLS cannot have associated private key');
    if (tls.caCertificates) out.add(`${path}.caCertificates`, 'ISTIO_MUTUAL TLS cannot have associated CA bundle');
    if (tls.credentialName) out.add(`${path}.credentialName`, 'ISTIO_MUTUAL TLS cannot have associated credentialName');
    return;
  }
  if (mode !== 'SIMPLE' && mode !== 'MUTUAL' && mode !== 'OPTIONAL_MUTUAL') return;
  // Certificates fetched from a secret need nothing inline.
  if (tls.credentialName || tls.credentialNames?.length) return;
  if (tls.tlsCertificates?.length) {
    tls.tlsCertificates.forEach((c, i) => {
      if (!c.serverCertificate) out.add(`${path}.tlsCertificates[${i}].serverCertificate`, `${mode} TLS requires a server certificate`);
      if (!c.privateKey) out.add(`${path}.tlsCertificates[${i}].privateKey`, `${mode} TLS requires a private key`);
    });
  } else {
    if (!tls.serverCertificate) out.add(`${path}.serverCertificate`, `${mode} TLS requires a server certificate (or credentialName)`);
    if (!tls.privateKey) out.add(`${path}.privateKey`, `${mode} TLS requires a private key (or credentialName)`);
  }
  if (mode !== 'SIMPLE' && !tls.caCertificates && !tls.caCertCredentialName) {
    out.add(`${path}.caCertificates`, `${mode} TLS requires a client CA bundle`);
  }
}
