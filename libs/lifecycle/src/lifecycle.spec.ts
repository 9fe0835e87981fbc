import { addDays } from '@crm/shared';
import { lifecycleAsOf, lifecycleMoves, migrationDirection } from './lifecycle';

// D = 2024-05-31, W = 3: window (2024-02-29, 2024-05-31]; SILENT (2023-11-30, 2024-02-29];
// SLEEPING (2023-05-31, 2023-11-30]; LOST on or before 2023-05-31.
const D = '2024-05-31';

describe('lifecycle as of a date', () => {
  it('a customer who never bought is a PROSPECT, also when the only purchase is after D', () => {
    expect(lifecycleAsOf([], D)).toBe('PROSPECT');
    expect(lifecycleAsOf(['2024-06-01'], D)).toBe('PROSPECT');
  });

  it.each([
    [['2024-05-31'], 'NEW_ONCE'],
    [['2024-03-01'], 'NEW_ONCE'],
    [['2024-03-01', '2024-05-31'], 'NEW_REPEAT'],
    [['2024-02-29', '2024-05-01'], 'OLD_ONCE'],
    [['2023-01-01', '2024-04-01', '2024-05-01'], 'OLD_REPEAT'],
  ])('active: purchases %j are %s', (dates, status) => expect(lifecycleAsOf(dates, D)).toBe(status));

  it.each([
    ['2024-02-29', 'SILENT'],
    ['2023-12-01', 'SILENT'],
    ['2023-11-30', 'SLEEPING'],
    ['2023-06-01', 'SLEEPING'],
    ['2023-05-31', 'LOST'],
    ['2020-01-01', 'LOST'],
  ])('inactive: last purchase on %s is %s (window edges are (D-W, D])', (last, status) => expect(lifecycleAsOf(['2019-01-01', last], D)).toBe(status));

  it('changes with the passage of time alone', () => {
    const dates = ['2024-01-10'];
    expect(lifecycleAsOf(dates, '2024-01-10')).toBe('NEW_ONCE');
    expect(lifecycleAsOf(dates, '2024-04-10')).toBe('SILENT');
    expect(lifecycleAsOf(dates, '2024-07-10')).toBe('SLEEPING');
    expect(lifecycleAsOf(dates, '2025-01-10')).toBe('LOST');
  });

  it('works with a 6-month window the same way', () => {
    expect(lifecycleAsOf(['2023-12-01'], D, 6)).toBe('NEW_ONCE');
    expect(lifecycleAsOf(['2023-11-30'], D, 6)).toBe('SILENT');
    expect(lifecycleAsOf(['2022-05-31'], D, 6)).toBe('LOST');
  });

  it('moves towards active are forward, towards lost reverse', () => {
    expect(migrationDirection('SLEEPING', 'OLD_ONCE')).toBe('forward');
    expect(migrationDirection('SILENT', 'SLEEPING')).toBe('reverse');
    expect(migrationDirection('NEW_ONCE', 'NEW_REPEAT')).toBe('none');
  });
});

describe('lifecycle moves over time', () => {
  it('a single purchase ages through every status on the exact days (W = 3)', () => {
    expect(lifecycleMoves(['2024-01-31'], '2025-06-01')).toEqual([
      { date: '2024-01-31', from: 'PROSPECT', to: 'NEW_ONCE', direction: 'forward', cause: 'purchase' },
      // 2024-05-01 minus 3 months = 2024-02-01 >= 2024-01-31, while 2024-04-30 minus 3 = 2024-01-30 is not.
      { date: '2024-05-01', from: 'NEW_ONCE', to: 'SILENT', direction: 'reverse', cause: 'time' },
      { date: '2024-07-31', from: 'SILENT', to: 'SLEEPING', direction: 'reverse', cause: 'time' },
      { date: '2025-01-31', from: 'SLEEPING', to: 'LOST', direction: 'reverse', cause: 'time' },
    ]);
  });

  it('a purchase after going silent is a forward move; each move agrees with lifecycleAsOf on its day and the day before', () => {
    const dates = ['2024-01-10', '2024-03-10', '2024-08-01'];
    const moves = lifecycleMoves(dates, '2025-12-31');
    expect(moves.map((m) => m.to)).toEqual(['NEW_ONCE', 'NEW_REPEAT', 'OLD_ONCE', 'SILENT', 'OLD_ONCE', 'SILENT', 'SLEEPING', 'LOST']);
    expect(moves[4]).toMatchObject({ date: '2024-08-01', from: 'SILENT', direction: 'forward', cause: 'purchase' });
    for (const m of moves) {
      expect(lifecycleAsOf(dates, m.date)).toBe(m.to);
      expect(lifecycleAsOf(dates, addDays(m.date, -1))).toBe(m.from);
    }
  });

  it('no purchase, no moves; purchases after the end date are not seen', () => {
    expect(lifecycleMoves([], '2024-01-01')).toEqual([]);
    expect(lifecycleMoves(['2024-02-01'], '2024-01-31')).toEqual([]);
  });
});
