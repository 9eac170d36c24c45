// How long a request should take, from the TIMING_* settings, as fake-service draws it: 90% of requests
// get the 50th percentile, 9% the 90th, 1% the 99th, each stretched by a random share of TIMING_VARIANCE.

import type { FakeServiceConfig } from './config.js';

export type Random = () => number;

export function requestDuration(timing: FakeServiceConfig['timing'], random: Random): number {
  // An unset 90th or 99th percentile falls back to the one below it.
  const p50 = timing.p50Ms;
  const p90 = timing.p90Ms > 0 ? timing.p90Ms : p50;
  const p99 = timing.p99Ms > 0 ? timing.p99Ms : p90;
  if (p50 <= 0 && p90 <= 0 && p99 <= 0) return 0;
  const pick = Math.floor(random() * 100);
  const base = pick < 90 ? p50 : pick < 99 ? p90 : p99;
  if (base <= 0 || timing.variancePercent <= 0) return base;
  return base + (base * Math.floor(random() * timing.variancePercent)) / 100;
}
