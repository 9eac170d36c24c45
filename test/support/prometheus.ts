// Parses Prometheus text with a real parser, for checks on the proxies' metrics.

import { createRequire } from 'node:module';

export interface ParsedMetric {
  labels?: Record<string, string>;
  value?: string;
}

export interface ParsedFamily {
  name: string;
  help: string;
  type: string;
  metrics: ParsedMetric[];
}

export const parsePrometheus = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => ParsedFamily[];
