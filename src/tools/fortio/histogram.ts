// Fortio's statistics: a counter (count, avg, stddev, min, max, sum) and its fixed-bucket histogram with
// interpolated percentiles, printed line for line as fortio prints them.

import { goG } from './go-format.js';

// Bucket upper bounds in units of the resolution (1ms by default); intervals are ]previous, bound].
const BUCKETS = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 16, 18, 20, 25, 30, 35, 40, 45, 50, 60, 70, 80, 90, 100,
  120, 140, 160, 180, 200, 250, 300, 350, 400, 450, 500, 600, 700, 800, 900, 1000,
  2000, 3000, 4000, 5000, 7500, 10000, 20000, 30000, 40000, 50000, 75000, 100000,
];

export class Counter {
  count = 0;
  min = 0;
  max = 0;
  sum = 0;
  sumOfSquares = 0;

  record(v: number): void {
    if (this.count === 0 || v < this.min) this.min = v;
    if (this.count === 0 || v > this.max) this.max = v;
    this.count++;
    this.sum += v;
    this.sumOfSquares += v * v;
  }

  get avg(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }

  get stdDev(): number {
    if (this.count === 0) return 0;
    const avg = this.avg;
    return Math.sqrt(Math.max(0, this.sumOfSquares / this.count - avg * avg));
  }

  line(label: string): string {
    return `${label} : count ${this.count} avg ${goG(this.avg, 8)} +/- ${goG(this.stdDev, 4)} min ${goG(this.min)} max ${goG(this.max)} sum ${goG(this.sum, 9)}\n`;
  }
}

interface Interval {
  start: number;
  end: number;
  percent: number;
  count: number;
}

export class Histogram extends Counter {
  private readonly hits = new Array<number>(BUCKETS.length + 1).fill(0);

  constructor(private readonly resolution = 0.001) {
    super();
  }

  override record(v: number): void {
    super.record(v);
    const scaled = v / this.resolution;
    let i = BUCKETS.findIndex((b) => scaled <= b);
    if (i < 0) i = BUCKETS.length;
    this.hits[i]!++;
  }

  /** The non-empty buckets, clamped to the observed min and max, with cumulative percentages. */
  intervals(): Interval[] {
    const out: Interval[] = [];
    let cumulative = 0;
    for (let i = 0; i < this.hits.length; i++) {
      const n = this.hits[i]!;
      if (n === 0) continue;
      cumulative += n;
      const lower = i === 0 ? this.min : BUCKETS[i - 1]! * this.resolution;
      const upper = i === BUCKETS.length ? this.max : BUCKETS[i]! * this.resolution;
      out.push({ start: Math.max(lower, this.min), end: Math.min(upper, this.max), percent: (100 * cumulative) / this.count, count: n });
    }
    return out;
  }

  /** The value below which `p` percent of the data lies, interpolated linearly inside its bucket. */
  percentile(p: number): number {
    let prev = 0;
    for (const iv of this.intervals()) {
      if (p <= iv.percent) return iv.start + ((iv.end - iv.start) * (p - prev)) / (iv.percent - prev);
      prev = iv.percent;
    }
    return this.max;
  }

  print(label: string, percentiles: readonly number[]): string {
    let text = this.line(label);
    if (this.count === 0) return text;
    text += '# range, mid point, percentile, count\n';
    this.intervals().forEach((iv, k) => {
      text += `${k === 0 ? '>=' : '>'} ${goG(iv.start, 6)} <= ${goG(iv.end, 6)} , ${goG((iv.start + iv.end) / 2, 6)} , ${iv.percent.toFixed(2)}, ${iv.count}\n`;
    });
    for (const p of percentiles) text += `# target ${goG(p)}% ${goG(this.percentile(p), 6)}\n`;
    return text;
  }
}
