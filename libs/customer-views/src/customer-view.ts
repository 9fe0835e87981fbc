// A customer as their stream tells it, as of a date: spend, purchases, tier
// (under the rule sets in force) and lifecycle come from the dated facts
// through the same pure functions the read models use.
import type { EventStore } from '@crm/event-store';
import { lifecycleAsOf, Lifecycle } from '@crm/lifecycle';
import { formatAmount, knownEventType, shopDate } from '@crm/shared';
import { RuleSchedule, tierOn } from '@crm/tiers';
import { businessTime } from '@crm/event-store';
import { decodeCustomerEvent, evolve, initialCustomer, loadCustomerHistory } from '@crm/customers';
import type { Customer, DataKey } from '@crm/customers';

export interface CustomerView {
  id: string;
  customerRef: string | null;
  profile: Customer['profile'];
  /** The personal fields were erased on request: the profile holds none of them. */
  personalDataErased: boolean;
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
  schedule: RuleSchedule;
  /** Calendar date in the shop's zone; default today. */
  asOf?: string;
  windowMonths?: number;
  /** The customer's data key, to open their personal fields. */
  key?: DataKey;
}

export async function loadCustomerView(store: EventStore, customerId: string, options: ViewOptions): Promise<CustomerView | undefined> {
  const history = await loadCustomerHistory(store, customerId, options.timezone);
  if (!history) return undefined;
  const asOf = options.asOf ?? shopDate(new Date(), options.timezone);
  // "As of D" sees the events dated on or before D; a customer who joined after D is not there yet
  // (joined: registered, or a purchase or refund recorded for them, whichever is earlier).
  if (history.joinedOn > asOf) return undefined;
  let state = initialCustomer();
  for (const recorded of history.events) {
    // A type a newer version wrote is left out of what this version shows (as the read models skip it).
    if (!knownEventType(recorded.streamId, recorded.type)) continue;
    const event = decodeCustomerEvent(recorded, options.key);
    if (shopDate(new Date(businessTime(recorded)), options.timezone) <= asOf || event.type === 'CustomerRegistered') state = evolve(state, event);
  }
  if (!state.registered || !state.customerId) return undefined;
  const { facts } = history;
  const seen = facts.purchases.filter((p) => p.date <= asOf);
  const tier = tierOn(facts, options.schedule, asOf, options.currency);
  return {
    id: state.customerId,
    customerRef: state.customerRef ?? null,
    profile: state.profile,
    personalDataErased: state.erased || options.key === 'erased',
    tags: state.tags,
    consent: state.consent,
    tier: tier.tier,
    lifecycle: lifecycleAsOf(
      facts.purchases.map((p) => p.date),
      asOf,
      options.windowMonths ?? 3,
    ),
    purchaseCount: seen.length,
    netSpend: formatAmount(netSpendAsOf(facts, asOf), options.currency),
    currency: options.currency,
    firstPurchaseAt: seen[0]?.occurredAt ?? null,
    lastPurchaseAt: seen[seen.length - 1]?.occurredAt ?? null,
    registeredAt: history.registeredAt,
    asOf,
    version: history.events[history.events.length - 1].streamVersion,
  };
}

/** docs/domain.md net spend: purchases minus refunds dated on or before D (whatever the tier basis is). */
export function netSpendAsOf(
  facts: { purchases: readonly { date: string; amountMinor: number }[]; refunds: readonly { date: string; amountMinor: number }[] },
  asOf: string,
): number {
  const sum = (xs: readonly { date: string; amountMinor: number }[]) => xs.reduce((s, x) => (x.date <= asOf ? s + x.amountMinor : s), 0);
  return sum(facts.purchases) - sum(facts.refunds);
}
