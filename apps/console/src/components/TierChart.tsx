// The tier over time as a step chart, and each step with what caused it.
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { ChartView } from './Chart';
import { language, word } from '../i18n';
import { money } from '../entry-text';
import { tierChartConfig } from '../charts';
import { shopDay } from '../format';

import type { TierChange } from '../generated/graphql';

export type { TierChange };

export function TierChart({ changes, asOf, currency }: { changes: TierChange[]; asOf: string; currency: string }) {
  const { t, i18n } = useTranslation();
  const config = useMemo(() => tierChartConfig(changes, asOf, t('tierChart.tier'), t('tierChart.none')), [changes, asOf, i18n.language]);
  if (changes.length === 0) return <p>{t('tierChart.empty')}</p>;
  return (
    <>
      <ChartView config={config} label={t('tierChart.label', { steps: changes.map((c) => `${c.date} ${c.to}`).join(', ') })} />
      <ol className="steps">
        {changes.map((c, i) => (
          <li key={i}>
            <strong>{c.date}</strong> {c.from ?? t('tierChart.none')} → {c.to} ({word('direction', c.direction)}) ·{' '}
            {t('tierChart.basis', { basis: money(c.basis, currency, language()) })} · <Cause change={c} />
            <div className="muted">{c.reason}</div>
          </li>
        ))}
      </ol>
    </>
  );
}

function Cause({ change }: { change: TierChange }) {
  const { t } = useTranslation();
  const c = change.cause;
  if (c.kind === 'event' && c.position !== null)
    return (
      <a href={`#entry-${c.position}`} onClick={(e) => jump(e, c.position ?? 0)}>
        {t('tierChart.causedByEvent', { type: word('entryType', c.type), date: c.occurredAt ? shopDay(c.occurredAt) : change.date })}
      </a>
    );
  if (c.kind === 'ruleSetActivated') return <span>{t('tierChart.causedByRuleSet', { ruleSet: c.ruleSetId })}</span>;
  return <span>{t('tierChart.causedByTime', { reason: c.reason })}</span>;
}

/** Hash links are the router's: scroll to the timeline entry instead. */
function jump(e: React.MouseEvent, position: number) {
  e.preventDefault();
  const target = document.getElementById(`entry-${position}`);
  target?.scrollIntoView({ block: 'center' });
  target?.focus();
}
