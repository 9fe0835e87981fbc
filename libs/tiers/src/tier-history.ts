// Tier over time under a schedule of rule sets: which rule set is in force on
// a date, and every change of a customer's tier with its date, rule set and
// cause. Pure, so a candidate rule set replays over real history unchanged.
import { addDays, minusMonths, monthsAfter, parseAmount } from '@crm/shared';
import { AS_OF_MARK, DEFAULT_RULE_SET, TierAnswer, TierFacts, tierAsOf, TierRuleSet } from './tier-rules';

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

/** Where the walk stands after a date it visited: what tier is held, and a downgrade waiting. */
export interface WalkState {
  date: string;
  held: string | null;
  since: string | null;
  downgradeDue: string | null;
}

function walk(facts: TierFacts, schedule: RuleSchedule, until: string, currency: string, visit?: (state: WalkState) => void): Walk {
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
    visit?.({ date, held, since: heldSince ?? null, downgradeDue });
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
  return standingOf(basis, { date: asOf, held: w.held, since, downgradeDue: w.downgradeDue }, rs);
}

/** The standing on a date: what the basis reaches there, and the tier the walk holds (kept above the basis while a downgrade waits). */
function standingOf(basis: TierAnswer, state: WalkState, rs: TierRuleSet): TierStanding {
  if (basis.tier === null) return { ...basis, basisTier: null, since: null, downgradeDue: null };
  if (state.held === basis.tier) return { ...basis, basisTier: basis.tier, since: state.since, downgradeDue: null };
  return {
    ...basis,
    tier: state.held,
    basisTier: basis.tier,
    since: state.since,
    downgradeDue: state.downgradeDue,
    reason: rs.downgrade?.atAnniversary
      ? `${basis.reason}; ${state.held} is kept until the anniversary of reaching it, ${state.downgradeDue}`
      : `${basis.reason}; ${state.held} is kept until ${state.downgradeDue ?? 'the retention period ends'} (retention ${retentionOf(rs)} months)`,
  };
}

/** A span of days over which a customer's whole tier answer is the same; `to` is exclusive, null for "from then on". */
export interface TierStep {
  from: string;
  to: string | null;
  /** Its reason names the as-of date as AS_OF_MARK (a rolling basis is described "to" the date asked about). */
  standing: TierStanding;
  basis: TierRuleSet['basis'];
  /** The change of tier on `from`, when one happens that day. */
  change?: TierChange;
}

/**
 * A customer's tier answer for every date from `joined` on, as steps: every
 * date the answer can change on (facts, activations, days spend leaves a
 * window, downgrades that retention or anniversaries bring) starts a step.
 * tierOn(facts, schedule, D) equals the step covering D with its reason's
 * AS_OF_MARK replaced by D: the tier read model is built from this.
 */
export function tierSteps(facts: TierFacts, schedule: RuleSchedule, joined: string, currency: string): TierStep[] {
  const states: WalkState[] = [];
  const { changes } = walk(facts, schedule, LAST_DATE, currency, (state) => states.push(state));
  const dates = new Set<string>([joined, ...states.map((s) => s.date)]);
  // Before the first purchase the answer changes only with the rule set in force (a prospect's).
  for (const e of schedule) if (e.effectiveFrom > joined) dates.add(e.effectiveFrom);
  const byDate = new Map(changes.map((c) => [c.date, c]));
  const steps: TierStep[] = [];
  let at = -1;
  for (const date of [...dates].sort()) {
    while (at + 1 < states.length && states[at + 1].date <= date) at++;
    const rs = ruleSetOn(schedule, date).ruleSet;
    const basis = tierAsOf(facts, date, rs, currency, AS_OF_MARK);
    const state = at >= 0 ? states[at] : { date, held: null, since: null, downgradeDue: null };
    const standing = standingOf(basis, state, rs);
    const last = steps[steps.length - 1];
    const change = byDate.get(date);
    if (last && !change && sameStanding(last.standing, standing)) continue;
    if (last) last.to = date;
    steps.push({ from: date, to: null, standing, basis: rs.basis, ...(change ? { change } : {}) });
  }
  return steps;
}

const LAST_DATE = '9999-12-31';

/** The answer a step gives for a date it covers: its reason names that date. */
export function standingFromStep(standing: TierStanding, asOf: string): TierStanding {
  return { ...standing, reason: standing.reason.split(AS_OF_MARK).join(asOf) };
}

/** The step covering a date (steps in date order), or undefined before the first. */
export function stepOn<T extends { from: string }>(steps: readonly T[], asOf: string): T | undefined {
  let found: T | undefined;
  for (const step of steps) if (step.from <= asOf) found = step;
  return found;
}

function sameStanding(a: TierStanding, b: TierStanding): boolean {
  return (
    a.tier === b.tier &&
    a.basisMinor === b.basisMinor &&
    a.purchaseCount === b.purchaseCount &&
    a.ruleSetId === b.ruleSetId &&
    a.reason === b.reason &&
    a.basisTier === b.basisTier &&
    a.since === b.since &&
    a.downgradeDue === b.downgradeDue
  );
}

/** The tier on a date without the walk when no rule set keeps a tier beyond its basis (the list's fast path). */
export function tierOnFast(facts: TierFacts, schedule: RuleSchedule, asOf: string, currency: string): TierAnswer {
  if (memoryless(schedule)) return tierAsOf(facts, asOf, ruleSetOn(schedule, asOf).ruleSet, currency);
  return tierOn(facts, schedule, asOf, currency);
}
