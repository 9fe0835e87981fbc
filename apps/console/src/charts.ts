// Chart settings shared by the pages (the configuration only; Chart.tsx draws).
import type { ChartConfiguration } from 'chart.js';

/** Bars; a chart of counts has whole-number ticks only (no 0.5 complaints). */
export function bars(labels: string[], series: Array<{ label: string; data: number[]; color: string }>, counts = true): ChartConfiguration {
  return {
    type: 'bar',
    data: { labels, datasets: series.map((s) => ({ label: s.label, data: s.data, backgroundColor: s.color })) },
    options: counts ? { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } } : undefined,
  };
}

/** A tier change as the chart needs it. */
interface Step {
  date: string;
  from?: string | null;
  to: string;
  direction: string;
}

/** The ladder as the history shows it: an up move puts `to` above `from`, a down move below. */
function ladder(changes: readonly Step[]): string[] {
  const codes = ['none'];
  for (const c of changes) {
    if (codes.includes(c.to)) continue;
    const at = codes.indexOf(c.from ?? 'none');
    codes.splice(c.direction === 'down' ? Math.max(at, 0) : at + 1, 0, c.to);
  }
  return codes;
}

const DAY = 86_400_000;
const dayOf = (date: string) => Date.parse(date) / DAY;

/**
 * The tier over time as steps, from the first change to the as-of date (the
 * axis stops there), with whole days as ticks so that no date shows twice.
 */
export function tierChartConfig(changes: readonly Step[], asOf: string, label = 'tier', none = 'none'): ChartConfiguration {
  const codes = ladder(changes);
  const points = changes.map((c) => ({ x: dayOf(c.date), y: codes.indexOf(c.to) }));
  if (points.length) points.push({ x: dayOf(asOf), y: points[points.length - 1].y });
  return {
    type: 'line',
    data: { datasets: [{ label, data: points, stepped: 'before', borderColor: '#1d4ed8', backgroundColor: '#1d4ed8', pointRadius: 4 }] },
    options: {
      plugins: { legend: { display: false } },
      scales: {
        x: {
          type: 'linear',
          min: points[0]?.x,
          max: dayOf(asOf),
          ticks: { precision: 0, maxTicksLimit: 6, callback: (v) => new Date(Number(v) * DAY).toISOString().slice(0, 10) },
        },
        y: { type: 'linear', min: 0, max: codes.length - 1, ticks: { stepSize: 1, callback: (v) => (Number(v) === 0 ? none : (codes[Number(v)] ?? '')) } },
      },
    },
  };
}
