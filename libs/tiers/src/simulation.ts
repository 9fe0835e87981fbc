// What-if replay of a candidate rule set: every customer's tier as of a date
// under the schedule in force and under the candidate, tallied into a
// migration matrix (from -> to -> customers) with the movers named.
import { RuleSchedule } from './tier-history';
import { tierOnFast } from './tier-history';
import { TierFacts } from './tier-rules';

export interface CustomerTierFacts extends TierFacts {
  customerId: string;
  customerRef: string | null;
}

/** Where the customers' dated purchases and refunds come from (the customer read model). */
export interface CustomerFactsSource {
  /** Every customer registered by `asOf`, in batches, with their facts dated on or before `asOf`. */
  scan(asOf: string, onBatch: (batch: CustomerTierFacts[]) => Promise<void> | void): Promise<void>;
}

export const CUSTOMER_FACTS = Symbol('CUSTOMER_FACTS');

/** "No tier" (a prospect) in the matrix. */
export const NO_TIER = 'NONE';

export interface Mover {
  customerId: string;
  customerRef: string | null;
  from: string;
  to: string;
  direction: 'up' | 'down' | 'across';
  basisMinor: number;
}

export interface SimulationResult {
  asOf: string;
  customers: number;
  unchanged: number;
  upgraded: number;
  downgraded: number;
  /** matrix[from][to] = customers; NONE for prospects. */
  matrix: Record<string, Record<string, number>>;
  movers: Mover[];
  moversTotal: number;
  moversTruncated: boolean;
}

export class TierSimulation {
  private readonly result: SimulationResult;
  private readonly rank: (code: string) => number;

  constructor(
    private readonly current: RuleSchedule,
    private readonly candidate: RuleSchedule,
    private readonly asOf: string,
    private readonly currency: string,
    private readonly moversLimit: number,
  ) {
    this.result = { asOf, customers: 0, unchanged: 0, upgraded: 0, downgraded: 0, matrix: {}, movers: [], moversTotal: 0, moversTruncated: false };
    // Ranks from the candidate's ladder, then the current one's, for codes the candidate lacks.
    const ladder = [...candidate.flatMap((e) => e.ruleSet.tiers.map((t) => t.code))];
    const fallback = current.flatMap((e) => e.ruleSet.tiers.map((t) => t.code));
    this.rank = (code) => (code === NO_TIER ? -1 : ladder.includes(code) ? ladder.indexOf(code) : fallback.indexOf(code));
  }

  add(customers: readonly CustomerTierFacts[]): void {
    for (const c of customers) {
      const before = tierOnFast(c, this.current, this.asOf, this.currency);
      const after = tierOnFast(c, this.candidate, this.asOf, this.currency);
      const from = before.tier ?? NO_TIER;
      const to = after.tier ?? NO_TIER;
      const r = this.result;
      r.customers++;
      r.matrix[from] ??= {};
      r.matrix[from][to] = (r.matrix[from][to] ?? 0) + 1;
      if (from === to) {
        r.unchanged++;
        continue;
      }
      const direction = this.rank(to) > this.rank(from) ? 'up' : this.rank(to) < this.rank(from) ? 'down' : 'across';
      if (direction === 'up') r.upgraded++;
      if (direction === 'down') r.downgraded++;
      r.moversTotal++;
      if (r.movers.length < this.moversLimit) r.movers.push({ customerId: c.customerId, customerRef: c.customerRef, from, to, direction, basisMinor: after.basisMinor });
      else r.moversTruncated = true;
    }
  }

  answer(): SimulationResult {
    return this.result;
  }
}
