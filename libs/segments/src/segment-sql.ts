// A definition as one SQL condition over the customer list (alias `c`) on a
// date no purchase or refund is dated after (today, as a rule): the totals
// there are the totals as of it. What a preview of today counts with, so the
// database evaluates the whole base and this process reads only a page.
// RFM ranks the whole base and has no SQL here: such definitions are
// evaluated in this process (segment-preview). Each field reads as
// segment-match.ts judges it; a test holds the two equal on random bases.
import { lifecycleBounds, lifecycleSql, type Lifecycle } from '@crm/lifecycle';
import { addDays } from '@crm/shared';
import type { Condition, SegmentDefinition, SegmentGroup } from './segment-definition';
import { birthdayIn } from './segment-match';

/** Collects a statement's parameters: each value added answers its placeholder. */
export class SqlParams {
  readonly values: unknown[] = [];
  add(value: unknown, cast: string): string {
    this.values.push(value);
    return `$${this.values.length}::${cast}`;
  }
}

const SQL_LESS = new Set(['rfmSegment', 'rfm.r', 'rfm.f', 'rfm.m']);

/** Whether every condition of the definitions has SQL here. */
export function compilable(...definitions: readonly SegmentGroup[]): boolean {
  const ok = (g: SegmentGroup): boolean => g.conditions.every((c) => !SQL_LESS.has(c.field)) && g.groups.every(ok);
  return definitions.every(ok);
}

/** The definition on `asOf` (its placeholder `on`, a date) as a condition that is true or false (never null). */
export function definitionSql(definition: SegmentDefinition, { asOf, on }: { asOf: string; on: string }, params: SqlParams): string {
  return `coalesce(${groupSql(definition, { on, asOf, params, windowMonths: definition.windowMonths })}, false)`;
}

interface On {
  on: string;
  asOf: string;
  params: SqlParams;
  windowMonths: number;
}

function groupSql(group: SegmentGroup, at: On): string {
  const parts = [...group.conditions.map((c) => conditionSql(c, at)), ...group.groups.map((g) => groupSql(g, at))];
  if (parts.length === 0) return group.match === 'all' ? 'true' : 'false';
  return `(${parts.map((p) => `coalesce(${p}, false)`).join(group.match === 'all' ? ' AND ' : ' OR ')})`;
}

/** A nullable text column against a choice: null is in no list, and so meets not_in. */
function choiceSql(column: string, c: Condition, params: SqlParams): string {
  if (c.op === '=') return `${column} = ${params.add(String(c.value), 'text')}`;
  const list = params.add((c.value as unknown[]).map(String), 'text[]');
  return c.op === 'in' ? `${column} = ANY (${list})` : `(${column} IS NULL OR NOT (${column} = ANY (${list})))`;
}

function compareSql(expression: string, c: Condition, params: SqlParams): string {
  switch (c.op) {
    case '=':
      return `${expression} = ${params.add(c.value, 'numeric')}`;
    case '>=':
      return `${expression} >= ${params.add(c.value, 'numeric')}`;
    case '<=':
      return `${expression} <= ${params.add(c.value, 'numeric')}`;
    case 'between': {
      const [low, high] = c.value as [number, number];
      return `${expression} BETWEEN ${params.add(low, 'numeric')} AND ${params.add(high, 'numeric')}`;
    }
    default:
      return 'false';
  }
}

function lifecycleConditionSql(c: Condition, { on, asOf, params, windowMonths }: On): string {
  const bounds = lifecycleBounds(asOf, windowMonths);
  const window = params.add(bounds.window, 'date');
  // Purchases in the window: counted only for a customer whose last purchase is in it.
  const inWindow = `(CASE WHEN c.last_purchase_on > ${window} THEN (SELECT count(*) FROM rm_customer_purchases p
      WHERE p.customer_id = c.customer_id AND p.occurred_on > ${window} AND p.occurred_on <= ${on}) ELSE 0 END)`;
  const facts = { first: 'c.first_purchase_on', last: 'c.last_purchase_on', inWindow };
  const bound = (b: keyof typeof bounds) => params.add(bounds[b], 'date');
  // A customer with no purchase has null first and last days: a status that compares them does not hold (as lifecycleAsOf judges).
  const statusSql = (status: unknown) => `coalesce(${lifecycleSql(status as Lifecycle, facts, bound)}, false)`;
  if (c.op === '=') return statusSql(c.value);
  const any = `(${(c.value as unknown[]).map(statusSql).join(' OR ')})`;
  return c.op === 'in' ? any : `NOT ${any}`;
}

/** The month-days whose next birthday falls within `days` of `asOf` (29 February on the 28th in common years). */
function birthdaysWithin(asOf: string, days: number): string[] {
  const found = new Set<string>();
  for (let k = 0; k <= Math.min(days, 366); k++) {
    const date = addDays(asOf, k);
    found.add(date.slice(5));
    if (birthdayIn('02-29', Number(date.slice(0, 4))) === date) found.add('02-29');
  }
  return [...found];
}

function conditionSql(c: Condition, at: On): string {
  const { on, asOf, params } = at;
  switch (c.field) {
    case 'tier':
      return choiceSql(`(SELECT t.tier FROM rm_tier_periods t WHERE t.customer_id = c.customer_id AND t.valid_from <= ${on} AND t.valid_to > ${on} LIMIT 1)`, c, params);
    case 'lifecycle':
      return lifecycleConditionSql(c, at);
    case 'region.province':
      return choiceSql('c.province', c, params);
    case 'region.city':
      return choiceSql('c.city', c, params);
    case 'channel':
      return choiceSql('c.channel', c, params);
    case 'tag': {
      if (c.op === 'has' || c.op === 'not') {
        const has = `${params.add(String(c.value), 'text')} = ANY (c.tags)`;
        return c.op === 'has' ? has : `NOT (${has})`;
      }
      const overlap = `c.tags && ${params.add((c.value as unknown[]).map(String), 'text[]')}`;
      return c.op === 'in' ? overlap : `NOT (${overlap})`;
    }
    case 'netSpend':
      return compareSql('c.net_spend_minor', c, params);
    case 'purchaseCount':
      return compareSql('c.purchase_count', c, params);
    case 'daysSinceLastPurchase':
      return compareSql(`(${on} - c.last_purchase_on)`, c, params);
    case 'boughtCategory': {
      const bought = `EXISTS (SELECT 1 FROM rm_purchase_categories pc WHERE pc.customer_id = c.customer_id AND pc.category = ${params.add(String(c.value), 'text')}
          AND pc.occurred_on > ${params.add(addDays(asOf, -((c as { days?: number }).days ?? 0)), 'date')} AND pc.occurred_on <= ${on})`;
      return c.op === 'has' ? bought : `NOT ${bought}`;
    }
    case 'categorySpendShare': {
      const category = params.add((c as { category: string }).category, 'text');
      const op = c.op === '>=' ? '>=' : '<=';
      return `(SELECT sum(pc.scaled) > 0 AND coalesce(sum(pc.scaled) FILTER (WHERE pc.category = ${category}), 0) * 10000 ${op} ${params.add(c.value, 'numeric')} * sum(pc.scaled)
          FROM rm_purchase_categories pc WHERE pc.customer_id = c.customer_id AND pc.occurred_on <= ${on})`;
    }
    case 'birthdayWithinDays':
      return `c.birthday = ANY (${params.add(birthdaysWithin(asOf, c.value as number), 'text[]')})`;
    case 'openComplaint':
      return `EXISTS (SELECT 1 FROM rm_complaints k WHERE k.customer_id = c.customer_id AND k.opened_on <= ${on}
          AND (k.resolved_at IS NULL OR k.resolved_at::date > ${on})) = ${params.add(c.value, 'boolean')}`;
    default:
      if (c.field.startsWith('consent.'))
        return `coalesce((c.consent ->> ${params.add(c.field.slice('consent.'.length), 'text')})::boolean, false) = ${params.add(c.value, 'boolean')}`;
      return 'false';
  }
}
