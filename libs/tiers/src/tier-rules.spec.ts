import { DEFAULT_RULE_SET, tierAsOf, TierFacts, TierRuleSet } from './tier-rules';

const p = (date: string, amountMinor: number) => ({ date, amountMinor });
const facts = (purchases: ReturnType<typeof p>[], refunds: ReturnType<typeof p>[] = []): TierFacts => ({ purchases, refunds });

describe('tier as of a date (default rule set)', () => {
  it.each([
    [0, 'NORMAL'],
    [499_99, 'NORMAL'],
    [500_00, 'SENIOR'],
    [2999_99, 'SENIOR'],
    [3000_00, 'VIP'],
    [8000_00, 'SUPREME'],
  ])('lifetime net spend %d reaches %s (thresholds are inclusive, to the cent)', (minor, tier) =>
    expect(tierAsOf(facts([p('2024-01-01', minor)]), '2024-05-31', DEFAULT_RULE_SET, 'CNY').tier).toBe(tier),
  );

  it('a prospect has no tier; a purchase of 0.00 makes NORMAL', () => {
    expect(tierAsOf(facts([]), '2024-05-31', DEFAULT_RULE_SET, 'CNY')).toMatchObject({ tier: null, reason: 'no purchase on or before 2024-05-31' });
    expect(tierAsOf(facts([p('2024-05-31', 0)]), '2024-05-31', DEFAULT_RULE_SET, 'CNY').tier).toBe('NORMAL');
  });

  it('refunds lower the tier, from the refund date on', () => {
    const history = facts([p('2024-01-01', 600_00)], [p('2024-03-01', 200_00)]);
    expect(tierAsOf(history, '2024-02-29', DEFAULT_RULE_SET, 'CNY')).toMatchObject({ tier: 'SENIOR', basisMinor: 600_00 });
    expect(tierAsOf(history, '2024-03-01', DEFAULT_RULE_SET, 'CNY')).toMatchObject({ tier: 'NORMAL', basisMinor: 400_00 });
  });

  it('net spend below zero (refunds of pre-history purchases) still leaves a purchaser NORMAL', () =>
    expect(tierAsOf(facts([p('2024-01-01', 100_00)], [p('2024-01-02', 500_00)]), '2024-05-31', DEFAULT_RULE_SET, 'CNY')).toMatchObject({ tier: 'NORMAL', basisMinor: -400_00 }));

  it('explains the answer', () => {
    const answer = tierAsOf(facts([p('2024-01-01', 3000_00)]), '2024-05-31', DEFAULT_RULE_SET, 'CNY');
    expect(answer).toMatchObject({ tier: 'VIP', ruleSetId: 'default', purchaseCount: 1 });
    expect(answer.reason).toMatch(/^lifetime net spend of \d+\.\d{2} CNY with \d+ purchases? reaches VIP \(threshold 3000\.00 CNY\)$/);
  });
});

describe('tier rule set variants', () => {
  const rolling: TierRuleSet = { ...DEFAULT_RULE_SET, id: 'rolling-12', basis: { kind: 'rollingMonths', months: 12 } };
  const counted: TierRuleSet = { ...DEFAULT_RULE_SET, id: 'vip-needs-3', tiers: DEFAULT_RULE_SET.tiers.map((t) => (t.code === 'VIP' ? { ...t, minPurchases: 3 } : t)) };
  const noRefunds: TierRuleSet = { ...DEFAULT_RULE_SET, id: 'gross', refundsCount: false };

  it('a rolling 12-month basis forgets spend from before the window (month-end clamped)', () => {
    const history = facts([p('2023-02-28', 900_00), p('2024-01-01', 100_00)]);
    expect(tierAsOf(history, '2024-02-28', rolling, 'CNY')).toMatchObject({ tier: 'NORMAL', basisMinor: 100_00 });
    expect(tierAsOf(history, '2024-02-27', rolling, 'CNY')).toMatchObject({ tier: 'SENIOR', basisMinor: 1000_00 });
  });

  it('a minimum purchase count holds a big single order below VIP', () => {
    expect(tierAsOf(facts([p('2024-01-01', 5000_00)]), '2024-05-31', counted, 'CNY').tier).toBe('SENIOR');
    expect(tierAsOf(facts([p('2024-01-01', 4000_00), p('2024-02-01', 500_00), p('2024-03-01', 500_00)]), '2024-05-31', counted, 'CNY').tier).toBe('VIP');
  });

  it('a rule set can ignore refunds', () => expect(tierAsOf(facts([p('2024-01-01', 600_00)], [p('2024-03-01', 200_00)]), '2024-05-31', noRefunds, 'CNY').tier).toBe('SENIOR'));

  it('thresholds follow the currency minor digits (JPY has none)', () =>
    expect(tierAsOf(facts([p('2024-01-01', 500)]), '2024-05-31', DEFAULT_RULE_SET, 'JPY').tier).toBe('SENIOR'));
});
