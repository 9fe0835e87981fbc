// Decisions on a campaign's stream: draft once, cancel a draft, start the
// launch when the send time has come, finish it with its counts. A repeat of
// the same request decides nothing.
import { conflict, notFound, sameJson } from '@crm/shared';
import { Campaign, CampaignDraft, CampaignEvent, LaunchCounts } from './campaign';

export type CampaignCommand =
  | { type: 'DraftCampaign'; draft: CampaignDraft }
  | { type: 'CancelCampaign'; campaignId: string }
  | { type: 'StartLaunch'; campaignId: string; sendDate: string; now: Date; clockSkewMs: number }
  | { type: 'FinishLaunch'; campaignId: string; counts: LaunchCounts };

export function decide(command: CampaignCommand, state: Campaign): CampaignEvent[] {
  if (command.type === 'DraftCampaign') {
    if (!state.draft) return [{ type: 'CampaignDrafted', data: command.draft }];
    if (sameJson(state.draft, command.draft)) return [];
    throw conflict('CampaignExists', `campaign ${command.draft.campaignId} exists with another draft`, { campaignId: command.draft.campaignId });
  }
  const { campaignId } = command;
  if (!state.draft) throw notFound('CampaignNotFound', `campaign ${campaignId} not found`, { campaignId });
  switch (command.type) {
    case 'CancelCampaign':
      if (state.status === 'cancelled') return [];
      if (state.status !== 'draft') throw conflict('CampaignLaunched', `campaign ${campaignId} is launched: it cannot be cancelled`, { campaignId, campaignStatus: state.status });
      return [{ type: 'CampaignCancelled', data: { campaignId } }];
    case 'StartLaunch': {
      if (state.status === 'cancelled') throw conflict('CampaignCancelled', `campaign ${campaignId} is cancelled`, { campaignId });
      if (state.status !== 'draft') return [];
      const due = Date.parse(state.draft.sendAt);
      if (due > command.now.getTime() + command.clockSkewMs) {
        throw conflict('CampaignNotDue', `campaign ${campaignId} is to be sent at ${state.draft.sendAt}: launch it then (a backtest answers what it would reach)`, {
          campaignId,
          sendAt: state.draft.sendAt,
        });
      }
      return [{ type: 'CampaignLaunchStarted', data: { campaignId, sendDate: command.sendDate } }];
    }
    case 'FinishLaunch':
      if (state.status === 'launched') return [];
      if (state.status !== 'launching') throw conflict('CampaignNotLaunching', `campaign ${campaignId} is not being launched`, { campaignId, campaignStatus: state.status });
      return [{ type: 'CampaignLaunched', data: { campaignId, ...command.counts } }];
    default: {
      const unknown: never = command;
      return unknown;
    }
  }
}
