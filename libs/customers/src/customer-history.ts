// A customer's stream read once and sorted into the dated facts every as-of
// answer is computed from (purchases, refunds, each with the event that
// recorded it), beside the raw events for the fold.
import { businessTime, EventStore, RecordedEvent } from '@crm/event-store';
import { shopDate } from '@crm/shared';
import { DatedAmount, datedFactOf, isDatedFact, TierFacts } from '@crm/tiers';
import { customerStream } from './customer-commands';

export interface CustomerHistory {
  events: RecordedEvent[];
  registeredAt: string;
  registeredOn: string;
  /** The earlier of registration and the first purchase or refund: from then on the customer is in as-of answers. */
  joinedOn: string;
  /** Purchases in business-time order. */
  facts: TierFacts & { purchases: Array<DatedAmount & { occurredAt: string }> };
}

export async function loadCustomerHistory(store: EventStore, customerId: string, timezone: string): Promise<CustomerHistory | undefined> {
  return customerHistoryOf(await store.readStream(customerStream(customerId)), timezone);
}

/** The histories of several customers in one read (a page of them). */
export async function loadCustomerHistories(store: EventStore, customerIds: readonly string[], timezone: string): Promise<Array<CustomerHistory | undefined>> {
  const streams = await store.readStreams(customerIds.map(customerStream));
  return customerIds.map((id) => customerHistoryOf(streams.get(customerStream(id)) ?? [], timezone));
}

export function customerHistoryOf(events: RecordedEvent[], timezone: string): CustomerHistory | undefined {
  const first = events[0];
  if (!first || first.type !== 'CustomerRegistered') return undefined;
  const purchases: Array<DatedAmount & { occurredAt: string }> = [];
  const refunds: DatedAmount[] = [];
  for (const recorded of events) {
    if (!isDatedFact(recorded)) continue;
    const fact = datedFactOf(recorded, timezone);
    (fact.type === 'PurchaseRecorded' ? purchases : refunds).push(fact);
  }
  purchases.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
  const registeredAt = businessTime(first);
  const registeredOn = shopDate(new Date(registeredAt), timezone);
  const joinedOn = [...purchases, ...refunds].reduce((min, f) => (f.date < min ? f.date : min), registeredOn);
  return { events, registeredAt, registeredOn, joinedOn, facts: { purchases, refunds } };
}
