// The tier over time as a step chart, and each step with what caused it.
import { useMemo } from 'react';
import type { ChartConfiguration } from 'chart.js';
import { ChartView } from './Chart';

import type { TierChange } from '../generated/graphql';

export type { TierChange };

/** The ladder as the history shows it: an up move puts `to` above `from`, a down move below. */
function ladder(changes: TierChange[]): string[] {
  const codes = ['none'];
  for (const c of changes) {
    if (codes.includes(c.to)) continue;
    const at = codes.indexOf(c.from ?? 'none');
    codes.splice(c.direction === 'down' ? Math.max(at, 0) : at + 1, 0, c.to);
  }
  return codes;
}

const DAY = 86_400_000;

export function TierChart({ changes, asOf }: { changes: TierChange[]; asOf: string }) {
  const config = useMemo<ChartConfiguration>(() => {
    const codes = ladder(changes);
    const points = changes.map((c) => ({ x: Date.parse(c.date) / DAY, y: codes.indexOf(c.to) }));
    if (points.length) points.push({ x: Date.parse(asOf) / DAY, y: points[points.length - 1].y });
    return {
      type: 'line',
      data: { datasets: [{ label: 'tier', data: points, stepped: 'before', borderColor: '#1d4ed8', backgroundColor: '#1d4ed8', pointRadius: 4 }] },
      options: {
        plugins: { legend: { display: false } },
        scales: {
          x: { type: 'linear', ticks: { callback: (v) => new Date(Number(v) * DAY).toISOString().slice(0, 10), maxTicksLimit: 6 } },
          y: { type: 'linear', min: 0, max: codes.length - 1, ticks: { stepSize: 1, callback: (v) => codes[Number(v)] ?? '' } },
        },
      },
    };
  }, [changes, asOf]);
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
