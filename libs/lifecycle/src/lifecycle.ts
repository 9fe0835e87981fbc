// Lifecycle as of a date: a pure function of a customer's purchase dates
// (shop calendar) and the window W in months (DOMAIN.md "Exact conventions").
// No job refreshes it: the answer for any date comes from the stored facts.
import { minusMonths, monthsAfter } from '@crm/shared';

export const LIFECYCLE_STATUSES = ['PROSPECT', 'NEW_ONCE', 'NEW_REPEAT', 'OLD_ONCE', 'OLD_REPEAT', 'SILENT', 'SLEEPING', 'LOST'] as const;
export type Lifecycle = (typeof LIFECYCLE_STATUSES)[number];

/**
 * @param purchaseDates calendar dates "YYYY-MM-DD" of the customer's purchases (refunds do not remove them)
 * @param asOf the date D; purchases dated after D are not seen
 * @param windowMonths W (default 3)
 */
export function lifecycleAsOf(purchaseDates: readonly string[], asOf: string, windowMonths = 3): Lifecycle {
  const seen = purchaseDates.filter((d) => d <= asOf);
  if (seen.length === 0) return 'PROSPECT';
  const windowStart = minusMonths(asOf, windowMonths); // exclusive
  const inWindow = seen.filter((d) => d > windowStart).length;
  const first = seen.reduce((a, b) => (a < b ? a : b));
  const last = seen.reduce((a, b) => (a > b ? a : b));
  if (inWindow > 0) {
    const isNew = first > windowStart;
    if (isNew) return inWindow === 1 ? 'NEW_ONCE' : 'NEW_REPEAT';
    return inWindow === 1 ? 'OLD_ONCE' : 'OLD_REPEAT';
  }
  if (last > minusMonths(asOf, 2 * windowMonths)) return 'SILENT';
  if (last > minusMonths(asOf, 4 * windowMonths)) return 'SLEEPING';
  return 'LOST';
}

const ORDER: Record<Lifecycle, number> = { LOST: 0, SLEEPING: 1, SILENT: 2, PROSPECT: 3, OLD_ONCE: 4, OLD_REPEAT: 4, NEW_ONCE: 4, NEW_REPEAT: 4 };

/** Towards active is forward migration, towards lost is reverse (for the timeline). */
export function migrationDirection(from: Lifecycle, to: Lifecycle): 'forward' | 'reverse' | 'none' {
  if (ORDER[to] === ORDER[from]) return 'none';
  return ORDER[to] > ORDER[from] ? 'forward' : 'reverse';
}

export interface LifecycleMove {
  /** The first date of the new status. */
  date: string;
  from: Lifecycle;
  to: Lifecycle;
  direction: 'forward' | 'reverse' | 'none';
  /** A purchase that day, or the passage of time (a purchase left a window). */
  cause: 'purchase' | 'time';
}

/**
 * Every change of lifecycle status up to `until`: at purchases, and on the
 * days a purchase leaves the W, 2W or 4W window (plusMonths under the
 * clamping convention). Time alone moves a customer, so this is computed,
 * not stored.
 */
export function lifecycleMoves(purchaseDates: readonly string[], until: string, windowMonths = 3): LifecycleMove[] {
  const seen = [...purchaseDates].filter((d) => d <= until).sort();
  if (seen.length === 0) return [];
  const purchaseDays = new Set(seen);
  const candidates = new Set<string>(seen);
  for (const p of seen) {
    for (const k of [1, 2, 4]) {
      const d = monthsAfter(p, k * windowMonths);
      if (d <= until) candidates.add(d);
    }
  }
  const moves: LifecycleMove[] = [];
  let current: Lifecycle = 'PROSPECT';
  for (const date of [...candidates].sort()) {
    const next = lifecycleAsOf(seen, date, windowMonths);
    if (next === current) continue;
    moves.push({ date, from: current, to: next, direction: migrationDirection(current, next), cause: purchaseDays.has(date) ? 'purchase' : 'time' });
    current = next;
  }
  return moves;
}
