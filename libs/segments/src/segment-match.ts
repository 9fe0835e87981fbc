// Whether a customer's standing on a date meets a definition. Pure: the
// oracle of membership (the read model must equal it on every date) and the
// preview's evaluation alike.
import { lifecycleAsOf } from '@crm/lifecycle';
import { addDays, daysBetween } from '@crm/shared';
import { Condition, kindOf, SegmentDefinition, SegmentGroup } from './segment-definition';

/** What a definition can ask of one customer, as of a date. */
export interface Standing {
  customerId: string;
  tier: string | null;
  /** The dates of the purchases on or before the date: the lifecycle is judged from them in the definition's window. */
  purchaseDates: readonly string[];
  rfm: { r: number; f: number; m: number; segment: string } | null;
  tags: readonly string[];
  province: string | null;
  city: string | null;
  /** The acquisition channel of the profile. */
  channel: string | null;
  consent: Readonly<Record<string, boolean>>;
  netSpendMinor: number;
  purchaseCount: number;
  lastPurchaseOn: string | null;
  /** Per category: the last date bought on or before the date. */
  lastBoughtOn: ReadonlyMap<string, string>;
  /** Per category: its sales (items) over all purchases on or before the date; with the total. */
  categorySalesMinor: ReadonlyMap<string, number>;
  salesMinor: number;
  /** MM-DD of the birth date, or null when not known (or erased). */
  birthday: string | null;
  openComplaint: boolean;
}

/** The birthday (MM-DD) in a year: 29 February on the 28th in common years. */
export function birthdayIn(monthDay: string, year: number): string {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return `${String(year).padStart(4, '0')}-${monthDay === '02-29' && !leap ? '02-28' : monthDay}`;
}

/** Days from `asOf` to the next birthday (MM-DD) on or after it. */
export function daysToBirthday(monthDay: string, asOf: string): number {
  const year = Number(asOf.slice(0, 4));
  const thisYear = birthdayIn(monthDay, year);
  return daysBetween(asOf, thisYear >= asOf ? thisYear : birthdayIn(monthDay, year + 1));
}

function compare(actual: number | null, op: Condition['op'], value: Condition['value']): boolean {
  if (actual === null) return false;
  switch (op) {
    case '=':
      return actual === value;
    case '>=':
      return actual >= (value as number);
    case '<=':
      return actual <= (value as number);
    case 'between': {
      const [low, high] = value as [number, number];
      return actual >= low && actual <= high;
    }
    case 'in':
      return (value as unknown[]).includes(actual);
    case 'not_in':
      return !(value as unknown[]).includes(actual);
    default:
      return false;
  }
}

function choice(actual: string | null, c: Condition): boolean {
  if (c.op === 'not_in') return actual === null || !(c.value as unknown[]).includes(actual);
  if (actual === null) return false;
  return c.op === '=' ? actual === c.value : (c.value as unknown[]).includes(actual);
}

interface On {
  asOf: string;
  windowMonths: number;
}

function conditionHolds(c: Condition, s: Standing, { asOf, windowMonths }: On): boolean {
  switch (c.field) {
    case 'tier':
      return choice(s.tier, c);
    case 'lifecycle':
      return choice(lifecycleAsOf(s.purchaseDates, asOf, windowMonths), c);
    case 'rfmSegment':
      return choice(s.rfm?.segment ?? null, c);
    case 'rfm.r':
    case 'rfm.f':
    case 'rfm.m':
      return s.rfm !== null && compare(s.rfm[c.field.slice(4) as 'r' | 'f' | 'm'], c.op, c.value);
    case 'region.province':
      return choice(s.province, c);
    case 'region.city':
      return choice(s.city, c);
    case 'channel':
      return choice(s.channel, c);
    case 'tag': {
      if (c.op === 'has') return s.tags.includes(c.value as string);
      if (c.op === 'not') return !s.tags.includes(c.value as string);
      const any = (c.value as string[]).some((t) => s.tags.includes(t));
      return c.op === 'in' ? any : !any;
    }
    case 'netSpend':
      return compare(s.netSpendMinor, c.op, c.value);
    case 'purchaseCount':
      return compare(s.purchaseCount, c.op, c.value);
    case 'daysSinceLastPurchase':
      return compare(s.lastPurchaseOn === null ? null : daysBetween(s.lastPurchaseOn, asOf), c.op, c.value);
    case 'boughtCategory': {
      const last = s.lastBoughtOn.get(c.value as string);
      // "in the last N days": after asOf - N, up to asOf.
      const bought = last !== undefined && last > addDays(asOf, -((c as { days: number }).days ?? 0));
      return c.op === 'has' ? bought : !bought;
    }
    case 'categorySpendShare': {
      if (s.salesMinor <= 0) return false;
      const sales = BigInt(s.categorySalesMinor.get((c as { category: string }).category) ?? 0) * 10_000n;
      const bar = BigInt(c.value as number) * BigInt(s.salesMinor);
      return c.op === '>=' ? sales >= bar : sales <= bar;
    }
    case 'birthdayWithinDays':
      return s.birthday !== null && daysToBirthday(s.birthday, asOf) <= (c.value as number);
    case 'openComplaint':
      return s.openComplaint === c.value;
    default:
      if (kindOf(c.field) === 'flag' && c.field.startsWith('consent.')) return (s.consent[c.field.slice('consent.'.length)] ?? false) === c.value;
      return false;
  }
}

function holds(group: SegmentGroup, standing: Standing, on: On): boolean {
  const parts = [...group.conditions.map((c) => () => conditionHolds(c, standing, on)), ...group.groups.map((g) => () => holds(g, standing, on))];
  return group.match === 'all' ? parts.every((p) => p()) : parts.some((p) => p());
}

/** Whether a customer's standing on `asOf` meets the definition: all (or any) of its conditions and groups. */
export function matches(definition: SegmentDefinition, standing: Standing, asOf: string): boolean {
  return holds(definition, standing, { asOf, windowMonths: definition.windowMonths });
}
