// The runtime API's requests and answers, shared by the server and the CLI.

import type { Source } from '../../config/parse.js';

export interface ApiError {
  error: string;
  /** Validation issues, one line each, when the error is invalid input. */
  issues?: string[];
}

export interface ApplyBody {
  sources: Source[];
  namespace: string;
  enforceNamespace: boolean;
  mode: 'apply' | 'create';
  dryRun: boolean;
}

export interface DeleteSourcesBody {
  sources: Source[];
  namespace: string;
  enforceNamespace: boolean;
  ignoreNotFound: boolean;
}

export interface DeleteBody {
  kind: string;
  namespace?: string;
  names?: string[];
  all?: boolean;
  labels?: Record<string, string>;
  ignoreNotFound?: boolean;
}

export interface LabelBody {
  kind: string;
  namespace?: string;
  names: string[];
  field: 'labels' | 'annotations';
  set: Record<string, string>;
  remove: string[];
  overwrite: boolean;
}

export interface ExecBody {
  namespace: string;
  ref: string;
  container?: string;
  command: string[];
}

export interface ExecAnswer {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  pod: string;
  container: string;
}

export interface PodTarget {
  pod: string;
  /** The pod's localhost address: port-forward connects here, as kubectl's reaches the pod's loopback. */
  host: string;
}

export interface LinesAnswer {
  lines: string[];
}
