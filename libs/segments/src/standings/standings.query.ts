// Every customer's standing on a date, read in keyset batches from the read
// models (customer list, tier periods, purchase categories, complaints) with
// the base's RFM thresholds of that date: what a preview evaluates.
// Tags, consent, region and channel are the customers' current ones.
import type { SqlClient } from '@crm/database';
import { rfmCut, rfmScoreBy } from '@crm/figures';
import { tierStandingsOn } from '@crm/tiers';
import type { TierStandingRow } from '@crm/tiers';
import type { SegmentField } from '../segment-definition';
import type { Standing } from '../segment-match';

const day = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

interface BaseRow {
  customer_id: string;
  tags: string[];
  consent: Record<string, boolean>;
  province: string | null;
  city: string | null;
  channel: string | null;
  birthday: string | null;
}

/**
 * Calls `onBatch` with the standings of every customer known on `asOf`
 * (registered or with history by then), in customer id order.
 */
export async function scanStandings(
  sql: SqlClient,
  asOf: string,
  onBatch: (batch: Standing[]) => void,
  needs: ReadonlySet<SegmentField> | 'all' = 'all',
  batchSize = 5_000,
): Promise<void> {
  // Only what the definitions read is fetched; the rest stays empty (tier: null, no RFM, no categories, no complaints).
  const need = (...fields: SegmentField[]) => needs === 'all' || fields.some((f) => needs.has(f));
  const cut = need('rfm.r', 'rfm.f', 'rfm.m', 'rfmSegment') ? await rfmCut(sql, asOf) : undefined;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows = await sql.query<BaseRow>(
      `SELECT customer_id, tags, consent, province, city, channel, birthday FROM rm_customers
        WHERE customer_id > $1 AND joined_on <= $2::date ORDER BY customer_id LIMIT ${batchSize}`,
      [after, asOf],
    );
    if (rows.length === 0) return;
    const last = rows[rows.length - 1].customer_id;
    const range = [after, last, asOf];
    const none = Promise.resolve([]);
    const [dated, categories, complaints, tiers] = await Promise.all([
      sql.query<{ customer_id: string; kind: string; occurred_on: string; amount_minor: string | number }>(
        `SELECT customer_id, 'p' AS kind, occurred_on::text AS occurred_on, amount_minor FROM rm_customer_purchases WHERE customer_id > $1 AND customer_id <= $2 AND occurred_on <= $3::date
         UNION ALL
         SELECT customer_id, 'r', occurred_on::text, amount_minor FROM rm_customer_refunds WHERE customer_id > $1 AND customer_id <= $2 AND occurred_on <= $3::date`,
        range,
      ),
      need('boughtCategory', 'categorySpendShare')
        ? sql.query<{ customer_id: string; category: string; last_on: string; scaled: string }>(
            `SELECT customer_id, category, max(occurred_on)::text AS last_on, sum(scaled)::text AS scaled FROM rm_purchase_categories
          WHERE customer_id > $1 AND customer_id <= $2 AND occurred_on <= $3::date GROUP BY customer_id, category`,
            range,
          )
        : none,
      need('openComplaint')
        ? sql.query<{ customer_id: string }>(
            `SELECT DISTINCT customer_id FROM rm_complaints WHERE customer_id > $1 AND customer_id <= $2 AND opened_on <= $3::date
            AND (resolved_at IS NULL OR resolved_at::date > $3::date)`,
            range,
          )
        : none,
      need('tier')
        ? tierStandingsOn(
            sql,
            rows.map((r) => r.customer_id),
            asOf,
          )
        : Promise.resolve(new Map<string, TierStandingRow>()),
    ]);
    const standings = new Map<string, Standing & { purchaseDates: string[] }>(
      rows.map((r) => [
        r.customer_id,
        {
          customerId: r.customer_id,
          tier: tiers.get(r.customer_id)?.tier ?? null,
          rfm: null,
          tags: r.tags,
          province: r.province,
          city: r.city,
          channel: r.channel,
          consent: r.consent,
          netSpendMinor: 0,
          purchaseCount: 0,
          lastPurchaseOn: null,
          lastBoughtOn: new Map(),
          categorySalesMinor: new Map(),
          salesMinor: 0,
          birthday: r.birthday,
          openComplaint: false,
          purchaseDates: [],
        },
      ]),
    );
    for (const d of dated) {
      const s = standings.get(d.customer_id);
      if (!s) continue;
      const on = day(d.occurred_on);
      if (d.kind === 'r') {
        s.netSpendMinor -= Number(d.amount_minor);
        continue;
      }
      s.netSpendMinor += Number(d.amount_minor);
      s.purchaseCount += 1;
      s.purchaseDates.push(on);
      if (s.lastPurchaseOn === null || on > s.lastPurchaseOn) s.lastPurchaseOn = on;
    }
    for (const c of categories) {
      const s = standings.get(c.customer_id);
      if (!s) continue;
      (s.lastBoughtOn as Map<string, string>).set(c.category, day(c.last_on));
      const scaled = Number(c.scaled);
      (s.categorySalesMinor as Map<string, number>).set(c.category, scaled);
      s.salesMinor += scaled;
    }
    for (const c of complaints) {
      const s = standings.get(c.customer_id);
      if (s) s.openComplaint = true;
    }
    const batch: Standing[] = [];
    for (const s of standings.values()) {
      if (cut && s.lastPurchaseOn !== null) {
        const score = rfmScoreBy(cut, { customerId: s.customerId, lastPurchaseDate: s.lastPurchaseOn, purchaseCount: s.purchaseCount, netSpendMinor: s.netSpendMinor }, asOf);
        s.rfm = { r: score.r, f: score.f, m: score.m, segment: score.segment };
      }
      batch.push(s);
    }
    onBatch(batch);
    if (rows.length < batchSize) return;
    after = last;
  }
}
