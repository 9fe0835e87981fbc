// The tier rule sets stream's command message, its one handler, and the
// schedule the stream folds to (read straight from the stream: it is small,
// and a tier answer must never lag an activation).
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { APP_CONFIG, AppConfig, eventMetadata, nameUuid, RequestContext, requestEventId, shopDate } from '@crm/shared';
import { CommandResult, EVENT_STORE, EventStore, handleCommand, RecordedEvent } from '@crm/event-store';
import { decide, sameAsEarlier, TierRuleSetCommand } from './business-logic';
import { DEFAULT_SCHEDULE, RuleSchedule, ScheduledRuleSet } from './tier-history';
import { decodeTierRuleSetEvent, evolve, initialTierRuleSets, TIER_RULES_STREAM, TierRuleSetEvent, TierRuleSets } from './tier-rule-set';
import { DEFAULT_RULE_SET, TierRuleSet } from './tier-rules';

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

export interface PublishedRuleSet {
  ruleSet: TierRuleSet;
  publishedAt: string | null;
  publishedBy: string | null;
  activations: Array<{ effectiveFrom: string; activatedAt: string; activatedBy: string | null; position: number }>;
}

export interface TierRuleSetsView {
  ruleSets: PublishedRuleSet[];
  schedule: RuleSchedule;
  version: number;
}

/** Fold the stream into the published rule sets and the schedule of activations. */
export function tierRuleSetsView(events: readonly RecordedEvent[]): TierRuleSetsView {
  const published = new Map<string, PublishedRuleSet>([[DEFAULT_RULE_SET.id, { ruleSet: DEFAULT_RULE_SET, publishedAt: null, publishedBy: null, activations: [] }]]);
  const schedule: ScheduledRuleSet[] = [...DEFAULT_SCHEDULE];
  for (const recorded of events) {
    const event = decodeTierRuleSetEvent(recorded);
    const actor = typeof recorded.metadata.actor === 'string' ? recorded.metadata.actor : null;
    if (event.type === 'TierRuleSetPublished') {
      published.set(event.data.ruleSet.id, { ruleSet: event.data.ruleSet, publishedAt: recorded.recordedAt.toISOString(), publishedBy: actor, activations: [] });
    } else {
      const entry = published.get(event.data.ruleSetId);
      if (!entry) continue;
      const activatedAt = recorded.recordedAt.toISOString();
      entry.activations.push({ effectiveFrom: event.data.effectiveFrom, activatedAt, activatedBy: actor, position: recorded.position });
      schedule.push({
        ruleSet: entry.ruleSet,
        effectiveFrom: event.data.effectiveFrom,
        activation: { eventId: recorded.id, position: recorded.position, activatedAt, actor: actor ?? undefined },
      });
    }
  }
  return { ruleSets: [...published.values()], schedule, version: events.length > 0 ? events[events.length - 1].streamVersion : 0 };
}

export async function loadTierRuleSets(store: EventStore): Promise<TierRuleSetsView> {
  return tierRuleSetsView(await store.readStream(TIER_RULES_STREAM));
}

export async function loadRuleSchedule(store: EventStore): Promise<RuleSchedule> {
  return (await loadTierRuleSets(store)).schedule;
}
