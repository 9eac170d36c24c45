// Reads one container's log as one stream across its rotated files (oldest first, the live file last):
// from the start or from the last N lines, up to what was there when it opened or, followed, on through
// later rotations without losing or repeating a byte.
//
// Files are tracked by inode, not by name: a file the reader holds open cannot be freed, so its inode
// stays its own. When the live file has been rotated, what the reader holds is final (the writer never
// writes to a rotated file), so it reads it to its end and goes on with the files after it.
// Listing and opening the files happen in one synchronous step; the writer (rotating-log.ts) rotates
// synchronously on the same thread, so that step always sees a consistent set.

import { closeSync, fstatSync, openSync, read, statSync } from 'node:fs';
import { promisify } from 'node:util';
import { rotatedFiles } from './log-files.js';

const readAt = promisify(read);
const CHUNK = 64 * 1024;
const NEWLINE = 0x0a;

interface OpenFile {
  fd: number;
  ino: number;
}

/** Gets each chunk read; false stops the read (the client went away). */
export type Emit = (chunk: Buffer) => boolean | Promise<boolean>;

export class LogReader {
  /** The file being read first, then the ones known to follow it. */
  private files: OpenFile[];
  private offset = 0;
  /** Where a one-shot read stops: the live file's size when the reader opened. */
  private readonly snapshotEnd: { ino: number; size: number } | undefined;
  private closed = false;
  /** A read in progress: closing waits for it, so a descriptor is never closed (and reused) under a read. */
  private busy = false;

  private constructor(private readonly path: string, files: OpenFile[]) {
    this.files = files;
    const last = files[files.length - 1];
    this.snapshotEnd = last ? { ino: last.ino, size: fstatSync(last.fd).size } : undefined;
  }

  /** Opens the log at path; with tail, positioned at the start of its last `tail` lines. */
  static async open(path: string, tail?: number): Promise<LogReader> {
    const reader = new LogReader(path, openChain(path));
    if (tail !== undefined) await reader.exclusive(() => reader.seekTail(tail));
    return reader;
  }

  /** Reads up to where the log ended when the reader opened. */
  readSnapshot(emit: Emit): Promise<void> {
    return this.exclusive(() => this.snapshot(emit));
  }

  /** Reads everything written so far, following rotations; call again when the log changes. */
  readAvailable(emit: Emit): Promise<void> {
    return this.exclusive(() => this.available(emit));
  }

  /** Closes the files now, or when the read in progress returns. */
  close(): void {
    this.closed = true;
    if (!this.busy) this.closeAll();
  }

  private async exclusive(read: () => Promise<void>): Promise<void> {
    if (this.busy) throw new Error('LogReader: one read at a time');
    this.busy = true;
    try {
      await read();
    } finally {
      this.busy = false;
      if (this.closed) this.closeAll();
    }
  }

  private async snapshot(emit: Emit): Promise<void> {
    while (!this.closed && this.files.length > 0) {
      const cur = this.files[0]!;
      const limit = cur.ino === this.snapshotEnd?.ino ? this.snapshotEnd.size : Infinity;
      if (!(await this.readFile(cur, emit, limit))) return;
      if (this.files.length === 1) return;
      this.advance();
    }
  }

  private async available(emit: Emit): Promise<void> {
    if (this.files.length === 0 && !this.closed) this.files = openChain(this.path);
    while (!this.closed && this.files.length > 0) {
      const cur = this.files[0]!;
      if (!(await this.readFile(cur, emit))) return;
      if (this.files.length > 1) {
        this.advance();
        continue;
      }
      const live = inodeOf(this.path);
      // Missing means removed by hand, not rotated: the writer renames and recreates in one step.
      if (live === undefined) return;
      if (live === cur.ino) {
        if (fstatSync(cur.fd).size >= this.offset) return;
        // Truncated in place (by hand, or by a copytruncate): read it again from its start.
        this.offset = 0;
        continue;
      }
      // Rotated since: what it holds is final. Read the rest, then whatever came after it.
      if (!(await this.readFile(cur, emit))) return;
      const chain = openChain(this.path);
      // Not found means it is deleted already, and with it every older file: all that is left is newer.
      const at = chain.findIndex((f) => f.ino === cur.ino);
      for (const f of chain.slice(0, at + 1)) closeSync(f.fd);
      this.files = [cur, ...chain.slice(at + 1)];
      this.advance();
    }
  }

  private closeAll(): void {
    for (const f of this.files) closeSync(f.fd);
    this.files = [];
  }

  private advance(): void {
    closeSync(this.files.shift()!.fd);
    this.offset = 0;
  }

  /** Emits the file from the current offset to its end (or limit); false when emit asked to stop. */
  private async readFile(f: OpenFile, emit: Emit, limit = Infinity): Promise<boolean> {
    for (;;) {
      if (this.closed) return false;
      const want = Math.min(CHUNK, limit - this.offset);
      if (want <= 0) return true;
      const buf = Buffer.allocUnsafe(want);
      const { bytesRead } = await readAt(f.fd, buf, 0, want, this.offset);
      if (bytesRead === 0 || this.closed) return !this.closed;
      this.offset += bytesRead;
      if (!(await emit(buf.subarray(0, bytesRead)))) return false;
    }
  }

  /**
   * Positions the reader at the start of the last `tail` lines, reading backwards a chunk at a time
   * from the live file's end into older files as far as needed. A final newline ends the last line
   * rather than starting an empty one.
   */
  private async seekTail(tail: number): Promise<void> {
    const files = this.files;
    if (files.length === 0) return;
    let found = 0;
    let atEnd = true;
    for (let i = files.length - 1; i >= 0; i--) {
      const f = files[i]!;
      let pos = i === files.length - 1 ? this.snapshotEnd!.size : fstatSync(f.fd).size;
      if (tail === 0) {
        this.startAt(i, pos);
        return;
      }
      while (pos > 0) {
        const start = Math.max(0, pos - CHUNK);
        const buf = Buffer.allocUnsafe(pos - start);
        const { bytesRead } = await readAt(f.fd, buf, 0, buf.length, start);
        for (let j = bytesRead - 1; j >= 0; j--) {
          if (buf[j] !== NEWLINE) {
            atEnd = false;
            continue;
          }
          if (atEnd) {
            atEnd = false;
            continue;
          }
          if (++found === tail) {
            this.startAt(i, start + j + 1);
            return;
          }
        }
        pos = start;
      }
    }
    this.startAt(0, 0);
  }

  private startAt(index: number, offset: number): void {
    for (const f of this.files.slice(0, index)) closeSync(f.fd);
    this.files = this.files.slice(index);
    this.offset = offset;
  }
}

/** The log's files that exist, oldest first, open; in one synchronous step (see the top of this file). */
function openChain(path: string): OpenFile[] {
  const out: OpenFile[] = [];
  for (const p of [...rotatedFiles(path).map((r) => r.path), path]) {
    try {
      const fd = openSync(p, 'r');
      out.push({ fd, ino: fstatSync(fd).ino });
    } catch {
      // Deleted between listing and opening (not by our writer, which is on this thread).
    }
  }
  return out;
}

function inodeOf(path: string): number | undefined {
  try {
    return statSync(path).ino;
  } catch {
    return undefined;
  }
}
