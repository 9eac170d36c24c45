// CLI errors: one line (or one per validation issue) on stderr and a non-zero exit, never a stack trace.

export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

/** An error the runtime's API answered, with its HTTP status for callers that tell "not found" apart. */
export class ServerError extends CliError {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

/** kubectl's prefix for an error the server reported, by HTTP status. */
export function serverErrorPrefix(status: number): string {
  switch (status) {
    case 404:
      return 'Error from server (NotFound): ';
    case 409:
      return 'Error from server (AlreadyExists): ';
    case 422:
      return 'Error from server (Invalid): ';
    case 403:
      return 'Error from server (Forbidden): ';
    case 400:
      return 'Error from server (BadRequest): ';
    case 413:
      return 'Error from server (RequestEntityTooLarge): ';
    case 401:
      return 'error: ';
    default:
      return 'Error from server: ';
  }
}
