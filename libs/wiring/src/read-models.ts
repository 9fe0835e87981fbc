// Every read model's projector, for the service and for `crm rebuild`; the
// service also runs the webhook outbox, which a rebuild must never replay.
import type { Projector } from '@crm/projections';
import { ServiceHistoryProjector } from '@crm/complaints';
import { CustomerListProjector } from '@crm/customer-views';
import type { SqlClient } from '@crm/database';
import type { EventStore } from '@crm/event-store';
import { AppConfig } from '@crm/shared';
import { TierPeriodsProjector } from '@crm/tiers';
import { TimelineProjector } from '@crm/timeline';
import { SegmentMembersProjector, SegmentsProjector } from '@crm/segments';
import { CampaignsProjector } from '@crm/campaigns';
import { WebhookOutboxProjector } from '@crm/webhooks';

export function allProjectors(config: AppConfig): Projector[] {
  return [
    new CustomerListProjector(config),
    new TimelineProjector(),
    new ServiceHistoryProjector(config),
    new TierPeriodsProjector(config),
    new SegmentsProjector(),
    new SegmentMembersProjector(config),
    new CampaignsProjector(config),
  ];
}

/** What a process that projects runs: the read models and the webhook outbox. */
export function runtimeProjectors(config: AppConfig, store: EventStore, sql: SqlClient): Projector[] {
  return [...allProjectors(config), new WebhookOutboxProjector(store, sql, config)];
}
