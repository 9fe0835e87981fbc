// RFM facts of every customer with a purchase dated on or before D, straight
// from the customer read model, scored by the pure rfmScores; and one
// customer's score by the base's thresholds, computed once per date and
// read-model position and kept (RfmBase).
import type { SqlClient, SqlExecutor } from '@crm/database';
import { RfmFacts, RfmScore, rfmScores } from '@crm/lifecycle';
import { customerListPosition, RfmCut, rfmCut, rfmScoreBy } from './rfm-segments.query';

/** The RFM facts as of D of every purchaser, or of one customer. */
async function rfmFacts(sql: SqlExecutor, asOf: string, customerId?: string): Promise<RfmFacts[]> {
  const one = customerId === undefined ? '' : 'AND customer_id = $2';
  const rows = await sql.query<{ customer_id: string; last_on: string; f: string | number; m: string | number }>(
    `WITH p AS (SELECT customer_id, max(occurred_on) AS last_on, count(*) AS f, sum(amount_minor) AS s
                  FROM rm_customer_purchases WHERE occurred_on <= $1::date ${one} GROUP BY customer_id),
          r AS (SELECT customer_id, sum(amount_minor) AS s FROM rm_customer_refunds WHERE occurred_on <= $1::date ${one} GROUP BY customer_id)
     SELECT p.customer_id, p.last_on::text AS last_on, p.f, p.s - coalesce(r.s, 0) AS m
       FROM p LEFT JOIN r USING (customer_id) ORDER BY p.customer_id`,
    customerId === undefined ? [asOf] : [asOf, customerId],
  );
  return rows.map((r) => ({
    customerId: r.customer_id,
    lastPurchaseDate: String(r.last_on).slice(0, 10),
    purchaseCount: Number(r.f),
    netSpendMinor: Number(r.m),
  }));
}

export async function rfmAsOf(sql: SqlClient, asOf: string): Promise<RfmScore[]> {
  return rfmScores(await rfmFacts(sql, asOf), asOf);
}

/** Reads in one snapshot: the rows and the position they are at agree. */
function inSnapshot<T>(sql: SqlClient, fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
  return sql.transaction(async (tx) => {
    await tx.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
    return fn(tx);
  });
}

/** Thresholds kept: a few dates (today, and whatever dates are being looked at). */
const KEPT_DATES = 4;

/**
 * One customer's RFM as of D without scoring the base for them: the base's
 * thresholds (the lowest value scoring 2, 3, 4 and 5 for each of R, F and M)
 * are computed once per date and read-model position by the RFM segments'
 * statements, and the customer's facts are scored by them. Exact: the
 * customer's facts and the thresholds are read at the same position; while
 * writes keep moving it, the base is scored whole as before.
 */
export class RfmBase {
  private readonly kept = new Map<string, Promise<RfmCut>>();

  constructor(private readonly sql: SqlClient) {}

  async scoreOf(customerId: string, asOf: string): Promise<{ score?: RfmScore; population: number }> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const mine = await inSnapshot(this.sql, async (tx) => ({ position: await customerListPosition(tx), facts: (await rfmFacts(tx, asOf, customerId))[0] }));
      const base = await this.cut(asOf, mine.position);
      if (base.position === mine.position) return { score: mine.facts && rfmScoreBy(base, mine.facts, asOf), population: base.n };
    }
    const scores = await rfmAsOf(this.sql, asOf);
    return { score: scores.find((s) => s.customerId === customerId), population: scores.length };
  }

  /** The thresholds at `position`, or newer ones when the read model moved on meanwhile. */
  private async cut(asOf: string, position: number): Promise<RfmCut> {
    const kept = this.kept.get(asOf);
    if (kept) {
      const known = await kept;
      if (known.position >= position) return known;
    }
    const computing = rfmCut(this.sql, asOf);
    this.kept.delete(asOf);
    this.kept.set(asOf, computing);
    computing.catch(() => this.kept.get(asOf) === computing && this.kept.delete(asOf));
    if (this.kept.size > KEPT_DATES) this.kept.delete(this.kept.keys().next().value as string);
    return computing;
  }
}
