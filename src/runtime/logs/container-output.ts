// Containers' stdout and stderr, read from pipes and written to their rotating log files: both streams to
// one file, as `weft logs` shows them.
//
// The pipes are read as data arrives, so a container never waits on its log (it would block only if the
// runtime's event loop stalled for as long as the pipe buffer lasts). Each stream is cut into whole lines
// before they are written, so a line half-written on stdout is not broken by a line from stderr; a line
// longer than MAX_PARTIAL_BYTES is written as it comes, as containerd splits lines past its 16 KiB buffer.
//
// When the runtime dies the pipes close with it: a container writing then gets EPIPE (Node) or SIGPIPE
// (anything else) and exits, which it was about to do anyway (the IPC channel or libexec/guard's stdin
// tells it the runtime is gone).

import type { Readable } from 'node:stream';
import { RotatingLog } from './rotating-log.js';
import type { LogRotation } from './log-rotation.js';

const NEWLINE = 0x0a;
const MAX_PARTIAL_BYTES = 16 * 1024;

export class ContainerOutput {
  /** One writer per log file, shared by the processes writing it (a restarted container, a lingering child). */
  private readonly open = new Map<string, { log: RotatingLog; streams: number }>();

  constructor(private readonly rotation: LogRotation) {}

  /** Copies the streams into the log at path; resolves when all have ended and their last bytes are written. */
  attach(path: string, streams: Readable[]): Promise<void> {
    let entry = this.open.get(path);
    if (!entry) {
      entry = { log: new RotatingLog(path, this.rotation), streams: 0 };
      this.open.set(path, entry);
    }
    const e = entry;
    e.streams += streams.length;
    return Promise.all(streams.map((s) => copyLines(s, e.log))).then(() => {
      e.streams -= streams.length;
      if (e.streams === 0 && this.open.get(path) === e) {
        e.log.close();
        this.open.delete(path);
      }
    });
  }
}

function copyLines(stream: Readable, log: RotatingLog): Promise<void> {
  return new Promise((resolve) => {
    let partial: Buffer | undefined;
    /** The current line's start is written already (it was too long to hold): so is the rest, as it comes. */
    let midLine = false;
    stream.on('data', (chunk: Buffer) => {
      let data = chunk;
      if (midLine) {
        const lineEnd = data.indexOf(NEWLINE) + 1;
        log.write(lineEnd === 0 ? data : data.subarray(0, lineEnd));
        if (lineEnd === 0) return;
        midLine = false;
        data = data.subarray(lineEnd);
      }
      if (partial) data = Buffer.concat([partial, data]);
      partial = undefined;
      const end = data.lastIndexOf(NEWLINE) + 1;
      if (end === data.length) {
        if (end > 0) log.write(data);
        return;
      }
      if (data.length - end > MAX_PARTIAL_BYTES) {
        log.write(data);
        midLine = true;
        return;
      }
      if (end > 0) log.write(data.subarray(0, end));
      // A copy, so the rest of a large chunk is not kept alive by its tail.
      partial = Buffer.from(data.subarray(end));
    });
    // A read error (the container's end reset) ends the stream like EOF does.
    stream.on('error', () => undefined);
    stream.once('close', () => {
      if (partial) log.write(partial);
      partial = undefined;
      resolve();
    });
  });
}
