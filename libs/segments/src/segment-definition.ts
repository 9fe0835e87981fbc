// A segment's definition: conditions over a customer's standing on a date,
// combined with all / any and nested groups. Parsed from untrusted JSON in
// one place: a bad part is refused (400) with its path, nothing else reads it.
import { CONSENT_CHANNELS } from '@crm/customers';
import { LIFECYCLE_STATUSES } from '@crm/lifecycle';
import { invalid, isKey, minorDigits, PROTOTYPE_KEYS, textProblem } from '@crm/shared';

export const RFM_SEGMENT_NAMES = ['CHAMPIONS', 'AT_RISK_VALUABLE', 'LOYAL', 'NEW_OR_PROMISING', 'LOST_LOW_VALUE', 'SLIPPING', 'NEEDS_ATTENTION'] as const;

export const MAX_DEPTH = 5;
export const MAX_CONDITIONS = 50;

/** How a field is compared, and so which ops and values it takes. */
type Kind = 'choice' | 'score' | 'tag' | 'flag' | 'money' | 'count' | 'category' | 'share' | 'birthday';

const FIELDS = {
  tier: 'choice',
  lifecycle: 'choice',
  rfmSegment: 'choice',
  'rfm.r': 'score',
  'rfm.f': 'score',
  'rfm.m': 'score',
  tag: 'tag',
  'region.province': 'choice',
  'region.city': 'choice',
  channel: 'choice',
  ...Object.fromEntries(CONSENT_CHANNELS.map((c) => [`consent.${c}`, 'flag'])),
  netSpend: 'money',
  purchaseCount: 'count',
  daysSinceLastPurchase: 'count',
  boughtCategory: 'category',
  categorySpendShare: 'share',
  birthdayWithinDays: 'birthday',
  openComplaint: 'flag',
} as const satisfies Record<string, Kind>;

export type SegmentField = keyof typeof FIELDS | `consent.${(typeof CONSENT_CHANNELS)[number]}`;
export const SEGMENT_FIELDS = Object.keys(FIELDS) as SegmentField[];
export const SEGMENT_OPS = ['in', 'not_in', '=', '>=', '<=', 'between', 'has', 'not'] as const;
export type SegmentOp = (typeof SEGMENT_OPS)[number];

const OPS_OF: Record<Kind, readonly SegmentOp[]> = {
  choice: ['in', 'not_in', '='],
  score: ['in', 'not_in', '=', '>=', '<=', 'between'],
  tag: ['has', 'not', 'in', 'not_in'],
  flag: ['='],
  money: ['=', '>=', '<=', 'between'],
  count: ['=', '>=', '<=', 'between'],
  category: ['has', 'not'],
  share: ['>=', '<='],
  birthday: ['<='],
};

/** Every field with its kind and ops: what a form offers (GraphQL segmentFields), from the table the parser checks with. */
export const SEGMENT_FIELD_CATALOG: ReadonlyArray<{ field: string; kind: Kind; ops: readonly SegmentOp[] }> = Object.entries(FIELDS).map(([field, kind]) => ({
  field,
  kind,
  ops: OPS_OF[kind],
}));

/** A condition as stored: numbers of money in minor units, shares in basis points. */
export type Condition =
  | { field: SegmentField; op: 'in' | 'not_in'; value: Array<string | number> }
  | { field: SegmentField; op: '=' | 'has' | 'not'; value: string | number | boolean; days?: number }
  | { field: SegmentField; op: '>=' | '<='; value: number; category?: string }
  | { field: SegmentField; op: 'between'; value: [number, number] };

export interface SegmentGroup {
  match: 'all' | 'any';
  conditions: Condition[];
  groups: SegmentGroup[];
  name?: string;
}

export interface SegmentDefinition extends SegmentGroup {
  name: string;
  /** Months of the lifecycle window its lifecycle conditions are judged in (default 3). */
  windowMonths: number;
}

export const kindOf = (field: SegmentField): Kind => FIELDS[field as keyof typeof FIELDS];

const bad = (path: string, message: string) => invalid('InvalidSegmentDefinition', `${path}: ${message}`, { path });

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function keysOnly(value: Record<string, unknown>, allowed: readonly string[], path: string): void {
  for (const key of Object.keys(value)) {
    if (PROTOTYPE_KEYS.has(key) || !allowed.includes(key)) throw bad(path === '' ? key : `${path}.${key}`, `unknown property (allowed: ${allowed.join(', ')})`);
  }
}

/** The money a definition names, "1000.00" in the shop currency, as minor units. */
function money(value: unknown, path: string, currency: string): number {
  const digits = minorDigits(currency);
  const pattern = digits === 0 ? /^\d{1,13}$/ : new RegExp(`^\\d{1,13}(\\.\\d{1,${digits}})?$`);
  if (typeof value !== 'string' || !pattern.test(value)) throw bad(path, `must be a decimal string in ${currency} such as "1000.00"`);
  const [whole, fraction = ''] = value.split('.');
  return Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
}

function integer(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw bad(path, `must be a whole number from ${min} to ${max}`);
  return value;
}

function text(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) throw bad(path, 'must be a string of 1-200 characters');
  const problem = textProblem(value);
  if (problem) throw bad(path, problem);
  return value;
}

/** A share "0.3" (0-1, at most 4 decimals) as basis points. */
function share(value: unknown, path: string): number {
  const s = typeof value === 'number' ? String(value) : value;
  if (typeof s !== 'string' || !/^(0(\.\d{1,4})?|1(\.0{1,4})?)$/.test(s)) throw bad(path, 'must be a share from 0 to 1 with at most 4 decimals (e.g. "0.3")');
  const [whole, fraction = ''] = s.split('.');
  return Number(whole) * 10_000 + Number(fraction.padEnd(4, '0'));
}

function choiceValue(field: SegmentField, value: unknown, path: string): string {
  const v = text(value, path);
  if (field === 'lifecycle' && !(LIFECYCLE_STATUSES as readonly string[]).includes(v)) throw bad(path, `must be one of ${LIFECYCLE_STATUSES.join(', ')}`);
  if (field === 'rfmSegment' && !(RFM_SEGMENT_NAMES as readonly string[]).includes(v)) throw bad(path, `must be one of ${RFM_SEGMENT_NAMES.join(', ')}`);
  if (field === 'tag' && !isKey(v)) throw bad(path, 'must be a tag (letters, digits and - _ . : / # @)');
  return v;
}

/** One value of a field, as stored. */
function scalar(field: SegmentField, value: unknown, path: string, currency: string): string | number | boolean {
  switch (kindOf(field)) {
    case 'choice':
    case 'tag':
    case 'category':
      return choiceValue(field, value, path);
    case 'score':
      return integer(value, path, 1, 5);
    case 'flag':
      if (typeof value !== 'boolean') throw bad(path, 'must be true or false');
      return value;
    case 'money':
      return money(value, path, currency);
    case 'count':
      return integer(value, path, 0, 1_000_000);
    case 'share':
      return share(value, path);
    case 'birthday':
      return integer(value, path, 0, 366);
  }
}

function condition(raw: unknown, path: string, currency: string): Condition {
  if (!isRecord(raw)) throw bad(path, 'must be an object { field, op, value }');
  keysOnly(raw, ['field', 'op', 'value', 'days', 'category'], path);
  const field = raw.field;
  if (typeof field !== 'string' || !Object.hasOwn(FIELDS, field)) throw bad(`${path}.field`, `unknown field (known: ${SEGMENT_FIELDS.join(', ')})`);
  const f = field as SegmentField;
  const op = raw.op;
  if (typeof op !== 'string' || !(OPS_OF[kindOf(f)] as readonly string[]).includes(op)) throw bad(`${path}.op`, `${field} takes ${OPS_OF[kindOf(f)].join(', ')}`);
  const valuePath = `${path}.value`;
  const kind = kindOf(f);
  if (raw.days !== undefined && kind !== 'category') throw bad(`${path}.days`, 'only boughtCategory takes days');
  if (raw.category !== undefined && kind !== 'share') throw bad(`${path}.category`, 'only categorySpendShare takes a category');
  switch (op) {
    case 'in':
    case 'not_in': {
      if (!Array.isArray(raw.value) || raw.value.length === 0 || raw.value.length > 100) throw bad(valuePath, 'must be a list of 1-100 values');
      return { field: f, op, value: raw.value.map((v, i) => scalar(f, v, `${valuePath}[${i}]`, currency) as string | number) };
    }
    case 'between': {
      if (!Array.isArray(raw.value) || raw.value.length !== 2) throw bad(valuePath, 'must be [low, high]');
      const low = scalar(f, raw.value[0], `${valuePath}[0]`, currency) as number;
      const high = scalar(f, raw.value[1], `${valuePath}[1]`, currency) as number;
      if (low > high) throw bad(valuePath, 'low must not be above high');
      return { field: f, op, value: [low, high] };
    }
    case '>=':
    case '<=': {
      const value = scalar(f, raw.value, valuePath, currency) as number;
      if (kind !== 'share') return { field: f, op, value };
      return { field: f, op, value, category: choiceValue(f, raw.category, `${path}.category`) };
    }
    default: {
      const value = scalar(f, raw.value, valuePath, currency);
      if (kind !== 'category') return { field: f, op: op as '=' | 'has' | 'not', value };
      return { field: f, op: op as 'has' | 'not', value, days: integer(raw.days, `${path}.days`, 1, 3660) };
    }
  }
}

/**
 * The definition a body describes, or a 400 naming the bad part's path
 * (`conditions[2].value`, `groups[0].groups[1].match`). Depth and size are
 * checked as it walks, so a hostile body costs no more than a legal one.
 */
export function parseDefinition(raw: unknown, currency: string): SegmentDefinition {
  let conditions = 0;
  const walk = (node: unknown, path: string, depth: number): SegmentGroup => {
    const at = (key: string) => (path === '' ? key : `${path}.${key}`);
    if (depth > MAX_DEPTH) throw bad(path, `groups nest at most ${MAX_DEPTH} deep`);
    if (!isRecord(node)) throw bad(path === '' ? 'definition' : path, 'must be an object { name, match, conditions, groups }');
    keysOnly(node, depth === 1 ? ['name', 'match', 'conditions', 'groups', 'windowMonths'] : ['name', 'match', 'conditions', 'groups'], path);
    const match = node.match ?? 'all';
    if (match !== 'all' && match !== 'any') throw bad(at('match'), 'must be "all" or "any"');
    const list = (key: 'conditions' | 'groups'): unknown[] => {
      const value = node[key] ?? [];
      if (!Array.isArray(value)) throw bad(at(key), 'must be a list');
      return value;
    };
    const rawConditions = list('conditions');
    conditions += rawConditions.length;
    if (conditions > MAX_CONDITIONS) throw bad(at('conditions'), `a definition holds at most ${MAX_CONDITIONS} conditions`);
    const rawGroups = list('groups');
    if (rawGroups.length > MAX_CONDITIONS) throw bad(at('groups'), `a definition holds at most ${MAX_CONDITIONS} groups`);
    return {
      ...(node.name !== undefined ? { name: text(node.name, at('name')) } : {}),
      match,
      conditions: rawConditions.map((c, i) => condition(c, `${at('conditions')}[${i}]`, currency)),
      groups: rawGroups.map((g, i) => walk(g, `${at('groups')}[${i}]`, depth + 1)),
    };
  };
  const top = walk(raw, '', 1);
  const node = raw as Record<string, unknown>;
  if (top.name === undefined) throw bad('name', 'must be a string of 1-200 characters');
  const windowMonths = node.windowMonths === undefined ? 3 : integer(node.windowMonths, 'windowMonths', 1, 24);
  return { ...top, name: top.name, windowMonths };
}

const RANKED: ReadonlySet<string> = new Set(['rfmSegment', 'rfm.r', 'rfm.f', 'rfm.m']);

/** Whether a definition asks for RFM scores: they rank the whole base on each date, so no customer's history alone decides them. */
export const ranksTheBase = (group: SegmentGroup): boolean => group.conditions.some((c) => RANKED.has(c.field)) || group.groups.some(ranksTheBase);

/** The fields a definition reads, in all its groups: what a standing must hold to judge it. */
export function fieldsOf(group: SegmentGroup, into = new Set<SegmentField>()): Set<SegmentField> {
  for (const c of group.conditions) into.add(c.field);
  for (const g of group.groups) fieldsOf(g, into);
  return into;
}
