import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Histogram } from './histogram.js';

describe('fortio histogram', () => {
  it('prints buckets clamped to min and max with interpolated percentiles', () => {
    const h = new Histogram();
    // 1 value in ]1.9ms,2ms], 9 in ]2,3], 4 in ]3,4], 4 in ]4,5], 2 in ]5ms,max].
    for (const v of [0.001911933, ...Array<number>(9).fill(0.0025), ...Array<number>(4).fill(0.0035), ...Array<number>(4).fill(0.0045), 0.0052, 0.005379765]) h.record(v);
    const lines = h.print('Aggregated Function Time', [50, 75, 90, 99, 99.9]).split('\n');
    assert.match(lines[0]!, /^Aggregated Function Time : count 20 avg [\d.]+ \+\/- [\d.e-]+ min 0.001911933 max 0.005379765 sum [\d.]+$/);
    assert.deepEqual(lines.slice(1, 12), [
      '# range, mid point, percentile, count',
      '>= 0.00191193 <= 0.002 , 0.00195597 , 5.00, 1',
      '> 0.002 <= 0.003 , 0.0025 , 50.00, 9',
      '> 0.003 <= 0.004 , 0.0035 , 70.00, 4',
      '> 0.004 <= 0.005 , 0.0045 , 90.00, 4',
      '> 0.005 <= 0.00537976 , 0.00518988 , 100.00, 2',
      '# target 50% 0.003',
      '# target 75% 0.00425',
      '# target 90% 0.005',
      '# target 99% 0.00534179',
      '# target 99.9% 0.00537597',
    ]);
  });
});
