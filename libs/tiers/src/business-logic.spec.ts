import { deciderSpec } from '../../../test/support/decider-spec';
import { decide, ruleSetProblem, TierRuleSetCommand } from './business-logic';
import { evolve, initialTierRuleSets, TierRuleSetEvent, TierRuleSets } from './tier-rule-set';
import { DEFAULT_RULE_SET, TierRuleSet } from './tier-rules';

const given = deciderSpec<TierRuleSets, TierRuleSetEvent, TierRuleSetCommand>(initialTierRuleSets, evolve, (c, s) => decide(c, s, { shopCurrency: 'CNY' }));
const candidate: TierRuleSet = { ...DEFAULT_RULE_SET, id: 'rolling', name: 'rolling 12', basis: { kind: 'rollingMonths', months: 12 } };
const published: TierRuleSetEvent = { type: 'TierRuleSetPublished', data: { ruleSet: candidate } };
const activated = (effectiveFrom: string, ruleSetId = 'rolling'): TierRuleSetEvent => ({ type: 'TierRuleSetActivated', data: { ruleSetId, effectiveFrom } });

describe('tier rule sets', () => {
  it('a new rule set is published', () => given().when({ type: 'PublishTierRuleSet', ruleSet: candidate }).then([published]));
  it('publishing the same rule set again records nothing (whatever the key order)', () =>
    given([published])
      .when({ type: 'PublishTierRuleSet', ruleSet: JSON.parse(JSON.stringify({ ...candidate, tiers: candidate.tiers, id: 'rolling' })) })
      .thenNothing());
  it('other rules under a published id are refused: published rule sets never change', () =>
    given([published])
      .when({ type: 'PublishTierRuleSet', ruleSet: { ...candidate, refundsCount: false } })
      .thenRefused('RuleSetIdInUse', 'conflict'));
  it('the default id is taken', () =>
    given()
      .when({ type: 'PublishTierRuleSet', ruleSet: { ...candidate, id: 'default' } })
      .thenRefused('RuleSetIdInUse', 'conflict'));
  it.each([
    [{ tiers: [] }, 'at least one tier'],
    [
      {
        tiers: [
          { code: 'NORMAL', threshold: '0' },
          { code: 'NORMAL', threshold: '5' },
        ],
      },
      'unique',
    ],
    [{ tiers: [{ code: 'NORMAL', threshold: '10' }] }, 'the first tier is the floor'],
    [
      {
        tiers: [
          { code: 'NORMAL', threshold: '0' },
          { code: 'VIP', threshold: '500' },
          { code: 'SUPREME', threshold: '500' },
        ],
      },
      'rise strictly',
    ],
    [
      {
        tiers: [
          { code: 'NORMAL', threshold: '0' },
          { code: 'VIP', threshold: '5.001' },
        ],
      },
      'decimal amounts',
    ],
    [{ downgrade: { stepwise: true } }, 'retention period'],
    [{ downgrade: { retentionMonths: 3, atAnniversary: true } }, 'not both'],
  ])('an unsound rule set %j is refused (%s)', (change, words) => {
    const error = given()
      .when({ type: 'PublishTierRuleSet', ruleSet: { ...candidate, ...change } as TierRuleSet })
      .refusal('InvalidRuleSet', 'rule');
    expect(error.message).toContain(words);
  });
  it('the default rule set is sound', () => expect(ruleSetProblem(DEFAULT_RULE_SET, 'CNY')).toBeUndefined());

  it('a published rule set is activated from a date', () =>
    given([published])
      .when({ type: 'ActivateTierRuleSet', ruleSetId: 'rolling', effectiveFrom: '2025-01-01' })
      .then([activated('2025-01-01')]));
  it('an unknown rule set cannot be activated', () =>
    given().when({ type: 'ActivateTierRuleSet', ruleSetId: 'nope', effectiveFrom: '2025-01-01' }).thenRefused('RuleSetNotFound', 'not_found'));
  it('the same activation again records nothing', () =>
    given([published, activated('2025-01-01')])
      .when({ type: 'ActivateTierRuleSet', ruleSetId: 'rolling', effectiveFrom: '2025-01-01' })
      .thenNothing());
  it('an activation cannot take effect before the last one (the schedule only moves forward)', () =>
    given([published, activated('2025-01-01')])
      .when({ type: 'ActivateTierRuleSet', ruleSetId: 'default', effectiveFrom: '2024-12-31' })
      .thenRefused('ActivationOutOfOrder', 'rule'));
  it('going back to the default from a later date is an activation like any other', () =>
    given([published, activated('2025-01-01')])
      .when({ type: 'ActivateTierRuleSet', ruleSetId: 'default', effectiveFrom: '2025-01-01' })
      .then([activated('2025-01-01', 'default')]));
});
