// The customer stream: its events (what happened) and its state (what the
// decisions need), folded by evolve. Business time (occurredAt) travels in
// each event's metadata; amounts are minor units of the shop's base currency.

export const CONSENT_CHANNELS = ['sms', 'email', 'phone', 'wechat'] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];
export const CONTACT_CHANNELS = ['sms', 'email', 'phone', 'wechat', 'in_person', 'other'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];
export const GENDERS = ['female', 'male', 'other', 'unknown'] as const;

export interface Region {
  province?: string;
  city?: string;
}

export interface Profile {
  name?: string;
  gender?: (typeof GENDERS)[number];
  birthDate?: string;
  phone?: string;
  email?: string;
  region?: Region;
  shippingAddress?: string;
  nickname?: string;
  creditLevel?: string;
  channel?: string;
}

export interface PurchaseItem {
  sku: string;
  category?: string;
  quantity: number;
  unitPriceMinor: number;
}

export type CustomerEvent =
  | { type: 'CustomerRegistered'; data: { customerId: string; customerRef?: string; profile: Profile } }
  | { type: 'CustomerProfileUpdated'; data: { customerId: string; changes: Profile } }
  | {
      type: 'PurchaseRecorded';
      data: {
        customerId: string;
        orderId: string;
        /** In the shop's base currency. */
        amountMinor: number;
        currency: string;
        /** What the customer paid, when not in the base currency. */
        originalAmountMinor?: number;
        originalCurrency?: string;
        channel?: string;
        items: PurchaseItem[];
      };
    }
  | {
      type: 'RefundRecorded';
      data: { customerId: string; refundId: string; orderId?: string; amountMinor: number; currency: string; reason?: string };
    }
  | { type: 'ConsentChanged'; data: { customerId: string; consent: Partial<Record<ConsentChannel, boolean>> } }
  | { type: 'CustomerTagged'; data: { customerId: string; tag: string } }
  | { type: 'CustomerUntagged'; data: { customerId: string; tag: string } }
  | {
      type: 'ContactLogged';
      data: { customerId: string; contactId: string; kind: 'care' | 'marketing'; channel: ContactChannel; note?: string; month: string };
    };

export type CustomerEventType = CustomerEvent['type'];

export interface Customer {
  registered: boolean;
  customerId?: string;
  customerRef?: string;
  profile: Profile;
  consent: Record<ConsentChannel, boolean>;
  tags: string[];
  /** Per order: amount and what refunds have taken from it. */
  orders: Record<string, { amountMinor: number; refundedMinor: number }>;
  refunds: Record<string, { amountMinor: number; orderId?: string }>;
  /** Marketing contacts per shop-calendar month ("YYYY-MM"). */
  marketingByMonth: Record<string, number>;
}

export const initialCustomer = (): Customer => ({
  registered: false,
  profile: {},
  consent: { sms: false, email: false, phone: false, wechat: false },
  tags: [],
  orders: {},
  refunds: {},
  marketingByMonth: {},
});

export function evolve(state: Customer, event: CustomerEvent): Customer {
  switch (event.type) {
    case 'CustomerRegistered':
      return { ...state, registered: true, customerId: event.data.customerId, customerRef: event.data.customerRef, profile: event.data.profile };
    case 'CustomerProfileUpdated':
      return { ...state, profile: { ...state.profile, ...event.data.changes } };
    case 'PurchaseRecorded':
      return { ...state, orders: { ...state.orders, [event.data.orderId]: { amountMinor: event.data.amountMinor, refundedMinor: 0 } } };
    case 'RefundRecorded': {
      const { orderId, refundId, amountMinor } = event.data;
      const orders = { ...state.orders };
      if (orderId && orders[orderId]) orders[orderId] = { ...orders[orderId], refundedMinor: orders[orderId].refundedMinor + amountMinor };
      return { ...state, orders, refunds: { ...state.refunds, [refundId]: { amountMinor, orderId } } };
    }
    case 'ConsentChanged':
      return { ...state, consent: { ...state.consent, ...event.data.consent } };
    case 'CustomerTagged':
      return state.tags.includes(event.data.tag) ? state : { ...state, tags: [...state.tags, event.data.tag] };
    case 'CustomerUntagged':
      return { ...state, tags: state.tags.filter((t) => t !== event.data.tag) };
    case 'ContactLogged':
      if (event.data.kind !== 'marketing') return state;
      return {
        ...state,
        marketingByMonth: { ...state.marketingByMonth, [event.data.month]: (state.marketingByMonth[event.data.month] ?? 0) + 1 },
      };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
