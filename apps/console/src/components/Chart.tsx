// A thin React wrapper over Chart.js (only the parts the console uses are
// registered), loaded the first time a chart is drawn: the first page a
// user opens does not wait for it.
import { useEffect, useRef } from 'react';
import type { Chart, ChartConfiguration } from 'chart.js';

let chartJs: Promise<typeof Chart> | undefined;
const loadChart = () =>
  (chartJs ??= import('chart.js').then((m) => {
    m.Chart.register(m.BarController, m.BarElement, m.CategoryScale, m.LinearScale, m.LineController, m.LineElement, m.PointElement, m.Tooltip, m.Legend);
    return m.Chart;
  }));

/** The chart is drawn on a canvas; `label` and the table beside every chart serve screen readers. */
export function ChartView({ config, label }: { config: ChartConfiguration; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    let chart: Chart | undefined;
    let gone = false;
    void loadChart().then((ChartJs) => {
      if (gone || !canvas.current) return;
      chart = new ChartJs(canvas.current, { ...config, options: { responsive: true, maintainAspectRatio: false, animation: false, ...config.options } });
    });
    return () => {
      gone = true;
      chart?.destroy();
    };
  }, [config]);
  return (
    <div className="chart">
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
}
