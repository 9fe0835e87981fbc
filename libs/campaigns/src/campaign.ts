// A campaign's stream (`campaign-<id>`): its draft, then its cancellation or
// its launch (started, then finished with the audience's counts). The
// contacts themselves are customer events (ContactLogged with the campaign's
// id, CampaignHeldOut), decided by the customer decider.
import type { RecordedEvent } from '@crm/event-store';
import { CAMPAIGN_EVENT_TYPES, decodeKnown } from '@crm/shared';

export const campaignStream = (campaignId: string) => `campaign-${campaignId}`;

export const CAMPAIGN_CHANNELS = ['sms', 'email', 'phone', 'wechat'] as const;
export type CampaignChannel = (typeof CAMPAIGN_CHANNELS)[number];

/** Why an audience member was not contacted: the customer decider's refusal codes. */
export const EXCLUSION_REASONS = ['ConsentMissing', 'MarketingCapReached', 'ContactPolicy', 'CustomerErased'] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

export interface CampaignDraft {
  campaignId: string;
  name: string;
  segmentId: string;
  channel: CampaignChannel;
  offer: string;
  /** ISO 8601 instant: the contacts' occurredAt; its shop date is the audience's date. */
  sendAt: string;
  responseWindowDays: number;
  holdoutPercent: number;
  yearlyPromotion: boolean;
}

export interface LaunchCounts {
  segmentVersion: number;
  audience: number;
  contacted: number;
  heldOut: number;
  excluded: Record<ExclusionReason, number>;
}

export type CampaignEvent =
  | { type: 'CampaignDrafted'; data: CampaignDraft }
  | { type: 'CampaignCancelled'; data: { campaignId: string } }
  | { type: 'CampaignLaunchStarted'; data: { campaignId: string; sendDate: string } }
  | { type: 'CampaignLaunched'; data: { campaignId: string } & LaunchCounts };

export type CampaignStatus = 'draft' | 'cancelled' | 'launching' | 'launched';

export interface Campaign {
  draft?: CampaignDraft;
  status?: CampaignStatus;
  sendDate?: string;
  counts?: LaunchCounts;
}

export const initialCampaign = (): Campaign => ({});

export function evolve(state: Campaign, event: CampaignEvent): Campaign {
  switch (event.type) {
    case 'CampaignDrafted':
      return { draft: event.data, status: 'draft' };
    case 'CampaignCancelled':
      return { ...state, status: 'cancelled' };
    case 'CampaignLaunchStarted':
      return { ...state, status: 'launching', sendDate: event.data.sendDate };
    case 'CampaignLaunched': {
      const { campaignId: _id, ...counts } = event.data;
      return { ...state, status: 'launched', counts };
    }
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

export function decodeCampaignEvent(recorded: Pick<RecordedEvent, 'type' | 'data'>): CampaignEvent {
  return decodeKnown<CampaignEvent>(CAMPAIGN_EVENT_TYPES, 'a campaign', recorded);
}
