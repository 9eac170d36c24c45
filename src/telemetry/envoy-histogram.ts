// A histogram that exports what Envoy's Prometheus handler exports for the same observations.
//
// Envoy keeps histograms as circllhist (log-linear bins with two significant digits) and only maps
// them onto Prometheus buckets when scraped. Two visible consequences, reproduced here:
//  - a bucket `le="b"` counts bins whose upper edge is <= b, so an integer observation equal to a
//    bound lands in the next bucket (envoyproxy/envoy#36549; libcircllhist hist_approx_count_below);
//  - `_sum` is the sum of bin midpoints (hist_approx_sum), e.g. a single 4 ms request sums to 4.05.
// Observations are recorded on the integer scale, as Envoy's Histogram::recordValue(uint64_t).

import { formatSampleValue } from './prometheus-text.js';

/**
 * Envoy's default histogram buckets (HistogramSettingsImpl::defaultBuckets in
 * source/common/stats/histogram_impl.cc). Istio sets no bucket settings of its own, so
 * istio_request_duration_milliseconds, istio_request_bytes and istio_response_bytes all use these.
 */
export const ENVOY_DEFAULT_BUCKETS: readonly number[] = [
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000,
  3600000,
];

/** `le="..."` label for each default bucket, rendered once. */
export const ENVOY_BUCKET_LE_LABELS: readonly string[] = ENVOY_DEFAULT_BUCKETS.map((b) => `le="${formatSampleValue(b)}"`);

// Parsed from decimal literals, like circllhist's power_of_ten table, so bin edges round identically.
const POW10: readonly number[] = Array.from({ length: 128 }, (_, i) => Number(`1e${i}`));

const ZERO_BIN = 0;

export interface HistogramSnapshot {
  /** Cumulative count per ENVOY_DEFAULT_BUCKETS entry. */
  readonly buckets: readonly number[];
  readonly count: number;
  readonly sum: number;
}

export class EnvoyHistogram {
  // Bin key = exp * 100 + val for a circllhist bin val/10 * 10^exp (val in 10..99); 0 = the zero bin.
  // Keys sort in value order, and Map lookups on existing small-integer keys do not allocate.
  private readonly bins = new Map<number, number>();

  observe(value: number): void {
    // Envoy takes a uint64; clamp so NaN, negatives and Infinity cannot wedge the bin search.
    let v = value >= 1 ? Math.trunc(Math.min(value, Number.MAX_SAFE_INTEGER)) : 0;
    let key = ZERO_BIN;
    if (v !== 0) {
      // int_scale_to_hist_bucket(v, 0)
      let exp = 1;
      if (v < 10) {
        v *= 10;
        exp = 0;
      }
      while (v >= 100) {
        v = Math.floor(v / 10);
        exp++;
      }
      key = exp * 100 + v;
    }
    this.bins.set(key, (this.bins.get(key) ?? 0) + 1);
  }

  snapshot(): HistogramSnapshot {
    const bounds = ENVOY_DEFAULT_BUCKETS;
    const buckets = new Array<number>(bounds.length).fill(0);
    const keys = Array.from(this.bins.keys()).sort((a, b) => a - b);
    let count = 0;
    let sum = 0;
    for (const key of keys) {
      const n = this.bins.get(key) ?? 0;
      let upper = 0;
      if (key !== ZERO_BIN) {
        const exp = Math.floor(key / 100);
        const lower = ((key % 100) / 10) * POW10[exp];
        const width = POW10[exp] / 10;
        upper = lower + width;
        sum += (lower + width / 2) * n;
      }
      count += n;
      for (let i = bounds.length - 1; i >= 0 && upper <= bounds[i]; i--) buckets[i] += n;
    }
    return { buckets, count, sum };
  }
}
