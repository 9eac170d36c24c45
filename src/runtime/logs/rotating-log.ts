// One container's log file, rotated as the kubelet rotates container logs: before the live file would pass
// maxBytes it is renamed to CONTAINER.log.SEQ and a new live file is started; at most maxFiles files are
// kept, the live one included, the oldest deleted first.
//
// The runtime writes the file itself (containers write to pipes it reads, see container-output.ts)
// because rotation needs the writer's cooperation: the kubelet renames the file and asks the container
// runtime to reopen it, but a container process holding an O_APPEND descriptor cannot be asked to
// reopen, and copy-then-truncate loses whatever is written between the copy and the truncate.
//
// Writes are synchronous appends, which take microseconds against the page cache. Being synchronous on
// the runtime's one thread also makes each rotation atomic for the log readers in the same process
// (log-reader.ts): they never see a rename without the new live file, nor a rotated file still growing.

import { closeSync, fstatSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { rotatedFiles, rotatedPath } from './log-files.js';
import type { LogRotation } from './log-rotation.js';

const NEWLINE = 0x0a;

export class RotatingLog {
  private fd: number | undefined;
  private size = 0;
  /** Sequence numbers of the rotated files on disk, oldest first. */
  private rotated: number[] = [];

  constructor(readonly path: string, private readonly limits: LogRotation) {
    this.reopen();
  }

  /**
   * Appends bytes. Rotation falls on a line end when the bytes hold one that fits; only a line longer than
   * a whole file is split across files. A failed write (disk full, directory removed) drops the bytes
   * rather than the runtime, and the file is reopened on the next write.
   */
  write(data: Buffer): void {
    try {
      if (this.fd === undefined) this.reopen();
      let rest = data;
      while (rest.length > 0) {
        const room = this.limits.maxBytes - this.size;
        let n = 0;
        if (rest.length <= room) n = rest.length;
        else if (room > 0) {
          const lastLineEnd = rest.lastIndexOf(NEWLINE, room - 1);
          n = lastLineEnd >= 0 ? lastLineEnd + 1 : this.size === 0 ? room : 0;
        }
        if (n > 0) {
          this.append(rest.subarray(0, n));
          rest = rest.subarray(n);
        }
        if (rest.length > 0) this.rotate();
      }
    } catch {
      this.closeFd();
    }
  }

  close(): void {
    this.closeFd();
  }

  private append(bytes: Buffer): void {
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd!, bytes, done, bytes.length - done);
    this.size += bytes.length;
  }

  private rotate(): void {
    this.closeFd();
    const seq = (this.rotated[this.rotated.length - 1] ?? 0) + 1;
    renameSync(this.path, rotatedPath(this.path, seq));
    this.rotated.push(seq);
    this.prune();
    this.open();
  }

  /** Picks up what is on disk: a restarted runtime goes on appending to the same files. */
  private reopen(): void {
    this.closeFd();
    mkdirSync(dirname(this.path), { recursive: true });
    this.rotated = rotatedFiles(this.path).map((f) => f.seq);
    this.prune();
    this.open();
  }

  private open(): void {
    this.fd = openSync(this.path, 'a');
    this.size = fstatSync(this.fd).size;
  }

  private prune(): void {
    while (this.rotated.length > Math.max(0, this.limits.maxFiles - 1)) {
      const seq = this.rotated.shift()!;
      try {
        unlinkSync(rotatedPath(this.path, seq));
      } catch {
        // Already gone.
      }
    }
  }

  private closeFd(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch {
      // Nothing more to do with it.
    }
    this.fd = undefined;
  }
}
