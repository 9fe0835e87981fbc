// The tier read model's steps against the pure rule: for random histories,
// rule sets and schedules, the step covering any date answers exactly what
// tierOn answers there, and the steps' changes are tierHistory's.
import fc from 'fast-check';
import { addDays } from '@crm/shared';
import { RuleSchedule, standingFromStep, stepOn, tierHistory, tierOn, tierSteps } from './tier-history';
import { DatedAmount, DEFAULT_RULE_SET, TierRuleSet } from './tier-rules';

const day = (n: number) => addDays('2023-01-01', n);
const ruleSets: TierRuleSet[] = [
  DEFAULT_RULE_SET,
  { ...DEFAULT_RULE_SET, id: 'rolling-12', basis: { kind: 'rollingMonths', months: 12 } },
  { ...DEFAULT_RULE_SET, id: 'rolling-1', basis: { kind: 'rollingMonths', months: 1 }, refundsCount: false },
  { ...DEFAULT_RULE_SET, id: 'keep-3-stepwise', downgrade: { retentionMonths: 3, stepwise: true } },
  { ...DEFAULT_RULE_SET, id: 'rolling-6-keep-2', basis: { kind: 'rollingMonths', months: 6 }, downgrade: { retentionMonths: 2 } },
  { ...DEFAULT_RULE_SET, id: 'anniversary', basis: { kind: 'rollingMonths', months: 3 }, downgrade: { atAnniversary: true, stepwise: true } },
  {
    id: 'counts',
    name: 'counts',
    tiers: [
      { code: 'NORMAL', threshold: '0' },
      { code: 'SILVER', threshold: '100', minPurchases: 2 },
      { code: 'GOLD', threshold: '1000', minPurchases: 3 },
    ],
    basis: { kind: 'lifetime' },
  },
];

const amount = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 900_000 }));
const fact = (type: string) => fc.record({ at: fc.integer({ min: 0, max: 900 }), amountMinor: amount }).map(({ at, amountMinor }) => ({ date: day(at), amountMinor, type }));
const history = fc.record({
  purchases: fc.array(fact('PurchaseRecorded'), { maxLength: 8 }),
  refunds: fc.array(fact('RefundRecorded'), { maxLength: 3 }),
});
const schedule = fc.array(fc.record({ rs: fc.integer({ min: 0, max: ruleSets.length - 1 }), at: fc.integer({ min: 0, max: 1200 }) }), { maxLength: 3 }).chain((activations) =>
  fc.integer({ min: 0, max: ruleSets.length - 1 }).map((first): RuleSchedule => [
    { ruleSet: ruleSets[first], effectiveFrom: '' },
    ...activations
      .map((a) => a.at)
      .sort((a, b) => a - b)
      .map((at, i) => ({ ruleSet: ruleSets[activations[i].rs], effectiveFrom: day(at) })),
  ]),
);

const numbered = (facts: Array<Omit<DatedAmount, 'eventId' | 'position'>>, offset: number): DatedAmount[] =>
  facts.map((f, i) => ({ ...f, eventId: `e-${offset + i}`, position: offset + i, occurredAt: `${f.date}T08:00:00.000Z` }));

describe('tier steps (the tier read model) agree with the pure rule', () => {
  it('given any history and schedule, when asked on any date, the covering step answers what tierOn answers', () => {
    fc.assert(
      fc.property(history, schedule, fc.array(fc.integer({ min: -30, max: 2500 }), { minLength: 5, maxLength: 12 }), (h, sched, asked) => {
        const facts = { purchases: numbered(h.purchases, 1), refunds: numbered(h.refunds, 100) };
        const joined = [...facts.purchases, ...facts.refunds].reduce((min, f) => (f.date < min ? f.date : min), day(0));
        const steps = tierSteps(facts, sched, joined, 'CNY');
        for (const n of asked) {
          const date = day(n);
          const step = stepOn(steps, date);
          if (date < joined) {
            expect(step).toBeUndefined();
            continue;
          }
          expect(step && standingFromStep(step.standing, date)).toEqual(tierOn(facts, sched, date, 'CNY'));
        }
        expect(steps.flatMap((s) => (s.change ? [s.change] : []))).toEqual(tierHistory(facts, sched, '9999-12-31', 'CNY'));
        for (let i = 1; i < steps.length; i++) expect(steps[i - 1].to).toBe(steps[i].from);
      }),
      { numRuns: 300 },
    );
  });

  it('given a purchase that leaves a 12-month window, the steps hold the future drop caused by time alone', () => {
    const facts = { purchases: numbered([{ date: '2024-02-29', amountMinor: 3000_00, type: 'PurchaseRecorded' }], 1), refunds: [] };
    const steps = tierSteps(facts, [{ ruleSet: ruleSets[1], effectiveFrom: '' }], '2024-01-01', 'CNY');
    expect(steps.map((s) => [s.from, s.to, s.standing.tier])).toEqual([
      ['2024-01-01', '2024-02-29', null],
      ['2024-02-29', '2025-03-01', 'VIP'],
      ['2025-03-01', null, 'NORMAL'],
    ]);
    expect(steps[2].change?.cause).toEqual({ kind: 'time', reason: 'spend dated on or before 2024-03-01 left the 12-month window' });
  });
});
