// The dated fact a stored purchase or refund counts as in tier and lifecycle
// answers: its amount in the shop's currency and the shop-calendar date of
// its business time, with the event that recorded it (a change's cause).
// One definition for the customer's stream read and the tier read model.
import { businessTime, type RecordedEvent } from '@crm/event-store';
import { shopDate } from '@crm/shared';
import type { DatedAmount } from './tier-rules';

export const DATED_FACT_TYPES = ['PurchaseRecorded', 'RefundRecorded'] as const;

export type DatedFact = DatedAmount & { occurredAt: string; type: (typeof DATED_FACT_TYPES)[number] };

export const isDatedFact = (recorded: Pick<RecordedEvent, 'type'>) => recorded.type === 'PurchaseRecorded' || recorded.type === 'RefundRecorded';

export function datedFactOf(recorded: RecordedEvent, timezone: string): DatedFact {
  const occurredAt = businessTime(recorded);
  return {
    date: shopDate(new Date(occurredAt), timezone),
    amountMinor: Number((recorded.data as { amountMinor: number }).amountMinor),
    eventId: recorded.id,
    position: recorded.position,
    occurredAt,
    type: recorded.type as DatedFact['type'],
  };
}
