// RFM scores of a whole base without ranking each customer: a score is
// monotone in the value (a higher value has a higher mean rank), so each of
// R, F and M is four thresholds, "the lowest value that scores at least k"
// for k = 2..5. The value at a quintile edge (position floor((k-1)n/5)+1 of
// the sorted values) decides the threshold: it scores k when the mean rank of
// its ties is past the edge, else the next larger value is the first that
// does. So a whole base is scored from a histogram, or from the four edge
// values and counts around them, which SQL answers without sorting the base.

/** Positions (1-based) of the values at the quintile edges k = 2..5 of n values. */
export function edgePositions(n: number): number[] {
  return [2, 3, 4, 5].map((k) => Math.floor(((k - 1) * n) / 5) + 1);
}

/** What the base says about the value at one edge. */
export interface EdgeValue {
  value: number;
  /** values below it */
  less: number;
  /** values equal to it (itself included) */
  equal: number;
  /** the smallest value above it; null when none */
  next: number | null;
}

/**
 * The lowest value scoring at least k, for k = 2..5 (null: none does), from
 * the values at the edges. Throws when an edge value is not at its position
 * (the counts came from another snapshot than the value).
 */
export function quintileThresholds(n: number, edges: readonly EdgeValue[]): Array<number | null> {
  const positions = edgePositions(n);
  return edges.map((e, i) => {
    if (!(e.less < positions[i] && positions[i] <= e.less + e.equal)) throw new Error(`RFM edge ${i + 2}: value ${e.value} is not at position ${positions[i]}`);
    // Score >= k iff 5 * meanRank > (k - 1) * n, in integers: 5 * (2 less + equal + 1) > 2 (k - 1) n.
    return 5 * (2 * e.less + e.equal + 1) > 2 * (i + 1) * n ? e.value : e.next;
  });
}

/** The score of a value given the thresholds of its measure. */
export function scoreBy(thresholds: ReadonlyArray<number | null>, value: number): number {
  let score = 1;
  for (const t of thresholds) if (t !== null && t <= value) score++;
  return score;
}

/** A measure's values with their counts, in ascending order of value. */
export type Histogram = ReadonlyArray<readonly [value: number, count: number]>;

/** The thresholds of a measure known in full. */
export function histogramThresholds(histogram: Histogram): Array<number | null> {
  const n = histogram.reduce((s, [, c]) => s + c, 0);
  if (n === 0) return [null, null, null, null];
  const edges: EdgeValue[] = [];
  let less = 0;
  let i = 0;
  for (const position of edgePositions(n)) {
    while (less + histogram[i][1] < position) less += histogram[i++][1];
    edges.push({ value: histogram[i][0], less, equal: histogram[i][1], next: i + 1 < histogram.length ? histogram[i + 1][0] : null });
  }
  return quintileThresholds(n, edges);
}

/**
 * Bounds that sort a measure's values into the buckets SQL's
 * width_bucket(value, bounds) numbers 0..8 around the four edge values u:
 * [u2, u2 + 1, u3, u3 + 1, ...] of the distinct edge values (integers): the
 * bucket after u's bound holds the values equal to u, so a grouped count
 * tells each edge's ties.
 */
export function edgeBounds(edgeValues: readonly number[]): number[] {
  return [...new Set(edgeValues)].flatMap((u) => [u, u + 1]);
}

/** Where an edge value's bounds start in edgeBounds (edges may share a value). */
const boundIndex = (edgeValues: readonly number[], i: number) => 2 * new Set(edgeValues.slice(0, i + 1)).size - 2;

/** One row a bucket number of edgeBounds: how many values it holds and the smallest. */
export interface Bucket {
  bucket: number;
  count: number;
  min: number;
}

/** The edges, from the values at the edge positions and the grouped counts of their buckets. */
export function edgesFromBuckets(edgeValues: readonly number[], buckets: readonly Bucket[]): EdgeValue[] {
  return edgeValues.map((value, i) => {
    const j = boundIndex(edgeValues, i); // values below u are in buckets 0..j
    let less = 0;
    let equal = 0;
    let next: number | null = null;
    for (const b of buckets) {
      if (b.bucket <= j) less += b.count;
      else if (b.bucket === j + 1) equal += b.count;
      else if (next === null || b.min < next) next = b.min;
    }
    return { value, less, equal, next };
  });
}

/** The score of every value in a bucket of edgeBounds, once the thresholds are known. */
export function bucketScore(edgeValues: readonly number[], thresholds: ReadonlyArray<number | null>, bucket: number): number {
  let score = 1;
  thresholds.forEach((t, i) => {
    if (t === null) return;
    // The threshold is the edge value itself (its bucket and above reach it) or the next value (the buckets above its own).
    const j = boundIndex(edgeValues, i);
    if (bucket >= (t === edgeValues[i] ? j + 1 : j + 2)) score++;
  });
  return score;
}
