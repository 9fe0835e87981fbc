// Decisions on the customer stream: pure functions of a command, the state
// and the shop's rules. They answer events or throw a DomainError.
import { DomainError, conflict, notFound, refused, shopMonth } from '@crm/shared';
import { ConsentChannel, CONSENT_CHANNELS, ContactChannel, Customer, CustomerEvent, Profile, PurchaseItem } from './customer';

export interface CustomerRules {
  shopCurrency: string;
  shopTimezone: string;
  /** Marketing contacts allowed per customer per calendar month (default 3). */
  marketingCapPerMonth: number;
}

export type CustomerCommand =
  | { type: 'RegisterCustomer'; customerId: string; customerRef?: string; profile: Profile }
  | { type: 'UpdateProfile'; changes: Profile }
  | {
      type: 'RecordPurchase';
      orderId: string;
      amountMinor: number;
      currency: string;
      /** Required when currency is not the shop's base currency. */
      baseAmountMinor?: number;
      channel?: string;
      items: PurchaseItem[];
      occurredAt: Date;
    }
  | {
      type: 'RecordRefund';
      refundId: string;
      orderId?: string;
      amountMinor: number;
      currency: string;
      baseAmountMinor?: number;
      reason?: string;
      occurredAt: Date;
    }
  | { type: 'ChangeConsent'; consent: Partial<Record<ConsentChannel, boolean>> }
  | { type: 'TagCustomer'; tag: string }
  | { type: 'UntagCustomer'; tag: string }
  | { type: 'LogContact'; contactId: string; kind: 'care' | 'marketing'; channel: ContactChannel; note?: string; occurredAt: Date };

export function decide(command: CustomerCommand, state: Customer, rules: CustomerRules): CustomerEvent[] {
  if (command.type === 'RegisterCustomer') {
    if (state.registered) {
      throw conflict('CustomerAlreadyRegistered', `customer ${state.customerId} is already registered`, {
        customerId: state.customerId,
        customerRef: state.customerRef,
      });
    }
    return [{ type: 'CustomerRegistered', data: { customerId: command.customerId, customerRef: command.customerRef, profile: command.profile } }];
  }
  if (!state.registered || !state.customerId) throw notFound('CustomerNotFound', 'customer not found');
  const customerId = state.customerId;

  switch (command.type) {
    case 'UpdateProfile': {
      const changes = changedFields(state.profile, command.changes);
      return Object.keys(changes).length === 0 ? [] : [{ type: 'CustomerProfileUpdated', data: { customerId, changes } }];
    }
    case 'RecordPurchase': {
      if (state.orders[command.orderId]) return [];
      const base = inBaseCurrency(command.amountMinor, command.currency, command.baseAmountMinor, rules, 'purchase');
      return [
        {
          type: 'PurchaseRecorded',
          data: {
            customerId,
            orderId: command.orderId,
            amountMinor: base,
            currency: rules.shopCurrency,
            ...(command.currency !== rules.shopCurrency ? { originalAmountMinor: command.amountMinor, originalCurrency: command.currency } : {}),
            ...(command.channel ? { channel: command.channel } : {}),
            items: command.items,
          },
        },
      ];
    }
    case 'RecordRefund': {
      if (state.refunds[command.refundId]) return [];
      const base = inBaseCurrency(command.amountMinor, command.currency, command.baseAmountMinor, rules, 'refund');
      if (command.orderId !== undefined) {
        const order = state.orders[command.orderId];
        if (!order) throw refused('UnknownOrder', `order ${command.orderId} is not recorded for this customer`, { orderId: command.orderId });
        const left = order.amountMinor - order.refundedMinor;
        if (base > left) {
          throw refused('RefundExceedsOrder', `refund of ${base} exceeds the ${left} left of order ${command.orderId}`, {
            orderId: command.orderId,
            leftMinor: left,
            requestedMinor: base,
          });
        }
      }
      return [
        {
          type: 'RefundRecorded',
          data: {
            customerId,
            refundId: command.refundId,
            ...(command.orderId !== undefined ? { orderId: command.orderId } : {}),
            amountMinor: base,
            currency: rules.shopCurrency,
            ...(command.reason ? { reason: command.reason } : {}),
          },
        },
      ];
    }
    case 'ChangeConsent': {
      const changed: Partial<Record<ConsentChannel, boolean>> = {};
      for (const channel of CONSENT_CHANNELS) {
        const wanted = command.consent[channel];
        if (wanted !== undefined && wanted !== state.consent[channel]) changed[channel] = wanted;
      }
      return Object.keys(changed).length === 0 ? [] : [{ type: 'ConsentChanged', data: { customerId, consent: changed } }];
    }
    case 'TagCustomer':
      return state.tags.includes(command.tag) ? [] : [{ type: 'CustomerTagged', data: { customerId, tag: command.tag } }];
    case 'UntagCustomer':
      return state.tags.includes(command.tag) ? [{ type: 'CustomerUntagged', data: { customerId, tag: command.tag } }] : [];
    case 'LogContact': {
      const month = shopMonth(command.occurredAt, rules.shopTimezone);
      if (command.kind === 'marketing') {
        const channel = command.channel as ConsentChannel;
        if (!CONSENT_CHANNELS.includes(channel) || !state.consent[channel]) {
          throw refused('ConsentMissing', `the customer has not consented to marketing by ${command.channel}`, { channel: command.channel });
        }
        const sent = state.marketingByMonth[month] ?? 0;
        if (sent >= rules.marketingCapPerMonth) {
          throw refused(
            'MarketingCapReached',
            `the customer already received ${sent} marketing contacts in ${month}; the cap is ${rules.marketingCapPerMonth} per month`,
            { month, sent, cap: rules.marketingCapPerMonth },
          );
        }
      }
      return [
        {
          type: 'ContactLogged',
          data: {
            customerId,
            contactId: command.contactId,
            kind: command.kind,
            channel: command.channel,
            ...(command.note ? { note: command.note } : {}),
            month,
          },
        },
      ];
    }
    default: {
      const unknown: never = command;
      throw new DomainError('rule', 'UnknownCommand', `unknown command ${(unknown as { type: string }).type}`);
    }
  }
}

/** For commands keyed by a natural id: the earlier event that already answered it. */
export function sameAsEarlier(command: CustomerCommand): ((event: CustomerEvent) => boolean) | undefined {
  if (command.type === 'RecordPurchase') return (e) => e.type === 'PurchaseRecorded' && e.data.orderId === command.orderId;
  if (command.type === 'RecordRefund') return (e) => e.type === 'RefundRecorded' && e.data.refundId === command.refundId;
  return undefined;
}

function inBaseCurrency(amountMinor: number, currency: string, baseAmountMinor: number | undefined, rules: CustomerRules, what: string): number {
  if (currency === rules.shopCurrency) return amountMinor;
  if (baseAmountMinor === undefined) {
    throw refused('BaseAmountRequired', `a ${what} in ${currency} needs baseAmount in the shop currency ${rules.shopCurrency}`, {
      currency,
      shopCurrency: rules.shopCurrency,
    });
  }
  return baseAmountMinor;
}

function changedFields(current: Profile, wanted: Profile): Profile {
  const changes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(wanted)) {
    if (value === undefined) continue;
    if (JSON.stringify((current as Record<string, unknown>)[key]) !== JSON.stringify(value)) changes[key] = value;
  }
  return changes as Profile;
}
