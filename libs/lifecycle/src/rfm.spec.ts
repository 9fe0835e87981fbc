import { averageRanks, quintile, rfmScores } from './rfm';

describe('RFM', () => {
  it('gives tied values the average of their ranks', () => {
    expect(averageRanks([10, 20, 20, 30])).toEqual([1, 2.5, 2.5, 4]);
    expect(averageRanks([5, 5, 5])).toEqual([2, 2, 2]);
  });

  it('scores ceil(5 * rank / n)', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((r) => quintile(r, 10))).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(quintile(2.5, 4)).toBe(4);
  });

  it('scores recency so that recent is high, with ties shared', () => {
    const scores = rfmScores(
      [
        { customerId: 'a', lastPurchaseDate: '2024-05-31', purchaseCount: 5, netSpendMinor: 900_00 },
        { customerId: 'b', lastPurchaseDate: '2024-05-01', purchaseCount: 1, netSpendMinor: 100_00 },
        { customerId: 'c', lastPurchaseDate: '2024-05-01', purchaseCount: 1, netSpendMinor: -50_00 },
        { customerId: 'd', lastPurchaseDate: '2023-01-01', purchaseCount: 3, netSpendMinor: 300_00 },
      ],
      '2024-05-31',
    );
    // R ranks by -days: d 1, b and c share 2 and 3 (2.5), a 4 -> ceil(5*2.5/4) = 4.
    // F: b and c share 1 and 2 (1.5) -> 2; d 3 -> 4; a 4 -> 5. M: c 1 -> 2, b 2 -> 3, d 3 -> 4, a 4 -> 5.
    expect(scores.map((s) => [s.customerId, s.recencyDays, s.r, s.f, s.m])).toEqual([
      ['a', 0, 5, 5, 5],
      ['b', 30, 4, 2, 3],
      ['c', 30, 4, 2, 2],
      ['d', 516, 2, 4, 4],
    ]);
    expect(scores[0].segment).toBe('CHAMPIONS');
  });
});
