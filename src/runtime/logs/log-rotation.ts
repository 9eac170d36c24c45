// How big a container's log may grow: the kubelet's containerLogMaxSize and containerLogMaxFiles.

export interface LogRotation {
  /** The live file is rotated before it would pass this many bytes. */
  maxBytes: number;
  /** Files kept per container, the live one included; the oldest rotated file goes first. */
  maxFiles: number;
}

/** The kubelet's defaults: 10Mi and 5 files. */
export const DEFAULT_LOG_ROTATION: LogRotation = { maxBytes: 10 * 1024 * 1024, maxFiles: 5 };

export const MAX_SIZE_ENV = 'WEFT_CONTAINER_LOG_MAX_SIZE';
export const MAX_FILES_ENV = 'WEFT_CONTAINER_LOG_MAX_FILES';

/** Below this, rotation would churn on every few lines. */
const MIN_BYTES = 1024;

const UNITS: Record<string, number> = {
  '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40,
};

/** A size as Kubernetes writes quantities: 10Mi, 512Ki, 1G, 1048576. */
export function parseLogSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(text.trim());
  if (!m) throw new Error(`container log max size "${text}" is not a quantity such as 10Mi, 512Ki or 1048576`);
  const bytes = Math.floor(Number(m[1]) * UNITS[m[2] ?? '']!);
  if (bytes < MIN_BYTES) throw new Error(`container log max size "${text}" is below the minimum of 1Ki`);
  return bytes;
}

export function parseLogFiles(text: string): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  // One file would mean deleting the whole log at each rotation; the kubelet refuses it too.
  if (!Number.isSafeInteger(n) || n < 2) throw new Error(`container log max files "${text}" must be an integer of at least 2`);
  return n;
}

/** The runtime's setting: `weft up` flags arrive as these variables; unset means the kubelet's defaults. */
export function logRotationFromEnv(env: NodeJS.ProcessEnv): LogRotation {
  const size = env[MAX_SIZE_ENV];
  const files = env[MAX_FILES_ENV];
  return {
    maxBytes: size ? parseLogSize(size) : DEFAULT_LOG_ROTATION.maxBytes,
    maxFiles: files ? parseLogFiles(files) : DEFAULT_LOG_ROTATION.maxFiles,
  };
}
