// Every customer's standing on a date, read in keyset batches from the read
// models (customer list, tier periods, purchase categories, complaints) with
// the base's RFM thresholds of that date: what a preview evaluates.
// Tags, consent, region and channel are the customers' current ones.
//
// On a date no purchase or refund is dated after (today, as a rule) the
// totals are the customer list's own (count, net spend, first and last
// purchase day) and only the purchases inside the widest lifecycle window
// are read: the lifecycle needs the first and last day and the purchases in
// the window, nothing older. Any other date sums the dated rows up to it.
import type { SqlClient } from '@crm/database';
import { rfmCut, rfmScoreBy } from '@crm/figures';
import { tierStandingsOn } from '@crm/tiers';
import type { TierStandingRow } from '@crm/tiers';
import type { SegmentField } from '../segment-definition';
import type { Standing } from '../segment-match';
import { minusMonths } from '@crm/shared';

const day = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

interface BaseRow {
  customer_id: string;
  purchase_count?: number | string;
  net_spend_minor?: number | string;
  first_purchase_on?: string | null;
  last_purchase_on?: string | null;
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
  options: { batchSize?: number; windowMonths?: readonly number[] } = {},
): Promise<void> {
  const batchSize = options.batchSize ?? 5_000;
  // Only what the definitions read is fetched; the rest stays empty (tier: null, no RFM, no categories, no complaints).
  const need = (...fields: SegmentField[]) => needs === 'all' || fields.some((f) => needs.has(f));
  const cut = need('rfm.r', 'rfm.f', 'rfm.m', 'rfmSegment') ? await rfmCut(sql, asOf) : undefined;
  const current = await nothingDatedAfter(sql, asOf);
  // The lifecycle's first bound: purchases after it are the ones any asked window counts.
  const windowStart = minusMonths(asOf, Math.max(3, ...(options.windowMonths ?? [])));
  const baseAfter = (after: string) =>
    sql.query<BaseRow>(
      `SELECT customer_id, tags, consent, province, city, channel, birthday${current ? ', purchase_count, net_spend_minor, first_purchase_on::text AS first_purchase_on, last_purchase_on::text AS last_purchase_on' : ''}
         FROM rm_customers WHERE customer_id > $1 AND joined_on <= $2::date ORDER BY customer_id LIMIT ${batchSize}`,
      [after, asOf],
    );
  let after = '00000000-0000-0000-0000-000000000000';
  let nextRows = baseAfter(after);
  for (;;) {
    const rows = await nextRows;
    if (rows.length === 0) return;
    const last = rows[rows.length - 1].customer_id;
    // The next batch's customers are read while this one is evaluated.
    nextRows = rows.length < batchSize ? Promise.resolve([]) : baseAfter(last);
    nextRows.catch(() => undefined); // awaited on the next turn; an error of this batch is the one reported
    const range = [after, last, asOf];
    const none = Promise.resolve([]);
    const [dated, categories, complaints, tiers] = await Promise.all([
      current
        ? sql.query<{ customer_id: string; kind: string; occurred_on: string; amount_minor: string | number }>(
            `SELECT customer_id, 'w' AS kind, occurred_on::text AS occurred_on, 0 AS amount_minor FROM rm_customer_purchases
              WHERE customer_id > $1 AND customer_id <= $2 AND occurred_on > $3::date`,
            [after, last, windowStart],
          )
        : sql.query<{ customer_id: string; kind: string; occurred_on: string; amount_minor: string | number }>(
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
    if (current)
      for (const r of rows) {
        const s = standings.get(r.customer_id);
        if (s) fromTotals(s, r, windowStart);
      }
    for (const d of dated) {
      const s = standings.get(d.customer_id);
      if (!s) continue;
      const on = day(d.occurred_on);
      if (d.kind === 'w') {
        s.purchaseDates.push(on);
        continue;
      }
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

/** Whether no purchase or refund is dated after `asOf`: the customer list's totals are then the totals as of it. */
export async function nothingDatedAfter(sql: SqlClient, asOf: string): Promise<boolean> {
  const [row] = await sql.query<{ later: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM rm_customer_purchases WHERE occurred_on > $1::date) OR EXISTS (SELECT 1 FROM rm_customer_refunds WHERE occurred_on > $1::date) AS later`,
    [asOf],
  );
  return !row.later;
}

/**
 * The totals of the customer list; as purchase days, the first and the last
 * when they fall before the window (the purchases inside it are added from
 * their rows): the lifecycle reads no more.
 */
function fromTotals(s: Standing & { purchaseDates: string[] }, r: BaseRow, windowStart: string): void {
  s.purchaseCount = Number(r.purchase_count ?? 0);
  s.netSpendMinor = Number(r.net_spend_minor ?? 0);
  s.lastPurchaseOn = r.last_purchase_on ? day(r.last_purchase_on) : null;
  const first = r.first_purchase_on ? day(r.first_purchase_on) : null;
  if (first !== null && first <= windowStart) s.purchaseDates.push(first);
  if (s.lastPurchaseOn !== null && s.lastPurchaseOn <= windowStart && s.lastPurchaseOn !== first) s.purchaseDates.push(s.lastPurchaseOn);
}
