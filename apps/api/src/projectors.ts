// Every read model's projector, for the service and for `crm rebuild`.
import type { Projector } from '@crm/projections';
import { ServiceHistoryProjector } from '@crm/complaints';
import { CustomerListProjector } from '@crm/customers';
import { AppConfig } from '@crm/shared';
import { TimelineProjector } from '@crm/timeline';

export function allProjectors(config: AppConfig): Projector[] {
  return [new CustomerListProjector(config), new TimelineProjector(), new ServiceHistoryProjector(config)];
}
