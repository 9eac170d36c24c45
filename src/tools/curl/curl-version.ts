// One version string for everything that reports it, so the default
// User-Agent, -V and %{json} agree with each other.

export const CURL_VERSION = '8.5.0';
export const DEFAULT_USER_AGENT = `curl/${CURL_VERSION}`;

/** The TLS library is the one Node links, since that is what does the handshakes. */
export function openSslVersion(): string {
  return (process.versions.openssl ?? '3.0.0').replace(/\+.*$/, '');
}

export function libraryLine(): string {
  const zlib = (process.versions.zlib ?? '1.3').replace(/-.*$/, '');
  const parts = [`libcurl/${CURL_VERSION}`, `OpenSSL/${openSslVersion()}`, `zlib/${zlib}`];
  if (process.versions.brotli) parts.push(`brotli/${process.versions.brotli}`);
  if (process.versions.nghttp2) parts.push(`nghttp2/${process.versions.nghttp2}`);
  return parts.join(' ');
}

export function versionText(): string {
  return [
    `curl ${CURL_VERSION} (x86_64-pc-linux-gnu) ${libraryLine()}`,
    'Release-Date: 2023-12-06',
    'Protocols: http https',
    'Features: alt-svc AsynchDNS brotli HTTP2 IPv6 Largefile libz SSL threadsafe UnixSockets',
    '',
  ].join('\n');
}
