// A definition tried before it is published: how many customers meet it on a
// date, a page of them, and against a published version who would enter and
// who would leave. One pass over the base's standings; writes nothing.
import type { SqlClient } from '@crm/database';
import { lifecycleAsOf } from '@crm/lifecycle';
import { formatAmount } from '@crm/shared';
import { fieldsOf, SegmentDefinition } from './segment-definition';
import { tierStandingsOn } from '@crm/tiers';
import { matches, Standing } from './segment-match';
import { scanStandings } from './standings/standings.query';

export interface PreviewMember {
  customerId: string;
  tier: string | null;
  lifecycle: string;
  netSpend: string;
}

interface Listed {
  count: number;
  customers: PreviewMember[];
}

export interface SegmentPreview {
  asOf: string;
  count: number;
  members: PreviewMember[];
  compared?: { segmentId: string; version: number; count: number; entering: Listed; leaving: Listed };
}

export async function previewSegment(
  sql: SqlClient,
  draft: SegmentDefinition,
  options: { asOf: string; limit: number; currency: string; compareTo?: { segmentId: string; version: number; definition: SegmentDefinition } },
): Promise<SegmentPreview> {
  const { asOf, limit, currency, compareTo } = options;
  const listed = (): Listed => ({ count: 0, customers: [] });
  const found = listed();
  const entering = listed();
  const leaving = listed();
  let comparedCount = 0;
  const note = (into: Listed, s: Standing) => {
    into.count += 1;
    if (into.customers.length < limit)
      into.customers.push({
        customerId: s.customerId,
        tier: s.tier,
        lifecycle: lifecycleAsOf(s.purchaseDates, asOf, draft.windowMonths),
        netSpend: formatAmount(s.netSpendMinor, currency),
      });
  };
  const needs = fieldsOf(draft, compareTo ? fieldsOf(compareTo.definition) : undefined);
  await scanStandings(
    sql,
    asOf,
    (batch) => {
      for (const s of batch) {
        const now = matches(draft, s, asOf);
        if (now) note(found, s);
        if (!compareTo) continue;
        const before = matches(compareTo.definition, s, asOf);
        if (before) comparedCount += 1;
        if (now && !before) note(entering, s);
        if (before && !now) note(leaving, s);
      }
    },
    needs,
    { windowMonths: [draft.windowMonths, ...(compareTo ? [compareTo.definition.windowMonths] : [])] },
  );
  if (!needs.has('tier')) await fillTiers(sql, [found, entering, leaving], asOf);
  return {
    asOf,
    count: found.count,
    members: found.customers,
    ...(compareTo ? { compared: { segmentId: compareTo.segmentId, version: compareTo.version, count: comparedCount, entering, leaving } } : {}),
  };
}

/** The tiers of the customers listed, when the scan did not read them (no tier condition). */
async function fillTiers(sql: SqlClient, lists: readonly Listed[], asOf: string): Promise<void> {
  const listed = lists.flatMap((l) => l.customers);
  const tiers = await tierStandingsOn(sql, [...new Set(listed.map((m) => m.customerId))], asOf);
  for (const m of listed) m.tier = tiers.get(m.customerId)?.tier ?? null;
}
