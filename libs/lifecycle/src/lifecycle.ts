// Lifecycle as of a date: a pure function of a customer's purchase dates
// (shop calendar) and the window W in months (docs/domain.md, "Lifecycle").
// No job refreshes it: the answer for any date comes from the stored facts.
import { minusMonths, monthsAfter } from '@crm/shared';

export const LIFECYCLE_STATUSES = ['PROSPECT', 'NEW_ONCE', 'NEW_REPEAT', 'OLD_ONCE', 'OLD_REPEAT', 'SILENT', 'SLEEPING', 'LOST'] as const;
export type Lifecycle = (typeof LIFECYCLE_STATUSES)[number];

/** The window's bounds on D (each exclusive): D - W, D - 2W, D - 4W. */
export type LifecycleBound = 'window' | 'twoWindows' | 'fourWindows';

/** What the rule looks at on D: the first and last purchase date on or before D, and the purchases in the window. */
export type LifecycleCondition = { fact: 'noPurchase' } | { fact: 'first' | 'last'; op: '>' | '<='; bound: LifecycleBound } | { fact: 'inWindow'; op: '=' | '>='; count: number };

/**
 * The lifecycle rule (docs/domain.md, "Lifecycle"), written once as data:
 * each status with its conditions, mutually exclusive. lifecycleAsOf
 * evaluates it; lifecycleSql turns it into SQL for the list's filter.
 */
export const LIFECYCLE_RULE: ReadonlyArray<{ status: Lifecycle; when: readonly LifecycleCondition[] }> = [
  { status: 'PROSPECT', when: [{ fact: 'noPurchase' }] },
  {
    status: 'NEW_ONCE',
    when: [
      { fact: 'first', op: '>', bound: 'window' },
      { fact: 'inWindow', op: '=', count: 1 },
    ],
  },
  {
    status: 'NEW_REPEAT',
    when: [
      { fact: 'first', op: '>', bound: 'window' },
      { fact: 'inWindow', op: '>=', count: 2 },
    ],
  },
  {
    status: 'OLD_ONCE',
    when: [
      { fact: 'first', op: '<=', bound: 'window' },
      { fact: 'inWindow', op: '=', count: 1 },
    ],
  },
  {
    status: 'OLD_REPEAT',
    when: [
      { fact: 'first', op: '<=', bound: 'window' },
      { fact: 'inWindow', op: '>=', count: 2 },
    ],
  },
  {
    status: 'SILENT',
    when: [
      { fact: 'inWindow', op: '=', count: 0 },
      { fact: 'last', op: '>', bound: 'twoWindows' },
    ],
  },
  {
    status: 'SLEEPING',
    when: [
      { fact: 'inWindow', op: '=', count: 0 },
      { fact: 'last', op: '<=', bound: 'twoWindows' },
      { fact: 'last', op: '>', bound: 'fourWindows' },
    ],
  },
  {
    status: 'LOST',
    when: [
      { fact: 'inWindow', op: '=', count: 0 },
      { fact: 'last', op: '<=', bound: 'fourWindows' },
    ],
  },
];

/** The bounds of the windows on D for a window of W months (the shop calendar's month rule). */
export function lifecycleBounds(asOf: string, windowMonths: number): Readonly<Record<LifecycleBound, string>> {
  const key = windowMonths === 3 ? asOf : `${asOf}|${windowMonths}`;
  let bounds = BOUNDS.get(key);
  if (bounds === undefined) {
    if (BOUNDS.size >= 50_000) BOUNDS.clear();
    bounds = { window: minusMonths(asOf, windowMonths), twoWindows: minusMonths(asOf, 2 * windowMonths), fourWindows: minusMonths(asOf, 4 * windowMonths) };
    BOUNDS.set(key, bounds);
  }
  return bounds;
}

/** Bounds already computed: every customer's lifecycle on a date asks for the same three dates. */
const BOUNDS = new Map<string, Readonly<Record<LifecycleBound, string>>>();

interface LifecycleFacts {
  first: string | null;
  last: string | null;
  inWindow: number;
}

function holds(c: LifecycleCondition, f: LifecycleFacts, bounds: Record<LifecycleBound, string>): boolean {
  switch (c.fact) {
    case 'noPurchase':
      return f.last === null;
    case 'inWindow':
      return c.op === '=' ? f.inWindow === c.count : f.inWindow >= c.count;
    default: {
      const value = f[c.fact];
      if (value === null) return false;
      return c.op === '>' ? value > bounds[c.bound] : value <= bounds[c.bound];
    }
  }
}

/**
 * @param purchaseDates calendar dates "YYYY-MM-DD" of the customer's purchases (refunds do not remove them)
 * @param asOf the date D; purchases dated after D are not seen
 * @param windowMonths W (default 3)
 */
export function lifecycleAsOf(purchaseDates: readonly string[], asOf: string, windowMonths = 3): Lifecycle {
  const bounds = lifecycleBounds(asOf, windowMonths);
  const facts: LifecycleFacts = { first: null, last: null, inWindow: 0 };
  for (const d of purchaseDates) {
    if (d > asOf) continue;
    if (facts.first === null || d < facts.first) facts.first = d;
    if (facts.last === null || d > facts.last) facts.last = d;
    if (d > bounds.window) facts.inWindow++;
  }
  const rule = LIFECYCLE_RULE.find((r) => r.when.every((c) => holds(c, facts, bounds)));
  if (!rule) throw new Error(`no lifecycle status holds on ${asOf}: the rule is not exhaustive`);
  return rule.status;
}

/**
 * The condition "status S on D" in SQL, generated from LIFECYCLE_RULE: `facts`
 * names the SQL expressions of the first and last purchase date and the
 * purchases in the window; `bound` answers the placeholder of a bound's date
 * (asked only for the bounds the status uses).
 */
export function lifecycleSql(status: Lifecycle, facts: Record<'first' | 'last' | 'inWindow', string>, bound: (b: LifecycleBound) => string): string {
  const rule = LIFECYCLE_RULE.find((r) => r.status === status);
  if (!rule) throw new Error(`unknown lifecycle status ${status}`);
  const sql = (c: LifecycleCondition) => {
    switch (c.fact) {
      case 'noPurchase':
        return `${facts.last} IS NULL`;
      case 'inWindow':
        return `${facts.inWindow} ${c.op} ${Number(c.count)}`;
      default:
        return `${facts[c.fact]} ${c.op} ${bound(c.bound)}::date`;
    }
  };
  return `(${rule.when.map(sql).join(' AND ')})`;
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
