// The -v output: "* " for information, "> " for request headers, "< " for
// response headers and a "{ [N bytes data]" note after each header or text
// block when the body is not being shown on the terminal.

export class Trace {
  /** curl notes only the first data chunk after each text or header line. */
  private dataNoted = false;

  constructor(
    private readonly write: (text: string) => void,
    readonly enabled: boolean,
    private readonly noteData: boolean,
  ) {}

  info(text: string): void {
    if (!this.enabled) return;
    this.write(`* ${text}\n`);
    this.dataNoted = false;
  }

  /** A whole request head as sent; every line keeps its CRLF. */
  headerOut(head: string): void {
    if (!this.enabled) return;
    const lines = head.split('\r\n');
    lines.pop();
    this.write(lines.map((line) => `> ${line}\r\n`).join(''));
    this.dataNoted = false;
  }

  /** One response header line exactly as received, line ending included. */
  headerIn(line: string): void {
    if (!this.enabled) return;
    this.write(`< ${line}`);
    this.dataNoted = false;
  }

  dataIn(bytes: number): void {
    this.data('{', bytes);
  }

  dataOut(bytes: number): void {
    this.data('}', bytes);
  }

  private data(mark: string, bytes: number): void {
    if (!this.enabled || !this.noteData || this.dataNoted || bytes === 0) return;
    this.write(`${mark} [${bytes} bytes data]\n`);
    this.dataNoted = true;
  }
}
