// The derived entries of a customer's timeline: tier changes (under the rule
// sets in force) and lifecycle moves (window 3 months), computed from the
// customer's stream up to today, never stored as source events. Each sorts
// right after the event that caused it, or at the start of its day when
// time alone caused it.
import { CustomerHistory } from '@crm/customers';
import { lifecycleMoves } from '@crm/lifecycle';
import { formatAmount, startOfShopDay } from '@crm/shared';
import { RuleSchedule, tierHistory } from '@crm/tiers';
import type { SegmentChange } from '@crm/segments';

export interface DerivedEntry {
  /** Sort key: (occurredAt, position, seq); stored events have seq 0. */
  key: [string, number, number];
  entry: {
    position: number | null;
    type: 'TierChanged' | 'LifecycleChanged' | 'SegmentEntered' | 'SegmentLeft';
    derived: true;
    occurredAt: string;
    actor: 'system';
    causationId: string | null;
    data: Record<string, unknown>;
  };
}

export function derivedChanges(history: CustomerHistory, schedule: RuleSchedule, today: string, timezone: string, currency: string): DerivedEntry[] {
  const out: DerivedEntry[] = [];
  const dayStart = (date: string) => startOfShopDay(date, timezone).toISOString();
  for (const change of tierHistory(history.facts, schedule, today, currency)) {
    const byEvent = change.cause.kind === 'event' ? change.cause : undefined;
    const at = byEvent?.occurredAt ? new Date(byEvent.occurredAt).toISOString() : dayStart(change.date);
    const position = byEvent?.position ?? 0;
    const { basisMinor, ...rest } = change;
    out.push({
      key: [at, position, 1],
      entry: {
        position: null,
        type: 'TierChanged',
        derived: true,
        occurredAt: at,
        actor: 'system',
        causationId: byEvent?.eventId ?? null,
        data: { ...rest, basis: formatAmount(basisMinor, currency) },
      },
    });
  }
  const purchases = history.facts.purchases;
  for (const move of lifecycleMoves(
    purchases.map((p) => p.date),
    today,
  )) {
    const cause = move.cause === 'purchase' ? purchases.filter((p) => p.date === move.date).pop() : undefined;
    const at = cause?.occurredAt ? new Date(cause.occurredAt).toISOString() : dayStart(move.date);
    out.push({
      key: [at, cause?.position ?? 0, 2],
      entry: { position: null, type: 'LifecycleChanged', derived: true, occurredAt: at, actor: 'system', causationId: cause?.eventId ?? null, data: { ...move, windowMonths: 3 } },
    });
  }
  return out.sort((a, b) => compareKeys(a.key, b.key));
}

/**
 * A customer's entries into and exits from segments as timeline entries: an
 * event's change right after that event (`at`: when the causing event
 * happened), a change by time or by a version at the start of its day.
 */
export function segmentEntries(changes: readonly SegmentChange[], eventTimes: ReadonlyMap<number, string>, timezone: string): DerivedEntry[] {
  return changes
    .map((c): DerivedEntry => {
      const byEvent = c.cause.kind === 'event' ? c.cause : undefined;
      const eventAt = byEvent ? eventTimes.get(byEvent.position) : undefined;
      const at = eventAt ?? startOfShopDay(c.date, timezone).toISOString();
      return {
        key: [at, eventAt && byEvent ? byEvent.position : 0, c.change === 'left' ? 3 : 4],
        entry: {
          position: null,
          type: c.change === 'entered' ? 'SegmentEntered' : 'SegmentLeft',
          derived: true,
          occurredAt: at,
          actor: 'system',
          causationId: byEvent?.eventId ?? null,
          data: { segmentId: c.segmentId, name: c.name, date: c.date, version: c.version, cause: c.cause },
        },
      };
    })
    .sort((a, b) => compareKeys(a.key, b.key));
}

export function compareKeys(a: [string, number, number], b: [string, number, number]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1] || a[2] - b[2];
}
