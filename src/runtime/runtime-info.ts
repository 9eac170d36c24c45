// The small file a running runtime writes so clients can find it.

export interface RuntimeInfo {
  pid: number;
  host: string;
  port: number;
  /** 127.X.0.0/16: the loopback block this runtime owns. */
  block: number;
  startedAt: string;
  version: string;
}
