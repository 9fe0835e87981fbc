import { DEFAULT_SCHEDULE } from './tier-history';
import { TierSimulation } from './simulation';
import { DEFAULT_RULE_SET, TierRuleSet } from './tier-rules';

const customer = (id: string, amounts: number[], refunds: number[] = []) => ({
  customerId: id,
  customerRef: `ref-${id}`,
  purchases: amounts.map((amountMinor) => ({ date: '2024-03-01', amountMinor })),
  refunds: refunds.map((amountMinor) => ({ date: '2024-03-02', amountMinor })),
});

describe('what-if simulation of a rule set', () => {
  const stricter: TierRuleSet = {
    ...DEFAULT_RULE_SET,
    id: 'stricter',
    tiers: [
      { code: 'NORMAL', threshold: '0' },
      { code: 'SENIOR', threshold: '1000' },
      { code: 'VIP', threshold: '3000' },
    ],
  };

  it('tallies the migration matrix and lists the movers, up to the limit', () => {
    const sim = new TierSimulation(DEFAULT_SCHEDULE, [{ ruleSet: stricter, effectiveFrom: '' }], '2024-06-01', 'CNY', 1);
    sim.add([customer('a', [600_00]), customer('b', [700_00]), customer('c', [3500_00]), customer('d', [9000_00]), { ...customer('e', []), purchases: [] }]);
    const r = sim.answer();
    expect(r.matrix).toEqual({ SENIOR: { NORMAL: 2 }, VIP: { VIP: 1 }, SUPREME: { VIP: 1 }, NONE: { NONE: 1 } });
    expect(r).toMatchObject({ customers: 5, unchanged: 2, downgraded: 3, upgraded: 0, moversTotal: 3, moversTruncated: true });
    expect(r.movers).toEqual([{ customerId: 'a', customerRef: 'ref-a', from: 'SENIOR', to: 'NORMAL', direction: 'down', basisMinor: 600_00, basisBeforeMinor: 600_00 }]);
  });

  it('a refund counts or not, as the candidate says', () => {
    const ignoreRefunds = { ...DEFAULT_RULE_SET, id: 'gross', refundsCount: false };
    const sim = new TierSimulation(DEFAULT_SCHEDULE, [{ ruleSet: ignoreRefunds, effectiveFrom: '' }], '2024-06-01', 'CNY', 10);
    sim.add([customer('a', [600_00], [200_00])]);
    expect(sim.answer().matrix).toEqual({ NORMAL: { SENIOR: 1 } });
  });
});
