import { DEFAULT_SCHEDULE, RuleSchedule, ruleSetOn, tierHistory, tierOn, tierOnFast } from './tier-history';
import { DEFAULT_RULE_SET, DatedAmount, TierRuleSet } from './tier-rules';

let position = 0;
const buy = (date: string, amountMinor: number): DatedAmount => ({
  date,
  amountMinor,
  eventId: `e-${++position}`,
  position,
  type: 'PurchaseRecorded',
  occurredAt: `${date}T10:00:00.000Z`,
});
const refund = (date: string, amountMinor: number): DatedAmount => ({ ...buy(date, amountMinor), type: 'RefundRecorded' });

const rolling: TierRuleSet = {
  id: 'rolling-6m',
  name: 'rolling',
  tiers: [
    { code: 'NORMAL', threshold: '0' },
    { code: 'SENIOR', threshold: '500' },
    { code: 'VIP', threshold: '3000' },
  ],
  basis: { kind: 'rollingMonths', months: 6 },
};
const withRetention = (months: number, stepwise = false): TierRuleSet => ({ ...DEFAULT_RULE_SET, id: `keep-${months}`, downgrade: { retentionMonths: months, stepwise } });
const from = (ruleSet: TierRuleSet, effectiveFrom = ''): RuleSchedule => [{ ruleSet, effectiveFrom }];

describe('tier history under the default rule set', () => {
  it('names each change, its date, rule set and the event that caused it; a refund lowers the tier from its date', () => {
    const facts = { purchases: [buy('2024-01-10', 600_00), buy('2024-03-10', 2500_00)], refunds: [refund('2024-04-10', 200_00)] };
    const history = tierHistory(facts, DEFAULT_SCHEDULE, '2024-12-31', 'CNY');
    expect(history.map((c) => [c.date, c.from, c.to, c.direction, c.ruleSetId, c.cause.kind === 'event' ? c.cause.type : c.cause.kind])).toEqual([
      ['2024-01-10', null, 'SENIOR', 'up', 'default', 'PurchaseRecorded'],
      ['2024-03-10', 'SENIOR', 'VIP', 'up', 'default', 'PurchaseRecorded'],
      ['2024-04-10', 'VIP', 'SENIOR', 'down', 'default', 'RefundRecorded'],
    ]);
    expect(history[1].cause).toMatchObject({ eventId: facts.purchases[1].eventId, position: facts.purchases[1].position });
  });

  it('a prospect has no history; a purchase of 0.00 starts it at NORMAL', () => {
    expect(tierHistory({ purchases: [], refunds: [] }, DEFAULT_SCHEDULE, '2024-12-31', 'CNY')).toEqual([]);
    expect(tierHistory({ purchases: [buy('2024-02-01', 0)], refunds: [] }, DEFAULT_SCHEDULE, '2024-12-31', 'CNY').map((c) => c.to)).toEqual(['NORMAL']);
  });
});

describe('a rolling basis', () => {
  it('drops a tier on the day a purchase leaves the window, caused by time', () => {
    const facts = { purchases: [buy('2024-01-31', 3000_00)], refunds: [] };
    const history = tierHistory(facts, from(rolling), '2024-12-31', 'CNY');
    // 2024-07-31 minus 6 months = 2024-01-31: the purchase is out of (D - 6M, D] from that day.
    expect(history.map((c) => [c.date, c.to])).toEqual([
      ['2024-01-31', 'VIP'],
      ['2024-07-31', 'NORMAL'],
    ]);
    expect(history[1].cause).toEqual({ kind: 'time', reason: 'spend dated on or before 2024-01-31 left the 6-month window' });
    expect(tierOn(facts, from(rolling), '2024-07-30', 'CNY').tier).toBe('VIP');
    expect(tierOn(facts, from(rolling), '2024-07-31', 'CNY').tier).toBe('NORMAL');
  });
});

describe('a retention period before downgrades', () => {
  const facts = { purchases: [buy('2024-01-10', 3000_00)], refunds: [refund('2024-02-01', 100_00)] };

  it('keeps the tier until the basis has stayed below for the whole period, then moves to what the basis supports', () => {
    const schedule = from(withRetention(3));
    expect(tierOn(facts, schedule, '2024-04-30', 'CNY')).toMatchObject({ tier: 'VIP', basisTier: 'SENIOR', downgradeDue: '2024-05-01' });
    expect(tierOn(facts, schedule, '2024-05-01', 'CNY')).toMatchObject({ tier: 'SENIOR', basisTier: 'SENIOR', downgradeDue: null, since: '2024-05-01' });
    const last = tierHistory(facts, schedule, '2024-12-31', 'CNY').pop();
    expect(last).toMatchObject({ date: '2024-05-01', from: 'VIP', to: 'SENIOR', direction: 'down', cause: { kind: 'time', reason: 'retention period of 3 months ended' } });
  });

  it('a purchase that lifts the basis back during the period cancels the downgrade', () => {
    const back = { purchases: [...facts.purchases, buy('2024-03-01', 100_00)], refunds: facts.refunds };
    expect(tierHistory(back, from(withRetention(3)), '2024-12-31', 'CNY').map((c) => c.to)).toEqual(['VIP']);
  });

  it('stepwise: one tier down per period', () => {
    const fall = { purchases: [buy('2024-01-10', 8000_00)], refunds: [refund('2024-01-20', 7900_00)] };
    expect(tierHistory(fall, from(withRetention(2, true)), '2024-12-31', 'CNY').map((c) => [c.date, c.to])).toEqual([
      ['2024-01-10', 'SUPREME'],
      ['2024-03-20', 'VIP'],
      ['2024-05-20', 'SENIOR'],
      ['2024-07-20', 'NORMAL'],
    ]);
  });
});

describe('a rule set activated mid-history', () => {
  const cheaper: TierRuleSet = {
    ...DEFAULT_RULE_SET,
    id: 'cheaper',
    tiers: [
      { code: 'NORMAL', threshold: '0' },
      { code: 'SENIOR', threshold: '300' },
      { code: 'VIP', threshold: '1000' },
    ],
  };
  const schedule: RuleSchedule = [
    ...DEFAULT_SCHEDULE,
    { ruleSet: cheaper, effectiveFrom: '2024-06-01', activation: { eventId: 'act-1', position: 99, activatedAt: '2024-05-20T00:00:00Z' } },
  ];
  const facts = { purchases: [buy('2024-01-10', 400_00), buy('2024-02-10', 700_00)], refunds: [] };

  it('answers each date under the rule set in force that day, and the switch is a change caused by the activation', () => {
    expect(ruleSetOn(schedule, '2024-05-31').ruleSet.id).toBe('default');
    expect(ruleSetOn(schedule, '2024-06-01').ruleSet.id).toBe('cheaper');
    expect(tierOn(facts, schedule, '2024-05-31', 'CNY')).toMatchObject({ tier: 'SENIOR', ruleSetId: 'default' });
    expect(tierOn(facts, schedule, '2024-06-01', 'CNY')).toMatchObject({ tier: 'VIP', ruleSetId: 'cheaper' });
    const history = tierHistory(facts, schedule, '2024-12-31', 'CNY');
    expect(history.map((c) => [c.date, c.to, c.ruleSetId])).toEqual([
      ['2024-01-10', 'NORMAL', 'default'],
      ['2024-02-10', 'SENIOR', 'default'],
      ['2024-06-01', 'VIP', 'cheaper'],
    ]);
    expect(history[2].cause).toEqual({ kind: 'ruleSetActivated', ruleSetId: 'cheaper', eventId: 'act-1', position: 99 });
  });

  it('the fast path and the full walk agree on every day of a year', () => {
    const many = { purchases: [buy('2024-01-10', 400_00), buy('2024-04-10', 2000_00), buy('2024-09-01', 6000_00)], refunds: [refund('2024-10-01', 5000_00)] };
    const mixed: RuleSchedule = [...schedule, { ruleSet: rolling, effectiveFrom: '2024-08-15' }];
    for (let d = new Date('2024-01-01'); d <= new Date('2024-12-31'); d = new Date(d.getTime() + 86_400_000)) {
      const day = d.toISOString().slice(0, 10);
      expect(tierOnFast(many, mixed, day, 'CNY').tier).toBe(tierOn(many, mixed, day, 'CNY').tier);
    }
  });
});

describe("downgrades only at the tier's anniversary", () => {
  const yearly = (stepwise = false): TierRuleSet => ({ ...DEFAULT_RULE_SET, id: 'yearly', downgrade: { atAnniversary: true, stepwise } });

  it('a tier reached on a date is kept until that date next year, then follows the basis', () => {
    const facts = { purchases: [buy('2024-03-10', 3000_00)], refunds: [refund('2024-05-01', 2600_00)] };
    const schedule = from(yearly());
    expect(tierOn(facts, schedule, '2025-03-09', 'CNY')).toMatchObject({ tier: 'VIP', basisTier: 'NORMAL', downgradeDue: '2025-03-10' });
    expect(tierOn(facts, schedule, '2025-03-10', 'CNY')).toMatchObject({ tier: 'NORMAL', since: '2025-03-10' });
    expect(tierHistory(facts, schedule, '2026-12-31', 'CNY').pop()).toMatchObject({
      date: '2025-03-10',
      from: 'VIP',
      to: 'NORMAL',
      cause: { kind: 'time', reason: 'anniversary of reaching VIP (2024-03-10)' },
    });
  });

  it('a basis back up before the anniversary keeps the tier; an upgrade starts a new year', () => {
    const facts = { purchases: [buy('2024-03-10', 3000_00), buy('2024-12-01', 6000_00)], refunds: [refund('2024-05-01', 2600_00)] };
    // Below VIP from 2024-05-01, back to 6400 (VIP) on 2024-12-01: the anniversary finds nothing to do.
    expect(tierHistory(facts, from(yearly()), '2026-12-31', 'CNY').map((c) => [c.date, c.to])).toEqual([['2024-03-10', 'VIP']]);
  });

  it('stepwise: one tier down per anniversary', () => {
    const facts = { purchases: [buy('2024-02-29', 8000_00)], refunds: [refund('2024-03-01', 7900_00)] };
    expect(tierHistory(facts, from(yearly(true)), '2027-12-31', 'CNY').map((c) => [c.date, c.to])).toEqual([
      ['2024-02-29', 'SUPREME'],
      ['2025-03-01', 'VIP'], // 2025-03-01 minus 12 months = 2024-03-01 >= 2024-02-29 (clamping)
      ['2026-03-01', 'SENIOR'],
      ['2027-03-01', 'NORMAL'],
    ]);
  });
});
