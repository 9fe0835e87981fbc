// A customer's membership of one segment as periods: entered on a date,
// left on a later one (or not yet), each with its cause. Evaluated on every
// date the standing or the definition in force can change - an event's, a
// tier step's, a complaint's, a version's, and the dates time alone moves
// it (the lifecycle's windows, days since a purchase, a category's last N
// days, a birthday's window) - so that a member on D is exactly a customer
// whose standing on D meets the definition in force on D. Pure.
import { lifecycleMoves } from '@crm/lifecycle';
import { addDays, monthsAfter } from '@crm/shared';
import type { Condition, SegmentDefinition, SegmentGroup } from '../segment-definition';
import { birthdayIn, matches } from '../segment-match';
import { Cause, CustomerHistory, standingsAlong } from './customer-history';

/** A version of a segment: in force from its date (version 1 for every date before too) until the next. */
export interface VersionInForce {
  version: number;
  from: string;
  definition: SegmentDefinition;
}

export interface SegmentVersions {
  versions: readonly VersionInForce[];
  /** The date it was retired on: nobody is a member from then on. */
  retiredOn: string | null;
}

export interface MembershipPeriod {
  enteredOn: string;
  leftOn: string | null;
  enteredVersion: number;
  enteredCause: Cause;
  leftCause: Cause | null;
}

/** How far ahead moves by time alone are kept (birthdays recur every year). */
export const HORIZON_YEARS = 3;

const conditionsOf = (g: SegmentGroup): Condition[] => [...g.conditions, ...g.groups.flatMap(conditionsOf)];

/** The dates time alone can flip a condition of the definition, from the customer's purchases and birthdays. */
function timeDates(definition: SegmentDefinition, history: CustomerHistory, until: string, dates: Map<string, string>): void {
  const add = (date: string, what: string) => dates.has(date) || dates.set(date, what);
  const purchases = history.facts.filter((f) => f.fact.type === 'purchase').map((f) => f.date);
  for (const c of conditionsOf(definition)) {
    if (c.field === 'lifecycle') for (const m of lifecycleMoves(purchases, until, definition.windowMonths)) add(m.date, `lifecycle ${m.to}`);
    if (c.field === 'daysSinceLastPurchase') {
      const values = Array.isArray(c.value) ? (c.value as number[]) : [c.value as number];
      for (const p of purchases) for (const v of values) [v, v + 1].forEach((d) => add(addDays(p, d), 'days since the last purchase'));
    }
    if (c.field === 'boughtCategory') for (const p of purchases) add(addDays(p, (c as { days: number }).days), `last ${(c as { days: number }).days} days`);
    if (c.field === 'birthdayWithinDays') {
      const days = c.value as number;
      const birthdays = new Set(history.facts.flatMap((f) => (f.fact.type === 'profile' && f.fact.birthday ? [f.fact.birthday] : [])));
      for (const monthDay of birthdays) {
        for (let year = Number(history.joined.slice(0, 4)); year <= Number(until.slice(0, 4)); year++) {
          const day = birthdayIn(monthDay, year);
          add(addDays(day, -days), 'birthday');
          add(addDays(day, 1), 'birthday');
        }
      }
    }
  }
}

/** The date's causes, in the order they explain a change: an event of that date, a version, else time. */
function causeOn(date: string, history: CustomerHistory, versions: SegmentVersions, byTime: ReadonlyMap<string, string>): Cause {
  const fact = history.facts.find((f) => f.date === date);
  if (fact) return { kind: 'event', type: fact.eventType, eventId: fact.eventId, position: fact.position };
  if (versions.retiredOn === date) return { kind: 'version', version: versions.versions[versions.versions.length - 1].version, what: 'retired' };
  const version = versions.versions.find((v, i) => i > 0 && v.from === date);
  if (version) return { kind: 'version', version: version.version, what: 'published' };
  const step = history.tierSteps.find((s) => s.from === date && s.change);
  if (step) return { kind: 'time', what: `tier ${step.standing.tier ?? 'none'}` };
  return { kind: 'time', what: byTime.get(date) ?? 'time' };
}

const versionOn = (versions: SegmentVersions, date: string): VersionInForce => {
  let found = versions.versions[0];
  for (const v of versions.versions) if (v.from <= date) found = v;
  return found;
};

/** The customer's membership periods, from the day they are known until `until` (moves after it are not kept). */
export function membershipPeriods(history: CustomerHistory, versions: SegmentVersions, until: string): MembershipPeriod[] {
  if (versions.versions.length === 0 || history.joined === '9999-12-31') return [];
  const dates = new Set<string>([history.joined]);
  for (const f of history.facts) dates.add(f.date);
  for (const s of history.tierSteps) dates.add(s.from);
  for (const v of versions.versions.slice(1)) dates.add(v.from);
  if (versions.retiredOn) dates.add(versions.retiredOn);
  const byTime = new Map<string, string>();
  for (const v of versions.versions) timeDates(v.definition, history, until, byTime);
  for (const d of byTime.keys()) dates.add(d);
  const candidates = [...dates].filter((d) => d >= history.joined && d <= until).sort();

  const periods: MembershipPeriod[] = [];
  let current: MembershipPeriod | undefined;
  const standingOn = standingsAlong(history);
  for (const date of candidates) {
    const retired = versions.retiredOn !== null && date >= versions.retiredOn;
    const inForce = versionOn(versions, date);
    const member = !retired && matches(inForce.definition, standingOn(date), date);
    if (member && !current) {
      current = { enteredOn: date, leftOn: null, enteredVersion: inForce.version, enteredCause: causeOn(date, history, versions, byTime), leftCause: null };
      periods.push(current);
    } else if (!member && current) {
      current.leftOn = date;
      current.leftCause = causeOn(date, history, versions, byTime);
      current = undefined;
    }
  }
  return periods;
}

/** The last date moves are computed to: a horizon past today and the customer's last event. */
export function horizonOf(today: string, history: CustomerHistory): string {
  const last = history.facts.length > 0 ? history.facts[history.facts.length - 1].date : today;
  return monthsAfter(last > today ? last : today, 12 * HORIZON_YEARS);
}
