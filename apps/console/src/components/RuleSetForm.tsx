// A tier rule set composed in a form: tiers (code, threshold, purchases
// needed), the basis, refunds, downgrade. The body it makes is the one
// POST /tier-rule-sets takes; the server checks it (its errors name the field).
import { useTranslation } from 'react-i18next';
import type { TierRuleSet } from '../generated/graphql';

export interface DraftTier {
  code: string;
  threshold: string;
  minPurchases: string;
}

export interface Draft {
  id: string;
  name: string;
  tiers: DraftTier[];
  basis: 'lifetime' | 'rollingMonths';
  months: string;
  refundsCount: boolean;
  retentionMonths: string;
  atAnniversary: boolean;
  stepwise: boolean;
}

type Source = Pick<TierRuleSet, 'tiers' | 'basis' | 'refundsCount' | 'downgrade'>;

/** A draft starting from a published rule set (its tiers lowest first). */
export function draftFrom(source: Source | undefined, id: string, name: string): Draft {
  const tiers = [...(source?.tiers ?? [{ code: 'NORMAL', threshold: '0', minPurchases: null }])].sort((a, b) => Number(a.threshold) - Number(b.threshold));
  return {
    id,
    name,
    tiers: tiers.map((t) => ({ code: t.code, threshold: t.threshold, minPurchases: t.minPurchases == null ? '' : String(t.minPurchases) })),
    basis: source?.basis.kind === 'rollingMonths' ? 'rollingMonths' : 'lifetime',
    months: source?.basis.months == null ? '12' : String(source.basis.months),
    refundsCount: source?.refundsCount ?? true,
    retentionMonths: source?.downgrade?.retentionMonths == null ? '' : String(source.downgrade.retentionMonths),
    atAnniversary: source?.downgrade?.atAnniversary ?? false,
    stepwise: source?.downgrade?.stepwise ?? false,
  };
}

/** The publish body of a draft: numbers as numbers, what is left empty left out. */
export function bodyOf(d: Draft): Record<string, unknown> {
  const int = (text: string) => (text.trim() === '' ? undefined : Number(text));
  const downgrade = { retentionMonths: int(d.retentionMonths), atAnniversary: d.atAnniversary || undefined, stepwise: d.stepwise || undefined };
  return {
    id: d.id.trim(),
    name: d.name.trim(),
    tiers: d.tiers.map((t) => ({ code: t.code.trim(), threshold: t.threshold.trim(), minPurchases: int(t.minPurchases) })),
    basis: d.basis === 'lifetime' ? { kind: 'lifetime' } : { kind: 'rollingMonths', months: int(d.months) },
    refundsCount: d.refundsCount,
    downgrade: Object.values(downgrade).some((v) => v !== undefined) ? downgrade : undefined,
  };
}

export function RuleSetForm({ draft, onChange }: { draft: Draft; onChange: (d: Draft) => void }) {
  const { t } = useTranslation();
  const set = (patch: Partial<Draft>) => onChange({ ...draft, ...patch });
  const setTier = (i: number, patch: Partial<DraftTier>) => set({ tiers: draft.tiers.map((tier, j) => (j === i ? { ...tier, ...patch } : tier)) });
  return (
    <fieldset className="rule-set">
      <legend>{t('ruleSetForm.legend')}</legend>
      <div className="filters">
        <label>
          {t('ruleSetForm.id')}
          <input value={draft.id} onChange={(e) => set({ id: e.target.value })} pattern="[a-z0-9][a-z0-9._\-]{0,63}" required />
        </label>
        <label>
          {t('ruleSetForm.name')}
          <input value={draft.name} onChange={(e) => set({ name: e.target.value })} maxLength={200} required />
        </label>
      </div>
      <table>
        <caption>{t('ruleSetForm.tiers')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('ruleSetForm.code')}</th>
            <th scope="col">{t('ruleSetForm.threshold')}</th>
            <th scope="col">{t('ruleSetForm.minPurchases')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('ruleSetForm.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {draft.tiers.map((tier, i) => (
            <tr key={i}>
              <td>
                <input
                  aria-label={t('ruleSetForm.codeOf', { n: i + 1 })}
                  value={tier.code}
                  onChange={(e) => setTier(i, { code: e.target.value.toUpperCase() })}
                  pattern="[A-Z][A-Z0-9_]{0,31}"
                  required
                />
              </td>
              <td>
                <input
                  aria-label={t('ruleSetForm.thresholdOf', { n: i + 1 })}
                  value={tier.threshold}
                  onChange={(e) => setTier(i, { threshold: e.target.value })}
                  inputMode="decimal"
                  required
                />
              </td>
              <td>
                <input
                  aria-label={t('ruleSetForm.minPurchasesOf', { n: i + 1 })}
                  value={tier.minPurchases}
                  onChange={(e) => setTier(i, { minPurchases: e.target.value })}
                  inputMode="numeric"
                  pattern="\d*"
                />
              </td>
              <td>
                <button type="button" disabled={draft.tiers.length === 1} onClick={() => set({ tiers: draft.tiers.filter((_, j) => j !== i) })}>
                  {t('ruleSetForm.remove', { n: i + 1 })}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" disabled={draft.tiers.length >= 20} onClick={() => set({ tiers: [...draft.tiers, { code: '', threshold: '', minPurchases: '' }] })}>
        {t('ruleSetForm.add')}
      </button>
      <div className="filters">
        <label>
          {t('ruleSetForm.basis')}
          <select value={draft.basis} onChange={(e) => set({ basis: e.target.value as Draft['basis'] })}>
            <option value="lifetime">{t('ruleSetForm.lifetime')}</option>
            <option value="rollingMonths">{t('ruleSetForm.rolling')}</option>
          </select>
        </label>
        {draft.basis === 'rollingMonths' && (
          <label>
            {t('ruleSetForm.months')}
            <input type="number" min={1} max={120} value={draft.months} onChange={(e) => set({ months: e.target.value })} required />
          </label>
        )}
        <label className="check">
          <input type="checkbox" checked={draft.refundsCount} onChange={(e) => set({ refundsCount: e.target.checked })} />
          {t('ruleSetForm.refundsCount')}
        </label>
      </div>
      <div className="filters">
        <label>
          {t('ruleSetForm.retention')}
          <input type="number" min={0} max={60} value={draft.retentionMonths} onChange={(e) => set({ retentionMonths: e.target.value })} />
        </label>
        <label className="check">
          <input type="checkbox" checked={draft.atAnniversary} onChange={(e) => set({ atAnniversary: e.target.checked })} />
          {t('ruleSetForm.atAnniversary')}
        </label>
        <label className="check">
          <input type="checkbox" checked={draft.stepwise} onChange={(e) => set({ stepwise: e.target.checked })} />
          {t('ruleSetForm.stepwise')}
        </label>
      </div>
    </fieldset>
  );
}
