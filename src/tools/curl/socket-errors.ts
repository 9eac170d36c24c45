// Node reports socket failures as errno codes; curl prints the C library's
// strerror() text and picks an exit code by the phase that failed.

import { CurlCode, CurlError } from './curl-error.js';
import { openSslVersion } from './curl-version.js';

const STRERROR: Record<string, string> = {
  ECONNREFUSED: 'Connection refused',
  ECONNRESET: 'Connection reset by peer',
  ECONNABORTED: 'Software caused connection abort',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  ENETDOWN: 'Network is down',
  ETIMEDOUT: 'Connection timed out',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  EADDRINUSE: 'Address already in use',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  EPIPE: 'Broken pipe',
  EINVAL: 'Invalid argument',
};

export interface SystemError extends Error {
  code?: string;
  syscall?: string;
  reason?: string;
  errors?: unknown[];
}

/** Node wraps happy-eyeballs failures in an AggregateError; the first attempt's code speaks for all. */
export function errorCode(err: SystemError): string | undefined {
  if (err.code) return err.code;
  const inner = err.errors?.[0] as SystemError | undefined;
  return inner?.code;
}

export function strerror(code: string | undefined): string {
  return (code && STRERROR[code]) || 'Unknown error';
}

/** OpenSSL's packed error, e.g. "error:0A00010B:SSL routines::wrong version number". */
function openSslDetail(err: SystemError): string | undefined {
  const hex = /error:([0-9A-Fa-f]{8}):/.exec(err.message)?.[1];
  if (!hex) return undefined;
  const reason = err.reason ?? /:([^:]+):[^:]*:\d+:/.exec(err.message)?.[1] ?? 'unknown error';
  return `OpenSSL/${openSslVersion()}: error:${hex.toUpperCase()}:SSL routines::${reason}`;
}

/** A failure while the TLS handshake is running (curl exit 35). */
export function handshakeError(err: SystemError, host: string, port: number): CurlError {
  if (err instanceof CurlError) return err;
  const detail = openSslDetail(err);
  if (detail) return new CurlError(CurlCode.SSL_CONNECT_ERROR, detail);
  const code = errorCode(err);
  if (code === 'ECONNRESET' && err.syscall === 'read') {
    return new CurlError(CurlCode.SSL_CONNECT_ERROR, 'Recv failure: Connection reset by peer');
  }
  return new CurlError(CurlCode.SSL_CONNECT_ERROR, `OpenSSL SSL_connect: SSL_ERROR_SYSCALL in connection to ${host}:${port} `);
}

/** A failure once the request is on its way: send errors are 55, everything else 56. */
export function transferError(err: SystemError): CurlError {
  if (err instanceof CurlError) return err;
  const detail = openSslDetail(err);
  if (detail) return new CurlError(CurlCode.RECV_ERROR, `OpenSSL SSL_read: ${detail}, errno 0`);
  const code = errorCode(err);
  if (err.syscall === 'write' || code === 'EPIPE') {
    return new CurlError(CurlCode.SEND_ERROR, `Send failure: ${strerror(code)}`);
  }
  return new CurlError(CurlCode.RECV_ERROR, `Recv failure: ${strerror(code ?? 'ECONNRESET')}`);
}
