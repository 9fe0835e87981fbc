// Tier over time under a schedule of rule sets: which rule set is in force on
// a date, and every change of a customer's tier with its date, rule set and
// cause. Pure, so a candidate rule set replays over real history unchanged.
import { addDays, minusMonths, monthsAfter, parseAmount } from '@crm/shared';
import { DEFAULT_RULE_SET, TierAnswer, TierFacts, tierAsOf, TierRuleSet } from './tier-rules';

export interface ScheduledRuleSet {
  ruleSet: TierRuleSet;
  /** First calendar date it is in force; '' means from the beginning. */
  effectiveFrom: string;
  /** The activation event it came from (none for the built-in default). */
  activation?: { eventId: string; position: number; activatedAt: string; actor?: string };
}

/** Activation order; effective dates never decrease along it. */
export type RuleSchedule = readonly ScheduledRuleSet[];

export const DEFAULT_SCHEDULE: RuleSchedule = [{ ruleSet: DEFAULT_RULE_SET, effectiveFrom: '' }];

/** The rule set in force on a date: the last activation effective on or before it. */
export function ruleSetOn(schedule: RuleSchedule, date: string): ScheduledRuleSet {
  let found = schedule[0];
  for (const entry of schedule) if (entry.effectiveFrom <= date) found = entry;
  return found;
}

export type TierChangeCause =
  | { kind: 'event'; type: string; eventId: string; position: number; occurredAt?: string }
  | { kind: 'ruleSetActivated'; ruleSetId: string; eventId?: string; position?: number }
  | { kind: 'time'; reason: string };

export interface TierChange {
  date: string;
  from: string | null;
  to: string;
  direction: 'up' | 'down' | 'same-rank';
  ruleSetId: string;
  basisMinor: number;
  reason: string;
  cause: TierChangeCause;
}

export interface TierStanding extends TierAnswer {
  /** What the basis alone supports; differs from `tier` while a downgrade waits out a retention period. */
  basisTier: string | null;
  /** Date of the last change (null for a prospect). */
  since: string | null;
  /** A downgrade waiting for its retention period: when it takes effect. */
  downgradeDue: string | null;
}

const retentionOf = (rs: TierRuleSet) => rs.downgrade?.retentionMonths ?? 0;

/** True when a tier on a date depends only on the basis on that date (no retention anywhere in the schedule). */
export const memoryless = (schedule: RuleSchedule) => schedule.every((e) => retentionOf(e.ruleSet) === 0 && !e.ruleSet.downgrade?.atAnniversary);

/** The first anniversary (12, 24, ... months after `since`, clamping convention) on or after `date`. */
export function nextAnniversary(since: string, date: string): string {
  for (let years = 1; ; years++) {
    const anniversary = monthsAfter(since, 12 * years);
    if (anniversary >= date) return anniversary;
  }
}

interface Walk {
  changes: TierChange[];
  held: string | null;
  downgradeDue: string | null;
}

function walk(facts: TierFacts, schedule: RuleSchedule, until: string, currency: string): Walk {
  const purchases = facts.purchases.filter((p) => p.date <= until);
  if (purchases.length === 0) return { changes: [], held: null, downgradeDue: null };
  const first = purchases.reduce((a, p) => (p.date < a ? p.date : a), purchases[0].date);
  const dated = [...purchases, ...facts.refunds.filter((r) => r.date <= until)];

  // Dates on which the answer can change: facts, activations, and the days facts leave a rolling window.
  const dates = new Set<string>([first]);
  for (const f of dated) if (f.date >= first) dates.add(f.date);
  for (const e of schedule) if (e.effectiveFrom > first && e.effectiveFrom <= until) dates.add(e.effectiveFrom);
  const windows = new Set(schedule.flatMap((e) => (e.ruleSet.basis.kind === 'rollingMonths' ? [e.ruleSet.basis.months] : [])));
  for (const months of windows) {
    for (const f of dated) {
      const leaves = monthsAfter(f.date, months);
      if (leaves > first && leaves <= until) dates.add(leaves);
    }
  }
  const queue = [...dates].sort();
  const enqueue = (date: string) => {
    if (date > until || queue.includes(date)) return;
    queue.push(date);
    queue.sort();
  };

  const changes: TierChange[] = [];
  let held: string | null = null;
  let heldRuleSet: TierRuleSet | undefined;
  let belowSince: string | undefined;
  let heldSince: string | undefined;
  let downgradeDue: string | null = null;
  while (queue.length > 0) {
    const date = queue.shift() as string;
    const entry = ruleSetOn(schedule, date);
    const rs = entry.ruleSet;
    const basis = tierAsOf(facts, date, rs, currency);
    const target = basis.tier as string;
    const codes = rs.tiers.map((t) => t.code);
    const rank = (code: string) => codes.indexOf(code);

    let next: string = target;
    let viaRetention = false;
    let viaAnniversary = false;
    downgradeDue = null;
    if (held !== null && codes.includes(held) && rank(target) < rank(held)) {
      const retention = retentionOf(rs);
      const step = rs.downgrade?.stepwise ? codes[rank(held) - 1] : target;
      if (rs.downgrade?.atAnniversary) {
        // Kept until the anniversary of the day it was reached, then re-evaluated there.
        const due = nextAnniversary(heldSince as string, date);
        if (date === due) {
          next = step;
          viaAnniversary = true;
          if (rank(step) > rank(target)) enqueue(nextAnniversary(date, addDays(date, 1)));
        } else {
          next = held;
          downgradeDue = due;
          enqueue(due);
        }
      } else if (retention === 0) {
        next = step;
      } else {
        belowSince ??= date;
        const due = monthsAfter(belowSince, retention);
        if (date >= due) {
          next = step;
          viaRetention = true;
          // Still above the basis after one step: the next step waits another period.
          belowSince = rank(step) > rank(target) ? date : undefined;
          if (belowSince) enqueue(monthsAfter(belowSince, retention));
        } else {
          next = held;
          downgradeDue = due;
          enqueue(due);
        }
      }
    } else {
      belowSince = undefined;
    }

    if (next !== held) {
      changes.push({
        date,
        from: held,
        to: next,
        direction: directionOf(held, heldRuleSet, next, rs, currency),
        ruleSetId: rs.id,
        basisMinor: basis.basisMinor,
        reason: viaRetention
          ? `${basis.reason}; the basis stayed below ${held} for the ${retentionOf(rs)}-month retention period`
          : viaAnniversary
            ? `${basis.reason}; re-evaluated on the anniversary of reaching ${held}`
            : basis.reason,
        cause: viaAnniversary ? { kind: 'time', reason: `anniversary of reaching ${held} (${heldSince})` } : causeOn(date, dated, entry, rs, viaRetention),
      });
      held = next;
      heldRuleSet = rs;
      heldSince = date;
    }
  }
  return { changes, held, downgradeDue };
}

function directionOf(from: string | null, fromRs: TierRuleSet | undefined, to: string, toRs: TierRuleSet, currency: string): TierChange['direction'] {
  if (from === null) return 'up';
  const codes = toRs.tiers.map((t) => t.code);
  if (codes.includes(from)) return codes.indexOf(to) > codes.indexOf(from) ? 'up' : 'down';
  // Across rule sets with other codes: compare what each tier asks for.
  const threshold = (rs: TierRuleSet | undefined, code: string) => parseAmount(rs?.tiers.find((t) => t.code === code)?.threshold ?? '0', currency);
  const a = threshold(fromRs, from);
  const b = threshold(toRs, to);
  return b > a ? 'up' : b < a ? 'down' : 'same-rank';
}

function causeOn(date: string, dated: TierFacts['purchases'], entry: ScheduledRuleSet, rs: TierRuleSet, viaRetention: boolean): TierChangeCause {
  if (viaRetention) return { kind: 'time', reason: `retention period of ${retentionOf(rs)} months ended` };
  const onDate = dated.filter((f) => f.date === date && f.eventId !== undefined);
  const last = onDate.reduce<(typeof onDate)[number] | undefined>((a, f) => (a === undefined || (f.position ?? 0) > (a.position ?? 0) ? f : a), undefined);
  if (last?.eventId !== undefined) return { kind: 'event', type: last.type ?? 'event', eventId: last.eventId, position: last.position ?? 0, occurredAt: last.occurredAt };
  if (entry.effectiveFrom === date) return { kind: 'ruleSetActivated', ruleSetId: rs.id, eventId: entry.activation?.eventId, position: entry.activation?.position };
  if (rs.basis.kind === 'rollingMonths') {
    return { kind: 'time', reason: `spend dated on or before ${minusMonths(date, rs.basis.months)} left the ${rs.basis.months}-month window` };
  }
  return { kind: 'time', reason: 'time passed' };
}

/** Every change of tier up to `until` (inclusive), oldest first. */
export function tierHistory(facts: TierFacts, schedule: RuleSchedule, until: string, currency: string): TierChange[] {
  return walk(facts, schedule, until, currency).changes;
}

/** The tier on a date under the schedule, with its basis, rule set and reason. */
export function tierOn(facts: TierFacts, schedule: RuleSchedule, asOf: string, currency: string): TierStanding {
  const rs = ruleSetOn(schedule, asOf).ruleSet;
  const basis = tierAsOf(facts, asOf, rs, currency);
  // No purchase on or before asOf: nothing to walk.
  if (basis.tier === null) return { ...basis, basisTier: null, since: null, downgradeDue: null };
  const w = walk(facts, schedule, asOf, currency);
  const since = w.changes.length > 0 ? w.changes[w.changes.length - 1].date : null;
  if (w.held === basis.tier) return { ...basis, basisTier: basis.tier, since, downgradeDue: null };
  return {
    ...basis,
    tier: w.held,
    basisTier: basis.tier,
    since,
    downgradeDue: w.downgradeDue,
    reason: rs.downgrade?.atAnniversary
      ? `${basis.reason}; ${w.held} is kept until the anniversary of reaching it, ${w.downgradeDue}`
      : `${basis.reason}; ${w.held} is kept until ${w.downgradeDue ?? 'the retention period ends'} (retention ${retentionOf(rs)} months)`,
  };
}

/** The tier on a date without the walk when no rule set keeps a tier beyond its basis (the list's fast path). */
export function tierOnFast(facts: TierFacts, schedule: RuleSchedule, asOf: string, currency: string): TierAnswer {
  if (memoryless(schedule)) return tierAsOf(facts, asOf, ruleSetOn(schedule, asOf).ruleSet, currency);
  return tierOn(facts, schedule, asOf, currency);
}
