// A definition as one SQL condition over the customer list (alias `c`) on a
// date no purchase or refund is dated after (today, as a rule): the totals
// there are the totals as of it. What a preview of today counts with, so the
// database evaluates the whole base and this process reads only a page.
// RFM ranks the whole base and has no SQL here: such definitions are
// evaluated in this process (segment-preview). Each field reads as
// segment-match.ts judges it; a test holds the two equal on random bases.
import { LIFECYCLE_RULE, lifecycleBounds, lifecycleSql, type Lifecycle } from '@crm/lifecycle';
import { addDays } from '@crm/shared';
import type { Condition, SegmentDefinition, SegmentGroup } from './segment-definition';
import { birthdayIn } from './segment-match';

/**
 * Collects a statement's parameters (each value added answers its
 * placeholder) and the joins its conditions read, by alias: the statement is
 * `FROM rm_customers c ${joins()}`. Facts of other tables are joined or read
 * as one set each, never as a subquery per customer.
 */
export class SqlParams {
  readonly values: unknown[] = [];
  private readonly joined = new Map<string, string>();
  add(value: unknown, cast: string): string {
    this.values.push(value);
    return `$${this.values.length}::${cast}`;
  }
  /** Joins what `sql` gives once under `alias` (built the first time it is asked for). */
  join(alias: string, sql: () => string): string {
    if (!this.joined.has(alias)) this.joined.set(alias, sql());
    return alias;
  }
  /**
   * Left-joins a set of customers (`sql` selects distinct customer_id) under
   * a new alias: a hash join, where `IN (subquery)` would scan the set once
   * per customer whenever it outgrows work_mem.
   */
  joinSet(sql: string): string {
    const alias = `s${this.joined.size}`;
    return this.join(alias, () => `LEFT JOIN (${sql}) ${alias} ON ${alias}.customer_id = c.customer_id`);
  }
  joins(): string {
    return [...this.joined.values()].join('\n');
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

/**
 * The purchases in a window, from the last and the previous purchase day,
 * counted up to two: the rule asks only for none, one or at least two
 * (checked below, so a rule asking more fails at start, not silently).
 */
const windowCountSql = (window: string) => `(CASE WHEN c.last_purchase_on > ${window} THEN (CASE WHEN c.previous_purchase_on > ${window} THEN 2 ELSE 1 END) ELSE 0 END)`;
for (const { when } of LIFECYCLE_RULE)
  for (const c of when)
    if (c.fact === 'inWindow' && !((c.op === '=' && c.count <= 1) || (c.op === '>=' && c.count === 2)))
      throw new Error(`segment-sql counts purchases in a window up to two; the lifecycle rule asks ${c.op} ${c.count}`);

function lifecycleConditionSql(c: Condition, { asOf, params, windowMonths }: On): string {
  const bounds = lifecycleBounds(asOf, windowMonths);
  const inWindow = windowCountSql(params.add(bounds.window, 'date'));
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
      return choiceSql(
        `${params.join('tp', () => `LEFT JOIN rm_tier_periods tp ON tp.customer_id = c.customer_id AND tp.valid_from <= ${on} AND tp.valid_to > ${on}`)}.tier`,
        c,
        params,
      );
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
      const bought = `${params.joinSet(
        `SELECT DISTINCT customer_id FROM rm_purchase_categories WHERE category = ${params.add(String(c.value), 'text')}
           AND occurred_on > ${params.add(addDays(asOf, -((c as { days?: number }).days ?? 0)), 'date')} AND occurred_on <= ${on}`,
      )}.customer_id IS NOT NULL`;
      return c.op === 'has' ? bought : `NOT ${bought}`;
    }
    case 'categorySpendShare': {
      const category = params.add((c as { category: string }).category, 'text');
      const op = c.op === '>=' ? '>=' : '<=';
      return `${params.joinSet(
        `SELECT customer_id FROM rm_purchase_categories WHERE occurred_on <= ${on} GROUP BY customer_id
           HAVING sum(scaled) > 0 AND coalesce(sum(scaled) FILTER (WHERE category = ${category}), 0) * 10000 ${op} ${params.add(c.value, 'numeric')} * sum(scaled)`,
      )}.customer_id IS NOT NULL`;
    }
    case 'birthdayWithinDays':
      return `c.birthday = ANY (${params.add(birthdaysWithin(asOf, c.value as number), 'text[]')})`;
    case 'openComplaint':
      return `(${params.joinSet(`SELECT DISTINCT customer_id FROM rm_complaints WHERE opened_on <= ${on} AND (resolved_at IS NULL OR resolved_at::date > ${on})`)}.customer_id IS NOT NULL) = ${params.add(c.value, 'boolean')}`;
    default:
      if (c.field.startsWith('consent.'))
        return `coalesce((c.consent ->> ${params.add(c.field.slice('consent.'.length), 'text')})::boolean, false) = ${params.add(c.value, 'boolean')}`;
      return 'false';
  }
}
