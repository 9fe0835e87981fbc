// The rule sets stream folded into what readers need: the published rule
// sets with their activations, and the schedule of which one is in force
// when. Pure: the command side, the reads and the tier read model share it.
import type { RecordedEvent } from '@crm/event-store';
import { knownEventType } from '@crm/shared';
import { DEFAULT_SCHEDULE, RuleSchedule, ScheduledRuleSet } from './tier-history';
import { decodeTierRuleSetEvent } from './tier-rule-set';
import { DEFAULT_RULE_SET, TierRuleSet } from './tier-rules';

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
    if (!knownEventType(recorded.streamId, recorded.type)) continue; // a newer version's: skipped, as the read models skip it
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
