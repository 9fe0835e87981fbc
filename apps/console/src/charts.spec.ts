import { bars, tierChartConfig } from './charts';
import { inTierOrder } from './tier-order';

describe('console charts and orders', () => {
  it('Given counts, When charted, Then the ticks are whole numbers from zero; money keeps its own ticks', () => {
    const counts = bars(['URGENT', 'NORMAL'], [{ label: 'complaints', data: [1, 2], color: '#000' }]);
    expect(counts.options?.scales?.y).toMatchObject({ beginAtZero: true, ticks: { precision: 0 } });
    expect(bars(['VIP'], [{ label: 'sales', data: [12.5], color: '#000' }], false).options).toBeUndefined();
  });

  it('Given tiers in any order, When ordered, Then they follow the rule sets, the unknown last', () => {
    expect(inTierOrder(['SENIOR', 'NORMAL', 'VIP', 'SUPREME', '(none)'], ['NORMAL', 'SENIOR', 'VIP', 'SUPREME'])).toEqual(['NORMAL', 'SENIOR', 'VIP', 'SUPREME', '(none)']);
  });

  it('Given a tier history, When charted as of a date, Then the axis runs from the first change to that date in whole days', () => {
    const config = tierChartConfig(
      [
        { date: '2024-03-01', from: null, to: 'NORMAL', direction: 'up' },
        { date: '2024-03-03', from: 'NORMAL', to: 'SENIOR', direction: 'up' },
      ],
      '2024-03-04',
    );
    const x = config.options?.scales?.x as { min: number; max: number; ticks: { precision: number; callback: (v: number) => string } };
    expect([x.min, x.max].map((v) => x.ticks.callback(v))).toEqual(['2024-03-01', '2024-03-04']);
    expect(x.ticks.precision).toBe(0);
  });
});
