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
  /** The basis under the candidate rule set, and under the rule sets in force. */
  basisMinor: number;
  basisBeforeMinor: number;
}

export interface SimulationResult {
  asOf: string;
  customers: number;
  unchanged: number;
  upgraded: number;
  downgraded: number;
  /** Moved between codes no one ladder holds both of (a renamed tier). */
  across: number;
  /** matrix[from][to] = customers; NONE for prospects. */
  matrix: Record<string, Record<string, number>>;
  movers: Mover[];
  moversTotal: number;
  moversTruncated: boolean;
}

export class TierSimulation {
  private readonly result: SimulationResult;
  private readonly ladders: string[][];

  constructor(
    private readonly current: RuleSchedule,
    private readonly candidate: RuleSchedule,
    private readonly asOf: string,
    private readonly currency: string,
    private readonly moversLimit: number,
  ) {
    this.result = { asOf, customers: 0, unchanged: 0, upgraded: 0, downgraded: 0, across: 0, matrix: {}, movers: [], moversTotal: 0, moversTruncated: false };
    // Up or down is read on a ladder holding both codes: the candidate's rule sets first, then the current ones.
    this.ladders = [...candidate, ...current].map((e) => [NO_TIER, ...e.ruleSet.tiers.map((t) => t.code)]);
  }

  private direction(from: string, to: string): Mover['direction'] {
    const ladder = this.ladders.find((l) => l.includes(from) && l.includes(to));
    if (!ladder) return 'across';
    return ladder.indexOf(to) > ladder.indexOf(from) ? 'up' : 'down';
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
      const direction = this.direction(from, to);
      if (direction === 'up') r.upgraded++;
      else if (direction === 'down') r.downgraded++;
      else r.across++;
      r.moversTotal++;
      if (r.movers.length < this.moversLimit)
        r.movers.push({ customerId: c.customerId, customerRef: c.customerRef, from, to, direction, basisMinor: after.basisMinor, basisBeforeMinor: before.basisMinor });
      else r.moversTruncated = true;
    }
  }

  answer(): SimulationResult {
    return this.result;
  }
}
