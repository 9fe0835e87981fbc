// The campaigns read model: one row a campaign (the list) and one a
// recipient - contacted or held out - from the customer events a launch
// records. Results join it with the customer list's purchases and refunds.
import type { Migration, SqlExecutor } from '@crm/database';
import { businessTime, type RecordedEvent } from '@crm/event-store';
import type { Projector } from '@crm/projections';
import { AppConfig, knownEventType, shopDate } from '@crm/shared';
import { decodeCampaignEvent } from './campaign';

export const campaignMigrations: Migration[] = [
  {
    id: '0029_campaigns',
    sql: `
CREATE TABLE rm_campaigns (
  campaign_id    text PRIMARY KEY,
  name           text NOT NULL,
  segment_id     text NOT NULL,
  channel        text NOT NULL,
  status         text NOT NULL,
  send_at        timestamptz NOT NULL,
  response_window_days integer NOT NULL,
  created_at     timestamptz NOT NULL,
  launch         jsonb,
  stream_version bigint NOT NULL
);
CREATE INDEX rm_campaigns_created ON rm_campaigns (created_at DESC, campaign_id);
CREATE TABLE rm_campaign_recipients (
  campaign_id text NOT NULL,
  customer_id uuid NOT NULL,
  -- contacted | held_out
  outcome     text NOT NULL,
  -- the contact policy's stage on the send date: ACTIVE, SILENT, SLEEPING, LOST
  stage       text NOT NULL,
  occurred_at timestamptz NOT NULL,
  -- its shop date
  occurred_on date NOT NULL,
  PRIMARY KEY (campaign_id, customer_id)
);
CREATE INDEX rm_campaign_recipients_outcome ON rm_campaign_recipients (campaign_id, outcome, customer_id);
CREATE INDEX rm_campaign_recipients_on ON rm_campaign_recipients (occurred_on) WHERE outcome = 'contacted';`,
  },
];

export class CampaignsProjector implements Projector {
  readonly name = 'campaigns';
  readonly byStream = true;
  readonly tables = ['rm_campaigns', 'rm_campaign_recipients'];

  constructor(private readonly config: Pick<AppConfig, 'shopTimezone'>) {}

  async apply(events: readonly RecordedEvent[], tx: SqlExecutor): Promise<void> {
    const recipients: unknown[][] = [];
    for (const recorded of events) {
      if (!knownEventType(recorded.streamId, recorded.type)) continue;
      if (recorded.streamId.startsWith('campaign-')) await this.campaign(recorded, tx);
      else if (recorded.streamId.startsWith('customer-')) {
        const data = recorded.data as { customerId?: string; campaignId?: string; stage?: string };
        if (typeof data.campaignId !== 'string' || (recorded.type !== 'ContactLogged' && recorded.type !== 'CampaignHeldOut')) continue;
        const outcome = recorded.type === 'ContactLogged' ? 'contacted' : 'held_out';
        const at = businessTime(recorded);
        recipients.push([data.campaignId, data.customerId, outcome, data.stage ?? 'ACTIVE', at, shopDate(new Date(at), this.config.shopTimezone)]);
      }
    }
    if (recipients.length === 0) return;
    await tx.query(
      `INSERT INTO rm_campaign_recipients (campaign_id, customer_id, outcome, stage, occurred_at, occurred_on)
       SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::timestamptz[], $6::date[])
       ON CONFLICT DO NOTHING`,
      [0, 1, 2, 3, 4, 5].map((i) => recipients.map((r) => r[i])),
    );
  }

  private async campaign(recorded: RecordedEvent, tx: SqlExecutor): Promise<void> {
    const event = decodeCampaignEvent(recorded);
    const v = recorded.streamVersion;
    if (event.type === 'CampaignDrafted') {
      const d = event.data;
      await tx.query(
        `INSERT INTO rm_campaigns (campaign_id, name, segment_id, channel, status, send_at, response_window_days, created_at, stream_version)
         VALUES ($1, $2, $3, $4, 'draft', $5, $6, $7, $8) ON CONFLICT (campaign_id) DO NOTHING`,
        [d.campaignId, d.name, d.segmentId, d.channel, d.sendAt, d.responseWindowDays, recorded.recordedAt.toISOString(), v],
      );
      return;
    }
    const status = { CampaignCancelled: 'cancelled', CampaignLaunchStarted: 'launching', CampaignLaunched: 'launched' }[event.type];
    const launch = event.type === 'CampaignLaunched' ? JSON.stringify(event.data) : null;
    await tx.query('UPDATE rm_campaigns SET status = $2, launch = coalesce($3::jsonb, launch), stream_version = $4 WHERE campaign_id = $1 AND stream_version < $4', [
      event.data.campaignId,
      status,
      launch,
      v,
    ]);
  }
}
