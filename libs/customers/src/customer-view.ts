// A customer as the write side knows it, folded from its stream. The
// read models of the projections (tiers, lifecycle, spend) extend it.
import { EventStore } from '@crm/event-store';
import { formatAmount } from '@crm/shared';
import { Customer, CustomerEvent, evolve, initialCustomer } from './customer';
import { customerStream } from './customer-commands';

export interface CustomerView {
  id: string;
  customerRef: string | null;
  profile: Customer['profile'];
  tags: string[];
  consent: Customer['consent'];
  purchaseCount: number;
  netSpend: string;
  currency: string;
  firstPurchaseAt: string | null;
  lastPurchaseAt: string | null;
  registeredAt: string | null;
  version: number;
}

export async function loadCustomerView(store: EventStore, customerId: string, currency: string): Promise<CustomerView | undefined> {
  const events = await store.readStream(customerStream(customerId));
  if (events.length === 0) return undefined;
  let state = initialCustomer();
  let net = 0;
  const purchaseTimes: string[] = [];
  for (const e of events) {
    const event = e as unknown as CustomerEvent;
    state = evolve(state, event);
    if (event.type === 'PurchaseRecorded') {
      net += event.data.amountMinor;
      purchaseTimes.push(String(e.metadata.occurredAt ?? e.recordedAt.toISOString()));
    }
    if (event.type === 'RefundRecorded') net -= event.data.amountMinor;
  }
  if (!state.registered || !state.customerId) return undefined;
  purchaseTimes.sort();
  return {
    id: state.customerId,
    customerRef: state.customerRef ?? null,
    profile: state.profile,
    tags: state.tags,
    consent: state.consent,
    purchaseCount: purchaseTimes.length,
    netSpend: formatAmount(net, currency),
    currency,
    firstPurchaseAt: purchaseTimes[0] ?? null,
    lastPurchaseAt: purchaseTimes[purchaseTimes.length - 1] ?? null,
    registeredAt: String(events[0].metadata.occurredAt ?? events[0].recordedAt.toISOString()),
    version: events[events.length - 1].streamVersion,
  };
}
