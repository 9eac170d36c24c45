// Runs a parsed command line: each URL in turn (with --retry), its output
// file, its -w line and its error message, returning the last URL's exit
// code as curl does. Traffic failures never throw.

import fs from 'node:fs';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { ConnectionPool } from './connect.js';
import { CurlCode, CurlError, formatWarning } from './curl-error.js';
import { HELP_TEXT } from './curl-help.js';
import type { CurlOptions, OutputTarget } from './curl-options.js';
import { DEFAULT_USER_AGENT, versionText } from './curl-version.js';
import { fileSink, streamSink, type OutputSink } from './output-sink.js';
import { perform, type PerformResult } from './perform.js';
import { ProgressMeter } from './progress-meter.js';
import { PayloadReader, readPayload, type RequestPayload } from './request-data.js';
import { Trace } from './trace.js';
import { renderWriteOut } from './write-out.js';

export interface CurlIo {
  stdout: Writable;
  stderr: Writable;
  /** For @- in -d, -T and -w; without it those read as empty. */
  stdin?: Readable;
}

const TRANSIENT_HTTP = new Set([408, 429, 500, 502, 503, 504]);
const MAX_BACKOFF_SECONDS = 600;

type RetryKind = ': timeout' | ': connection refused' | ': HTTP error' | '(retrying all errors)';

function retryKind(opts: CurlOptions, result: PerformResult): RetryKind | undefined {
  const code = result.info.exitCode;
  if (code === CurlCode.OPERATION_TIMEDOUT || code === CurlCode.COULDNT_RESOLVE_HOST) return ': timeout';
  if (code === CurlCode.COULDNT_CONNECT && opts.retryConnRefused) return ': connection refused';
  const httpFailure = code === CurlCode.OK || (code === CurlCode.HTTP_RETURNED_ERROR && (opts.fail || opts.failWithBody));
  if (httpFailure && TRANSIENT_HTTP.has(result.info.httpCode)) return ': HTTP error';
  if (code !== CurlCode.OK && opts.retryAllErrors) return '(retrying all errors)';
  return undefined;
}

/** The file name -O takes from the URL's last path segment. */
function remoteName(rawUrl: string): string {
  const withoutQuery = rawUrl.replace(/[?#].*$/, '');
  const afterScheme = withoutQuery.replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\//, '');
  const slash = afterScheme.indexOf('/');
  return slash === -1 ? '' : path.basename(afterScheme.slice(slash));
}

async function readTemplate(template: string, stdin: Readable | undefined): Promise<string> {
  if (!template.startsWith('@')) return template;
  const name = template.slice(1);
  if (name === '-') {
    if (!stdin) return '';
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    return Buffer.concat(chunks).toString('utf8');
  }
  return fs.promises.readFile(name, 'utf8').catch(() => '');
}

export async function runCurl(opts: CurlOptions, io: CurlIo): Promise<number> {
  const errOut = (text: string): void => {
    io.stderr.write(text);
  };
  if (opts.help || opts.manual) {
    io.stdout.write(HELP_TEXT);
    return 0;
  }
  if (opts.version) {
    io.stdout.write(versionText());
    return 0;
  }
  const showErrors = !opts.silent || opts.showError;
  const warn = (text: string): void => {
    if (!opts.silent) errOut(formatWarning(text));
  };

  let payload: RequestPayload;
  try {
    payload = await readPayload(opts, new PayloadReader(io.stdin, warn));
  } catch (err) {
    const error = err instanceof CurlError ? err : new CurlError(CurlCode.READ_ERROR, String(err));
    if (showErrors) errOut(error.render());
    return error.exitCode;
  }
  const template = opts.writeOut === undefined ? undefined : await readTemplate(opts.writeOut, io.stdin);
  if (opts.outputs.length > opts.urls.length) warn('Got more output options than URLs');

  const pool = new ConnectionPool();
  const dumpHeader: OutputSink | undefined =
    opts.dumpHeader === undefined
      ? undefined
      : opts.dumpHeader === '-'
        ? streamSink(io.stdout)
        : fileSink(opts.dumpHeader, opts.createDirs, warn);

  let exitCode = 0;
  try {
    for (const [index, rawUrl] of opts.urls.entries()) {
      const target: OutputTarget | undefined = opts.outputs[index];
      const openSink = (): OutputSink => {
        if (!target) return streamSink(io.stdout);
        const file = target.kind === 'file' ? target.path : remoteName(rawUrl);
        return fileSink(file, opts.createDirs, warn);
      };
      if (target?.kind === 'remote-name' && remoteName(rawUrl) === '') {
        const error = new CurlError(CurlCode.WRITE_ERROR, 'Remote file name has no length');
        if (showErrors) errOut(error.render());
        exitCode = error.exitCode;
        continue;
      }

      let sink = openSink();
      const meter = new ProgressMeter(
        errOut,
        !opts.silent && !opts.noProgressMeter && !opts.progressBar && !sink.toTerminal,
      );
      const trace = new Trace(errOut, opts.verbose, !sink.toTerminal);

      let retriesLeft = opts.retry;
      let backoff = 1;
      const firstAttempt = Date.now();
      let result: PerformResult;
      for (;;) {
        result = await perform(
          { opts, payload, trace, meter, pool, sink, dumpHeader, defaultUserAgent: DEFAULT_USER_AGENT },
          rawUrl,
          index,
        );
        const kind = retriesLeft > 0 ? retryKind(opts, result) : undefined;
        if (!kind) break;
        // --retry-delay 0 means "not set" to curl, so the backoff applies.
        const wait = opts.retryDelay || result.retryAfter || backoff;
        if (opts.retryMaxTime !== undefined && opts.retryMaxTime > 0) {
          if ((Date.now() - firstAttempt) / 1000 + wait > opts.retryMaxTime) break;
        }
        if (result.error && showErrors) errOut(result.error.render());
        warn(`Problem ${kind}. Will retry in ${wait} seconds. ${retriesLeft} retries left.`);
        retriesLeft--;
        backoff = Math.min(backoff * 2, MAX_BACKOFF_SECONDS);
        await new Promise((resolve) => setTimeout(resolve, wait * 1000));
        meter.restart();
        // A retry starts its output file afresh.
        if (target) {
          await sink.close(false).catch(() => undefined);
          sink = openSink();
        }
      }

      let error = result.error;
      try {
        await sink.close(!error);
      } catch (err) {
        if (!error && err instanceof CurlError) error = err;
      }
      if (error && !result.error) {
        result.info.exitCode = error.exitCode;
        result.info.errorMessage = error.message;
      }
      if (error && showErrors) errOut(error.render());
      if (template !== undefined) {
        const rendered = renderWriteOut(template, result.info);
        if (rendered.stdout) io.stdout.write(rendered.stdout);
        if (rendered.stderr) errOut(rendered.stderr);
      }
      exitCode = error?.exitCode ?? 0;
      if (exitCode !== 0 && opts.failEarly) break;
    }
  } finally {
    await dumpHeader?.close(false).catch(() => undefined);
    pool.closeAll();
  }
  return exitCode;
}
