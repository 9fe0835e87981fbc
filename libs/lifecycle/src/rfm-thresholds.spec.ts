import { averageRanks, quintile } from './rfm';
import { bucketScore, edgeBounds, edgePositions, edgesFromBuckets, histogramThresholds, Histogram, quintileThresholds, scoreBy } from './rfm-thresholds';

let seed = 7;
const random = (n: number) => Math.floor(((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31) * n);

const histogramOf = (values: number[]): Histogram => {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => a[0] - b[0]);
};
/** What SQL's width_bucket(value, bounds) answers: how many bounds are <= value. */
const widthBucket = (value: number, bounds: number[]) => bounds.filter((b) => b <= value).length;
/** Random values with many ties or none, negatives included. */
const randomValues = () => {
  const spread = [2, 5, 40, 100_000][random(4)];
  return Array.from({ length: 1 + random(80) }, () => random(spread) - random(3));
};

describe('RFM by thresholds', () => {
  it('given any values, when scored by the thresholds of their histogram, then each scores as its mean rank does', () => {
    for (let run = 0; run < 500; run++) {
      const values = randomValues();
      const ranks = averageRanks(values);
      const thresholds = histogramThresholds(histogramOf(values));
      values.forEach((v, i) => expect(scoreBy(thresholds, v)).toBe(quintile(ranks[i], values.length)));
    }
  });

  it('given the edge values and grouped bucket counts (what SQL answers), then every bucket scores as its values rank', () => {
    for (let run = 0; run < 500; run++) {
      const values = randomValues();
      const sorted = [...values].sort((a, b) => a - b);
      const edgeValues = edgePositions(values.length).map((p) => sorted[p - 1]);
      const bounds = edgeBounds(edgeValues);
      const byBucket = new Map<number, { bucket: number; count: number; min: number }>();
      for (const v of values) {
        const bucket = widthBucket(v, bounds);
        const b = byBucket.get(bucket) ?? { bucket, count: 0, min: v };
        b.count++;
        b.min = Math.min(b.min, v);
        byBucket.set(bucket, b);
      }
      const thresholds = quintileThresholds(values.length, edgesFromBuckets(edgeValues, [...byBucket.values()]));
      const ranks = averageRanks(values);
      values.forEach((v, i) => {
        expect(bucketScore(edgeValues, thresholds, widthBucket(v, bounds))).toBe(quintile(ranks[i], values.length));
        expect(scoreBy(thresholds, v)).toBe(quintile(ranks[i], values.length));
      });
    }
  });

  it('given one value, then it scores 5 (ceil(5 * 1 / 1))', () => {
    expect(scoreBy(histogramThresholds([[42, 1]]), 42)).toBe(5);
  });

  it('given an edge value that is not at its position, then it refuses', () => {
    expect(() =>
      quintileThresholds(10, [
        { value: 1, less: 5, equal: 1, next: 2 },
        { value: 1, less: 5, equal: 1, next: 2 },
        { value: 1, less: 5, equal: 1, next: 2 },
        { value: 1, less: 5, equal: 1, next: 2 },
      ]),
    ).toThrow(/not at position/);
  });
});
