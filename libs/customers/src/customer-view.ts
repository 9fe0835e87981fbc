// A customer as their stream tells it, as of a date: spend, purchases, tier
// (default rule set) and lifecycle come from the dated facts through the same
// pure functions the read models use, so any date has an exact answer.
import { EventStore } from '@crm/event-store';
import { lifecycleAsOf, Lifecycle } from '@crm/lifecycle';
import { formatAmount, shopDate } from '@crm/shared';
import { DEFAULT_RULE_SET, DatedAmount, tierAsOf } from '@crm/tiers';
import { Customer, CustomerEvent, evolve, initialCustomer } from './customer';
import { customerStream } from './customer-commands';

export interface CustomerView {
  id: string;
  customerRef: string | null;
  profile: Customer['profile'];
  tags: string[];
  consent: Customer['consent'];
  tier: string | null;
  lifecycle: Lifecycle;
  purchaseCount: number;
  netSpend: string;
  currency: string;
  firstPurchaseAt: string | null;
  lastPurchaseAt: string | null;
  registeredAt: string | null;
  asOf: string;
  version: number;
}

export interface ViewOptions {
  currency: string;
  timezone: string;
  /** Calendar date in the shop's zone; default today. */
  asOf?: string;
  windowMonths?: number;
}

const occurredAt = (e: { metadata: { occurredAt?: unknown }; recordedAt: Date }) => String(e.metadata.occurredAt ?? e.recordedAt.toISOString());

export async function loadCustomerView(store: EventStore, customerId: string, options: ViewOptions): Promise<CustomerView | undefined> {
  const events = await store.readStream(customerStream(customerId));
  if (events.length === 0) return undefined;
  const asOf = options.asOf ?? shopDate(new Date(), options.timezone);
  const dateOf = (iso: string) => shopDate(new Date(iso), options.timezone);
  let state = initialCustomer();
  const purchases: Array<DatedAmount & { at: string }> = [];
  const refunds: DatedAmount[] = [];
  let version = 0;
  for (const recorded of events) {
    const at = occurredAt(recorded);
    // "As of D" sees the events dated on or before D; a customer who joined after D is not there yet.
    if (recorded.type === 'CustomerRegistered' && dateOf(at) > asOf) return undefined;
    const event = recorded as unknown as CustomerEvent;
    if (dateOf(at) <= asOf || event.type === 'CustomerRegistered') state = evolve(state, event);
    if (event.type === 'PurchaseRecorded') purchases.push({ date: dateOf(at), amountMinor: event.data.amountMinor, at });
    if (event.type === 'RefundRecorded') refunds.push({ date: dateOf(at), amountMinor: event.data.amountMinor });
    version = recorded.streamVersion;
  }
  if (!state.registered || !state.customerId) return undefined;
  const seen = purchases.filter((p) => p.date <= asOf).sort((a, b) => a.at.localeCompare(b.at));
  const tier = tierAsOf({ purchases, refunds }, asOf, DEFAULT_RULE_SET, options.currency);
  return {
    id: state.customerId,
    customerRef: state.customerRef ?? null,
    profile: state.profile,
    tags: state.tags,
    consent: state.consent,
    tier: tier.tier,
    lifecycle: lifecycleAsOf(purchases.map((p) => p.date), asOf, options.windowMonths ?? 3),
    purchaseCount: seen.length,
    netSpend: formatAmount(tier.basisMinor, options.currency),
    currency: options.currency,
    firstPurchaseAt: seen[0]?.at ?? null,
    lastPurchaseAt: seen[seen.length - 1]?.at ?? null,
    registeredAt: occurredAt(events[0]),
    asOf,
    version,
  };
}
