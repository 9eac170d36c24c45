// What route matching reads of a request, whichever codec carried it.

export interface RequestView {
  method: string;
  /** The request target as sent: path and query. */
  path: string;
  /** Host header or :authority, as sent. */
  authority: string;
  scheme: string;
  /** A header by lower-case name; several values joined by ",". */
  header(name: string): string | undefined;
}
