// RFM as of a date over the customers with at least one purchase: R = days
// since the last purchase (fewer is better), F = purchases, M = net spend;
// each scored 1-5 by quintile of average ranks (ties share their ranks' mean),
// score = ceil(5 * rank / n) (docs/domain.md, "RFM").
import { daysBetween } from '@crm/shared';

export interface RfmFacts {
  customerId: string;
  lastPurchaseDate: string;
  purchaseCount: number;
  netSpendMinor: number;
}

export interface RfmScore {
  customerId: string;
  recencyDays: number;
  frequency: number;
  monetaryMinor: number;
  r: number;
  f: number;
  m: number;
  segment: string;
}

/** Average ranks (1-based) of values in ascending order; ties get the mean of their ranks. */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    const mean = (i + 1 + (j + 1)) / 2;
    for (let k = i; k <= j; k++) ranks[order[k][1]] = mean;
    i = j + 1;
  }
  return ranks;
}

export const quintile = (rank: number, n: number): number => Math.ceil((5 * rank) / n);

export function rfmScores(customers: readonly RfmFacts[], asOf: string): RfmScore[] {
  const n = customers.length;
  const recency = customers.map((c) => daysBetween(c.lastPurchaseDate, asOf));
  // Recent is better: rank descending by days, i.e. ascending by -days.
  const rRanks = averageRanks(recency.map((d) => -d));
  const fRanks = averageRanks(customers.map((c) => c.purchaseCount));
  const mRanks = averageRanks(customers.map((c) => c.netSpendMinor));
  return customers.map((c, i) => {
    const r = quintile(rRanks[i], n);
    const f = quintile(fRanks[i], n);
    const m = quintile(mRanks[i], n);
    return { customerId: c.customerId, recencyDays: recency[i], frequency: c.purchaseCount, monetaryMinor: c.netSpendMinor, r, f, m, segment: segmentOf(r, f, m) };
  });
}

/** Named combinations: what the score tells the shop to do. */
export function segmentOf(r: number, f: number, m: number): string {
  const high = (x: number) => x >= 4;
  const low = (x: number) => x <= 2;
  if (high(r) && high(f) && high(m)) return 'CHAMPIONS';
  if (low(r) && high(f) && high(m)) return 'AT_RISK_VALUABLE';
  if (high(r) && high(f)) return 'LOYAL';
  if (high(r) && low(f)) return 'NEW_OR_PROMISING';
  if (low(r) && low(f) && low(m)) return 'LOST_LOW_VALUE';
  if (low(r)) return 'SLIPPING';
  return 'NEEDS_ATTENTION';
}
