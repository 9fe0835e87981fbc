// What a webhook can subscribe to, and the body a delivery carries. Source
// events go out as stored, without personal data (a receiver that needs the
// profile reads it through the API, where access is checked and erasure
// holds); derived events are computed by the outbox projector and the
// deadline sweep, never written into the customer streams.
import { createHash } from 'node:crypto';
import { businessTime, type RecordedEvent } from '@crm/event-store';
import { SOURCE_EVENT_TYPES, withDecimalAmounts } from '@crm/shared';

export { SOURCE_EVENT_TYPES };

export const DERIVED_EVENT_TYPES = ['TierChanged', 'LifecycleChanged', 'ComplaintDeadlineBreached', 'SegmentEntered', 'SegmentLeft'] as const;
export const WEBHOOK_EVENT_TYPES: readonly string[] = [...SOURCE_EVENT_TYPES, ...DERIVED_EVENT_TYPES];

/** The body of a delivery (the Standard Webhooks payload shape: type, timestamp, data). */
export interface WebhookPayload {
  type: string;
  /** When it happened (business time), ISO 8601 UTC. */
  timestamp: string;
  data: Record<string, unknown>;
}

/** The customer a customer or complaint event belongs to: deliveries keep its order. */
export function customerOf(event: RecordedEvent): string | undefined {
  if (!event.streamId.startsWith('customer-') && !event.streamId.startsWith('complaint-')) return undefined;
  const id = (event.data as { customerId?: unknown } | null)?.customerId;
  return typeof id === 'string' ? id : undefined;
}

/** Sealed personal fields (the profile of a registration or a profile change): never pushed. */
const PERSONAL = new Set(['profile', 'changes']);

/** A stored event as a payload: its data without the personal fields, amounts also as decimal strings (as the API answers them). */
export function sourcePayload(event: RecordedEvent): WebhookPayload {
  const data = withDecimalAmounts(Object.fromEntries(Object.entries(event.data as Record<string, unknown>).filter(([key]) => !PERSONAL.has(key)))) as Record<string, unknown>;
  return {
    type: event.type,
    timestamp: new Date(businessTime(event)).toISOString(),
    data: { ...data, eventId: event.id, streamId: event.streamId, streamVersion: event.streamVersion, position: event.position, recordedAt: event.recordedAt.toISOString() },
  };
}

/** The same message always gets the same id (the webhook-id header): receivers deduplicate on it. */
export function messageId(webhookId: string, ...parts: Array<string | number>): string {
  return `msg_${createHash('sha256')
    .update([webhookId, ...parts].join('|'))
    .digest('base64url')
    .slice(0, 27)}`;
}
