// The stored event types of a customer's history and of complaints: what the
// slices decode, what a timeline can be filtered by and what a webhook can
// subscribe to. The slices check these names against their event unions.
import { conflict } from './domain-error';

export const CUSTOMER_EVENT_TYPES = [
  'CustomerRegistered',
  'CustomerProfileUpdated',
  'PurchaseRecorded',
  'RefundRecorded',
  'ConsentChanged',
  'CustomerTagged',
  'CustomerUntagged',
  'ContactLogged',
  'CampaignHeldOut',
  'CustomerErased',
] as const;

export const COMPLAINT_EVENT_TYPES = [
  'ComplaintOpened',
  'ComplaintAssigned',
  'ComplaintEscalated',
  'ComplaintResponded',
  'ComplaintResolved',
  'ComplaintReopened',
  'ComplaintRated',
] as const;

export const SOURCE_EVENT_TYPES = [...CUSTOMER_EVENT_TYPES, ...COMPLAINT_EVENT_TYPES] as const;

export const TIER_RULE_SET_EVENT_TYPES = ['TierRuleSetPublished', 'TierRuleSetActivated'] as const;

export const SEGMENT_EVENT_TYPES = ['SegmentPublished', 'SegmentRetired'] as const;

export const CAMPAIGN_EVENT_TYPES = ['CampaignDrafted', 'CampaignCancelled', 'CampaignLaunchStarted', 'CampaignLaunched'] as const;

/**
 * Whether this build knows an event's type, for the streams the read models
 * project (a customer's, a complaint's, the tier rule sets'); events of other
 * streams are not judged here. An unknown type is what a newer version writes
 * during a rolling upgrade: the read models skip it and count it, it is not a
 * fault.
 */
export function knownEventType(streamId: string, type: string): boolean {
  if (streamId.startsWith('customer-')) return KNOWN.customer.has(type);
  if (streamId.startsWith('complaint-')) return KNOWN.complaint.has(type);
  if (streamId === 'tier-rule-sets') return KNOWN.ruleSets.has(type);
  if (streamId.startsWith('segment-')) return KNOWN.segment.has(type);
  if (streamId.startsWith('campaign-')) return KNOWN.campaign.has(type);
  return true;
}

const KNOWN = {
  customer: new Set<string>(CUSTOMER_EVENT_TYPES),
  complaint: new Set<string>(COMPLAINT_EVENT_TYPES),
  ruleSets: new Set<string>(TIER_RULE_SET_EVENT_TYPES),
  segment: new Set<string>(SEGMENT_EVENT_TYPES),
  campaign: new Set<string>(CAMPAIGN_EVENT_TYPES),
};

/**
 * A stored event of a type this build knows, as a domain event; another
 * type is what a newer version wrote (a rolling upgrade): a command is
 * refused plainly rather than decided without it. `held` names the history
 * ("a segment", "the tier rule sets").
 */
export function decodeKnown<Event>(types: readonly string[], held: string, recorded: { type: string; data: unknown }): Event {
  if (!types.includes(recorded.type)) {
    throw conflict('UnknownEventType', `${held} holds an event of type ${recorded.type}, which this version does not know (a newer version wrote it): upgrade`, {
      type: recorded.type,
    });
  }
  return { type: recorded.type, data: recorded.data } as Event;
}
