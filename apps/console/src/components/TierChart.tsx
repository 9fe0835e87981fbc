// The tier over time as a step chart, and each step with what caused it.
import { useMemo } from 'react';
import { ChartView } from './Chart';
import { tierChartConfig } from '../charts';

import type { TierChange } from '../generated/graphql';

export type { TierChange };

export function TierChart({ changes, asOf }: { changes: TierChange[]; asOf: string }) {
  const config = useMemo(() => tierChartConfig(changes, asOf), [changes, asOf]);
  if (changes.length === 0) return <p>No tier yet: a prospect.</p>;
  return (
    <>
      <ChartView config={config} label={`Tier over time: ${changes.map((c) => `${c.date} ${c.to}`).join(', ')}`} />
      <ol className="steps">
        {changes.map((c, i) => (
          <li key={i}>
            <strong>{c.date}</strong> {c.from ?? 'none'} → {c.to} ({c.direction}) · basis {c.basis} · <Cause change={c} />
            <div className="muted">{c.reason}</div>
          </li>
        ))}
      </ol>
    </>
  );
}

function Cause({ change }: { change: TierChange }) {
  const c = change.cause;
  if (c.kind === 'event' && c.position !== null)
    return (
      <a href={`#entry-${c.position}`} onClick={(e) => jump(e, c.position ?? 0)}>
        caused by {c.type} (position {c.position})
      </a>
    );
  if (c.kind === 'ruleSetActivated') return <span>caused by activating rule set {c.ruleSetId}</span>;
  return <span>caused by the passage of time: {c.reason}</span>;
}

/** Hash links are the router's: scroll to the timeline entry instead. */
function jump(e: React.MouseEvent, position: number) {
  e.preventDefault();
  const target = document.getElementById(`entry-${position}`);
  target?.scrollIntoView({ block: 'center' });
  target?.focus();
}
