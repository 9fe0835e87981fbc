// A segment definition composed in a form: conditions of field, op and value,
// nested groups (at most 5 deep), all or any; the JSON it makes is what the
// API takes (docs/segments.md). The server checks it; the form only offers
// the fields and ops each field has.
import { useTranslation } from 'react-i18next';

import type { SegmentField } from '../generated/graphql';

/** The server's catalog of fields (GraphQL segmentFields): each field's kind and ops. */
export type Catalog = ReadonlyArray<Pick<SegmentField, 'field' | 'kind' | 'ops'>>;
export const CATALOG_QUERY = '{ segmentFields { field kind ops } }';

const kindOf = (catalog: Catalog, field: string) => catalog.find((f) => f.field === field)?.kind ?? 'choice';
const opsOf = (catalog: Catalog, field: string) => catalog.find((f) => f.field === field)?.ops ?? ['='];

export interface Condition {
  field: string;
  op: string;
  /** As typed: a list is comma separated, between is "low, high". */
  value: string;
  /** boughtCategory: in the last N days. */
  days?: string;
  /** categorySpendShare: of which category. */
  category?: string;
}

export interface Group {
  match: 'all' | 'any';
  conditions: Condition[];
  groups: Group[];
}

export interface SegmentDraft extends Group {
  id: string;
  name: string;
  windowMonths: string;
  asTag: boolean;
}

export const newCondition = (): Condition => ({ field: 'lifecycle', op: 'in', value: '' });
export const emptyDraft = (): SegmentDraft => ({ id: '', name: '', match: 'all', conditions: [newCondition()], groups: [], windowMonths: '3', asTag: false });

const list = (v: string) =>
  v
    .split(/[,，]/)
    .map((s) => s.trim())
    .filter(Boolean);
const numeric = (kind: string) => kind === 'score' || kind === 'count' || kind === 'birthday';

/** A typed value as the API takes it. */
function valueOf(catalog: Catalog, c: Condition): unknown {
  const kind = kindOf(catalog, c.field);
  const one = (s: string) => (numeric(kind) ? Number(s) : s);
  if (kind === 'flag') return c.value !== 'false';
  if (c.op === 'between') return list(c.value).map(one);
  if (c.op === 'in' || c.op === 'not_in') return list(c.value).map(one);
  return one(c.value.trim());
}

function groupBody(catalog: Catalog, g: Group): Record<string, unknown> {
  return {
    match: g.match,
    conditions: g.conditions.map((c) => ({
      field: c.field,
      op: c.op,
      value: valueOf(catalog, c),
      ...(c.field === 'boughtCategory' ? { days: Number(c.days || 365) } : {}),
      ...(c.field === 'categorySpendShare' ? { category: c.category ?? '' } : {}),
    })),
    ...(g.groups.length ? { groups: g.groups.map((child) => groupBody(catalog, child)) } : {}),
  };
}

/** The body POST /segments (and GraphQL publishSegment) takes. */
export function bodyOf(catalog: Catalog, d: SegmentDraft): Record<string, unknown> {
  return { ...(d.id ? { id: d.id } : {}), name: d.name, windowMonths: Number(d.windowMonths || 3), asTag: d.asTag, ...groupBody(catalog, d) };
}

/** A stored value back as typed (money from minor units, shares from basis points). */
function typed(field: string, value: unknown): string {
  const kind = field === 'netSpend' ? 'money' : field === 'categorySpendShare' ? 'share' : 'other';
  const one = (v: unknown) => (kind === 'money' ? (Number(v) / 100).toFixed(2) : kind === 'share' ? String(Number(v) / 10_000) : String(v));
  return Array.isArray(value) ? value.map(one).join(', ') : one(value);
}

interface Stored {
  match?: 'all' | 'any';
  conditions?: Array<{ field: string; op: string; value: unknown; days?: number; category?: string }>;
  groups?: Stored[];
}

function groupFrom(s: Stored): Group {
  return {
    match: s.match ?? 'all',
    conditions: (s.conditions ?? []).map((c) => ({
      field: c.field,
      op: c.op,
      value: typed(c.field, c.value),
      ...(c.days !== undefined ? { days: String(c.days) } : {}),
      ...(c.category !== undefined ? { category: c.category } : {}),
    })),
    groups: (s.groups ?? []).map(groupFrom),
  };
}

/** A published definition as a draft of its next version. */
export function draftFrom(segmentId: string, definition: Stored & { name: string; windowMonths?: number }, asTag: boolean): SegmentDraft {
  return { id: segmentId, name: definition.name, windowMonths: String(definition.windowMonths ?? 3), asTag, ...groupFrom(definition) };
}

function ConditionRow({ catalog, c, path, onChange, onRemove }: { catalog: Catalog; c: Condition; path: string; onChange: (c: Condition) => void; onRemove: () => void }) {
  const { t } = useTranslation();
  const kind = kindOf(catalog, c.field);
  return (
    <div className="condition" role="group" aria-label={t('segments.condition', { path })}>
      <select
        aria-label={t('segments.field')}
        value={c.field}
        onChange={(e) => onChange({ ...newCondition(), field: e.target.value, op: opsOf(catalog, e.target.value)[0], value: '' })}
      >
        {catalog.map(({ field }) => (
          <option key={field} value={field}>
            {t(`segments.fields.${field.replace('.', '_')}`, { defaultValue: field })}
          </option>
        ))}
      </select>
      <select aria-label={t('segments.op')} value={c.op} onChange={(e) => onChange({ ...c, op: e.target.value })}>
        {opsOf(catalog, c.field).map((op) => (
          <option key={op} value={op}>
            {t(`segments.ops.${op}`)}
          </option>
        ))}
      </select>
      {kind === 'flag' ? (
        <select aria-label={t('segments.value')} value={c.value || 'true'} onChange={(e) => onChange({ ...c, value: e.target.value })}>
          <option value="true">{t('segments.yes')}</option>
          <option value="false">{t('segments.no')}</option>
        </select>
      ) : (
        <input
          aria-label={t('segments.value')}
          value={c.value}
          placeholder={t(`segments.hint.${c.op === 'between' ? 'between' : c.op === 'in' || c.op === 'not_in' ? 'list' : kind}`)}
          onChange={(e) => onChange({ ...c, value: e.target.value })}
        />
      )}
      {c.field === 'boughtCategory' && (
        <label>
          {t('segments.days')} <input type="number" min={1} value={c.days ?? '365'} onChange={(e) => onChange({ ...c, days: e.target.value })} />
        </label>
      )}
      {c.field === 'categorySpendShare' && (
        <label>
          {t('segments.category')} <input value={c.category ?? ''} onChange={(e) => onChange({ ...c, category: e.target.value })} />
        </label>
      )}
      <button type="button" onClick={onRemove} aria-label={t('segments.removeCondition', { path })}>
        ×
      </button>
    </div>
  );
}

/** A group's match, conditions and nested groups; depth counts from 1. */
export function GroupEditor({ catalog, group, depth, path, onChange }: { catalog: Catalog; group: Group; depth: number; path: string; onChange: (g: Group) => void }) {
  const { t } = useTranslation();
  const set = (patch: Partial<Group>) => onChange({ ...group, ...patch });
  return (
    <fieldset className="segment-group">
      <legend>
        <select aria-label={t('segments.match', { path })} value={group.match} onChange={(e) => set({ match: e.target.value as Group['match'] })}>
          <option value="all">{t('segments.all')}</option>
          <option value="any">{t('segments.any')}</option>
        </select>
      </legend>
      {group.conditions.map((c, i) => (
        <ConditionRow
          key={i}
          catalog={catalog}
          c={c}
          path={`${path}${i + 1}`}
          onChange={(next) => set({ conditions: group.conditions.map((x, j) => (j === i ? next : x)) })}
          onRemove={() => set({ conditions: group.conditions.filter((_, j) => j !== i) })}
        />
      ))}
      {group.groups.map((g, i) => (
        <GroupEditor
          key={i}
          catalog={catalog}
          group={g}
          depth={depth + 1}
          path={`${path}${i + 1}.`}
          onChange={(next) => set({ groups: group.groups.map((x, j) => (j === i ? next : x)) })}
        />
      ))}
      <div className="actions">
        <button type="button" onClick={() => set({ conditions: [...group.conditions, newCondition()] })}>
          {t('segments.addCondition')}
        </button>
        {depth < 5 && (
          <button type="button" onClick={() => set({ groups: [...group.groups, { match: 'any', conditions: [newCondition()], groups: [] }] })}>
            {t('segments.addGroup')}
          </button>
        )}
      </div>
    </fieldset>
  );
}
