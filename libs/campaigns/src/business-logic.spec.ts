import { deciderSpec } from '../../../test/support/decider-spec';
import { CampaignCommand, decide } from './business-logic';
import { CampaignDraft, CampaignEvent, evolve, initialCampaign, LaunchCounts } from './campaign';
import { holdoutBucket, inHoldout } from './holdout';

const given = deciderSpec(initialCampaign, evolve, (c: CampaignCommand, s) => decide(c, s));
const draft: CampaignDraft = {
  campaignId: 'june',
  name: '六一',
  segmentId: 's',
  channel: 'sms',
  offer: '满300减50',
  sendAt: '2024-06-01T02:00:00.000Z',
  responseWindowDays: 14,
  holdoutPercent: 10,
  yearlyPromotion: false,
};
const drafted: CampaignEvent = { type: 'CampaignDrafted', data: draft };
const started: CampaignEvent = { type: 'CampaignLaunchStarted', data: { campaignId: 'june', sendDate: '2024-06-01' } };
const counts: LaunchCounts = {
  segmentVersion: 1,
  audience: 2,
  contacted: 1,
  heldOut: 1,
  excluded: { ConsentMissing: 0, MarketingCapReached: 0, ContactPolicy: 0, CustomerErased: 0 },
};
const start = (now: string): CampaignCommand => ({ type: 'StartLaunch', campaignId: 'june', sendDate: '2024-06-01', now: new Date(now), clockSkewMs: 0 });

describe('a campaign', () => {
  it('is drafted once; the same draft again is nothing, another one a conflict', () => {
    given().when({ type: 'DraftCampaign', draft }).then([drafted]);
    given([drafted]).when({ type: 'DraftCampaign', draft }).thenNothing();
    given([drafted])
      .when({ type: 'DraftCampaign', draft: { ...draft, offer: 'x' } })
      .thenRefused('CampaignExists', 'conflict');
  });

  it('starts its launch when the send time has come, not before; a started launch is continued', () => {
    given([drafted]).when(start('2024-05-31T00:00:00Z')).thenRefused('CampaignNotDue', 'conflict');
    given([drafted]).when(start('2024-06-01T02:00:00Z')).then([started]);
    given([drafted, started]).when(start('2024-06-02T00:00:00Z')).thenNothing();
  });

  it('finishes a launch once, with its counts', () => {
    given([drafted, started])
      .when({ type: 'FinishLaunch', campaignId: 'june', counts })
      .then([{ type: 'CampaignLaunched', data: { campaignId: 'june', ...counts } }]);
    given([drafted, started, { type: 'CampaignLaunched', data: { campaignId: 'june', ...counts } }])
      .when({ type: 'FinishLaunch', campaignId: 'june', counts })
      .thenNothing();
    given([drafted]).when({ type: 'FinishLaunch', campaignId: 'june', counts }).thenRefused('CampaignNotLaunching');
  });

  it('is cancelled as a draft only; a cancelled one does not launch', () => {
    given([drafted])
      .when({ type: 'CancelCampaign', campaignId: 'june' })
      .then([{ type: 'CampaignCancelled', data: { campaignId: 'june' } }]);
    given([drafted, started]).when({ type: 'CancelCampaign', campaignId: 'june' }).thenRefused('CampaignLaunched', 'conflict');
    given([drafted, { type: 'CampaignCancelled', data: { campaignId: 'june' } }])
      .when(start('2024-07-01T00:00:00Z'))
      .thenRefused('CampaignCancelled');
    given().when({ type: 'CancelCampaign', campaignId: 'june' }).thenRefused('CampaignNotFound', 'not_found');
  });
});

describe('the holdout', () => {
  const ids = Array.from({ length: 20_000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);

  it('is stable: the same campaign and customer are always on the same side', () => {
    expect(ids.slice(0, 100).map((id) => inHoldout('june', id, 10))).toEqual(ids.slice(0, 100).map((id) => inHoldout('june', id, 10)));
  });

  it('holds out about the share asked, and a larger share holds out a superset', () => {
    const ten = ids.filter((id) => inHoldout('june', id, 10));
    expect(Math.abs(ten.length / ids.length - 0.1)).toBeLessThan(0.01);
    expect(ten.every((id) => inHoldout('june', id, 50))).toBe(true);
    expect(ids.some((id) => inHoldout('june', id, 0))).toBe(false);
  });

  it('differs between campaigns', () => {
    expect(ids.slice(0, 50).map((id) => holdoutBucket('june', id))).not.toEqual(ids.slice(0, 50).map((id) => holdoutBucket('july', id)));
  });
});
