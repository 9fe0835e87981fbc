// The tier rule sets stream's command message, its one handler, and the
// schedule the stream folds to (read straight from the stream: it is small,
// and a tier answer must never lag an activation).
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { APP_CONFIG, AppConfig, eventMetadata, nameUuid, RequestContext, requestEventId, shopDate } from '@crm/shared';
import { CommandResult, EVENT_STORE, EventStore, handleCommand } from '@crm/event-store';
import { decide, sameAsEarlier, TierRuleSetCommand } from './business-logic';
import { RuleSchedule } from './tier-history';
import { decodeTierRuleSetEvent, evolve, initialTierRuleSets, TIER_RULES_STREAM, TierRuleSetEvent, TierRuleSets } from './tier-rule-set';
import { tierRuleSetsView, TierRuleSetsView } from './tier-rule-set-view';

export { tierRuleSetsView } from './tier-rule-set-view';
export type { PublishedRuleSet, TierRuleSetsView } from './tier-rule-set-view';

export class ExecuteTierRuleSetCommand extends Command<CommandResult> {
  constructor(
    readonly command: TierRuleSetCommand,
    readonly context: RequestContext,
  ) {
    super();
  }
}

@CommandHandler(ExecuteTierRuleSetCommand)
export class TierRuleSetCommandHandler implements ICommandHandler<ExecuteTierRuleSetCommand, CommandResult> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  execute({ command, context }: ExecuteTierRuleSetCommand): Promise<CommandResult> {
    return handleCommand<TierRuleSets, TierRuleSetEvent>(
      this.store,
      TIER_RULES_STREAM,
      { initialState: initialTierRuleSets, evolve, decode: decodeTierRuleSetEvent },
      (state) =>
        decide(command, state, { shopCurrency: this.config.shopCurrency, today: shopDate(new Date(), this.config.shopTimezone), horizonYears: this.config.activationHorizonYears }),
      {
        ifMatch: context.ifMatch,
        metadata: eventMetadata(context, 'api'),
        // A rule set id is published once: its event id is named by it.
        eventId: (event, i) => (event.type === 'TierRuleSetPublished' ? nameUuid(`tier-rule-set:${event.data.ruleSet.id}`) : requestEventId(context, TIER_RULES_STREAM, i)),
        sameAsEarlier: sameAsEarlier(command),
      },
    );
  }
}

export async function loadTierRuleSets(store: EventStore): Promise<TierRuleSetsView> {
  return tierRuleSetsView(await store.readStream(TIER_RULES_STREAM));
}

export async function loadRuleSchedule(store: EventStore): Promise<RuleSchedule> {
  return (await loadTierRuleSets(store)).schedule;
}
