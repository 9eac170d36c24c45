// Where a response body goes: stdout, or a file for -o/-O that is created on
// the first byte (or empty at the end of a successful transfer), as curl does.

import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { CurlCode, CurlError } from './curl-error.js';

export interface OutputSink {
  write(chunk: Buffer): Promise<void>;
  /** Bytes written so far. */
  readonly bytes: number;
  /** Ends the output; `created` forces an empty file into existence. */
  close(created: boolean): Promise<void>;
  /** The file name for %{filename_effective}, empty for stdout. */
  readonly fileName: string;
  /** False when the bytes land on a terminal. */
  readonly toTerminal: boolean;
}

const writeFailed = (): CurlError => new CurlError(CurlCode.WRITE_ERROR, 'Failure writing output to destination');

async function writeTo(stream: Writable, chunk: Buffer): Promise<void> {
  if (stream.destroyed || stream.writableEnded) throw writeFailed();
  if (stream.write(chunk)) return;
  await new Promise<void>((resolve, reject) => {
    const done = (): void => {
      stream.off('drain', onDrain);
      stream.off('close', onClose);
    };
    const onDrain = (): void => {
      done();
      resolve();
    };
    const onClose = (): void => {
      done();
      reject(writeFailed());
    };
    stream.on('drain', onDrain);
    stream.on('close', onClose);
  });
}

export function streamSink(stream: Writable): OutputSink {
  let bytes = 0;
  return {
    fileName: '',
    toTerminal: (stream as Writable & { isTTY?: boolean }).isTTY === true,
    get bytes() {
      return bytes;
    },
    async write(chunk) {
      await writeTo(stream, chunk);
      bytes += chunk.length;
    },
    async close() {
      // stdout stays open for whatever comes next (-w, more URLs).
    },
  };
}

/** `warn` receives curl's "Failed to open the file" notice, shown unless -s. */
export function fileSink(file: string, createDirs: boolean, warn: (text: string) => void): OutputSink {
  let bytes = 0;
  let stream: fs.WriteStream | undefined;
  let failed = false;

  const open = async (): Promise<fs.WriteStream> => {
    if (stream) return stream;
    if (createDirs) await fs.promises.mkdir(path.dirname(file), { recursive: true }).catch(() => undefined);
    const s = fs.createWriteStream(file);
    s.on('error', () => {
      failed = true;
    });
    try {
      await once(s, 'open');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      warn(`Failed to open the file ${file}: ${code === 'ENOENT' ? 'No such file or directory' : code === 'EACCES' ? 'Permission denied' : 'Unknown error'}`);
      throw writeFailed();
    }
    stream = s;
    return s;
  };

  return {
    fileName: file,
    toTerminal: false,
    get bytes() {
      return bytes;
    },
    async write(chunk) {
      const s = await open();
      if (failed) throw writeFailed();
      await writeTo(s, chunk);
      bytes += chunk.length;
    },
    async close(created) {
      if (!stream && created) await open();
      if (!stream) return;
      const s = stream;
      await new Promise<void>((resolve) => s.end(() => resolve()));
      if (failed) throw writeFailed();
    },
  };
}
