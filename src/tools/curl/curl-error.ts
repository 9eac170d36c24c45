// curl reports failures as a numeric exit code plus one line of text; keeping
// both on the error lets every layer fail the same way.

/** The libcurl result codes this work-alike can produce; the values are curl's. */
export const CurlCode = {
  OK: 0,
  UNSUPPORTED_PROTOCOL: 1,
  USAGE: 2,
  URL_MALFORMAT: 3,
  COULDNT_RESOLVE_HOST: 6,
  COULDNT_CONNECT: 7,
  WEIRD_SERVER_REPLY: 8,
  HTTP2: 16,
  PARTIAL_FILE: 18,
  HTTP_RETURNED_ERROR: 22,
  WRITE_ERROR: 23,
  READ_ERROR: 26,
  OPERATION_TIMEDOUT: 28,
  SSL_CONNECT_ERROR: 35,
  TOO_MANY_REDIRECTS: 47,
  GOT_NOTHING: 52,
  SSL_ENGINE_NOTFOUND: 53,
  SEND_ERROR: 55,
  RECV_ERROR: 56,
  SSL_CERTPROBLEM: 58,
  PEER_FAILED_VERIFICATION: 60,
  BAD_CONTENT_ENCODING: 61,
  SSL_CACERT_BADFILE: 77,
  HTTP2_STREAM: 92,
} as const;

export class CurlError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'CurlError';
  }

  /** What curl writes to stderr for this failure. */
  render(): string {
    const text = `curl: (${this.exitCode}) ${this.message}\n`;
    if (this.exitCode !== CurlCode.PEER_FAILED_VERIFICATION) return text;
    return (
      text +
      'More details here: https://curl.se/docs/sslcerts.html\n\n' +
      'curl failed to verify the legitimacy of the server and therefore could not\n' +
      'establish a secure connection to it. To learn more about this situation and\n' +
      'how to fix it, please visit the web page mentioned above.\n'
    );
  }
}

/** Command-line mistakes: exit 2 and a pointer to the help text instead of "(N)". */
export class CurlUsageError extends CurlError {
  /** Set when curl words the problem as a warning and prints no help pointer. */
  private readonly verbatim: string | undefined;

  constructor(message: string, verbatim?: string) {
    super(CurlCode.USAGE, message);
    this.name = 'CurlUsageError';
    this.verbatim = verbatim;
  }

  override render(): string {
    if (this.verbatim !== undefined) return this.verbatim;
    const first = this.message ? `curl: ${this.message}\n` : '';
    return `${first}curl: try 'curl --help' or 'curl --manual' for more information\n`;
  }
}

/**
 * curl's warnf(): "Warning: " on every line, wrapped at 79 columns on the
 * last space that fits.
 */
export function formatWarning(text: string, prefix = 'Warning: '): string {
  const width = 79 - prefix.length;
  let out = '';
  // curl's messages carry their newline while being measured, so it counts toward the width.
  let rest = `${text}\n`;
  while (rest.length > 0) {
    out += prefix;
    if (rest.length > width) {
      let cut = width - 1;
      while (cut > 0 && !/\s/.test(rest[cut] ?? '')) cut--;
      if (cut === 0) cut = width - 1;
      out += `${rest.slice(0, cut + 1)}\n`;
      rest = rest.slice(cut + 1);
    } else {
      out += rest;
      rest = '';
    }
  }
  return out;
}
