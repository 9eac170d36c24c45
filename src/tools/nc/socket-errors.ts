// The C library's words for the errors a connect or a name lookup can end with, as nc prints them.

const MESSAGES: Record<string, string> = {
  ECONNREFUSED: 'Connection refused',
  ETIMEDOUT: 'Connection timed out',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  ECONNRESET: 'Connection reset by peer',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  EAFNOSUPPORT: 'Address family not supported by protocol',
  EINVAL: 'Invalid argument',
};

const LOOKUP_MESSAGES: Record<string, string> = {
  ENOTFOUND: 'Name or service not known',
  EAI_NONAME: 'Name or service not known',
  EAI_AGAIN: 'Temporary failure in name resolution',
  ENODATA: 'No address associated with hostname',
  EAI_NODATA: 'No address associated with hostname',
  EAI_FAIL: 'Non-recoverable failure in name resolution',
};

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function connectErrorText(err: unknown): string {
  const code = codeOf(err);
  return (code !== undefined ? MESSAGES[code] : undefined) ?? (err instanceof Error ? err.message : String(err));
}

export function lookupErrorText(err: unknown): string {
  const code = codeOf(err);
  return (code !== undefined ? LOOKUP_MESSAGES[code] : undefined) ?? (err instanceof Error ? err.message : String(err));
}
