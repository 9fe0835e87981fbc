// The customer stream: its events (what happened) and its state (what the
// decisions need), folded by evolve. Business time (occurredAt, ISO 8601) is
// event data; amounts are minor units of the shop's base currency. Stored
// events reach the domain through decodeCustomerEvent, which upcasts the
// older shapes.
import { businessTime, type RecordedEvent } from '@crm/event-store';
import { List, Map as ImmutableMap, Set as ImmutableSet } from 'immutable';
import { conflict, CUSTOMER_EVENT_TYPES, MarketingStage, shopDate, UNIT_PRICE_SCALE } from '@crm/shared';
import { DataKey, openProfile, PERSONAL_FIELDS, sealProfile, SealedProfile } from './privacy/personal-data';

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
  /** In 1/10,000 of the purchase currency's minor unit (UNIT_PRICE_SCALE): wholesale prices below a cent stay exact. */
  unitPriceScaled: number;
}

export type CustomerEvent =
  | { type: 'CustomerRegistered'; data: { customerId: string; customerRef?: string; profile: Profile; occurredAt: string } }
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
        occurredAt: string;
      };
    }
  | {
      type: 'RefundRecorded';
      data: { customerId: string; refundId: string; orderId?: string; amountMinor: number; currency: string; reason?: string; occurredAt: string };
    }
  | { type: 'ConsentChanged'; data: { customerId: string; consent: Partial<Record<ConsentChannel, boolean>> } }
  | { type: 'CustomerTagged'; data: { customerId: string; tag: string } }
  | { type: 'CustomerUntagged'; data: { customerId: string; tag: string } }
  | {
      type: 'ContactLogged';
      data: {
        customerId: string;
        contactId: string;
        kind: 'care' | 'marketing';
        channel: ContactChannel;
        note?: string;
        /** Shop-calendar month of occurredAt ("YYYY-MM"): the month its cap counts in. */
        month: string;
        /** A contact of the big yearly promotions: the only marketing a LOST customer may get. */
        yearlyPromotion?: boolean;
        /** The campaign that made it (a launch): one contact per customer and campaign. */
        campaignId?: string;
        /** A marketing contact's policy stage on its date (what its cap was read by). */
        stage?: MarketingStage;
        occurredAt: string;
      };
    }
  /** Left out of a campaign's contacts as its holdout (the control group its lift is measured against); eligible as a contact would have been. */
  | { type: 'CampaignHeldOut'; data: { customerId: string; campaignId: string; channel: ContactChannel; stage: MarketingStage; occurredAt: string } }
  /** The customer's personal data was erased (their data key destroyed); the history stays. */
  | { type: 'CustomerErased'; data: { customerId: string } };

export type CustomerEventType = CustomerEvent['type'];

export interface Customer {
  registered: boolean;
  /** Personal data erased: no personal field can be written again. */
  erased: boolean;
  customerId?: string;
  customerRef?: string;
  profile: Profile;
  consent: Record<ConsentChannel, boolean>;
  tags: string[];
  /**
   * Per order id: amount and what refunds have taken from it. Persistent maps
   * (immutable.js): a new event shares the rest, so evolve costs the same on
   * the 10,000th order as on the first. Keys are the caller's ("constructor" too).
   */
  /** Recorded orders: amount, refunded so far, and when it was bought (epoch ms: a refund cannot come before it). */
  orders: ImmutableMap<string, { amountMinor: number; refundedMinor: number; at: number }>;
  refunds: ImmutableMap<string, { amountMinor: number; orderId?: string }>;
  /** Instants (epoch ms) of the purchases, in stream order: the lifecycle stage the contact policy needs. */
  purchaseTimes: List<number>;
  /** Marketing contacts per shop-calendar month ("YYYY-MM"). */
  marketingByMonth: ImmutableMap<string, number>;
  /** Campaigns that contacted the customer or held them out: a launch re-run decides each once. */
  campaigns: ImmutableSet<string>;
}

export const initialCustomer = (): Customer => ({
  registered: false,
  erased: false,
  profile: {},
  consent: { sms: false, email: false, phone: false, wechat: false },
  tags: [],
  orders: ImmutableMap(),
  refunds: ImmutableMap(),
  purchaseTimes: List(),
  marketingByMonth: ImmutableMap(),
  campaigns: ImmutableSet(),
});

export function evolve(state: Customer, event: CustomerEvent): Customer {
  switch (event.type) {
    case 'CustomerRegistered':
      return { ...state, registered: true, customerId: event.data.customerId, customerRef: event.data.customerRef, profile: event.data.profile };
    case 'CustomerProfileUpdated':
      return { ...state, profile: { ...state.profile, ...event.data.changes } };
    case 'PurchaseRecorded':
      return {
        ...state,
        orders: state.orders.set(event.data.orderId, { amountMinor: event.data.amountMinor, refundedMinor: 0, at: Date.parse(event.data.occurredAt) }),
        purchaseTimes: state.purchaseTimes.push(Date.parse(event.data.occurredAt)),
      };
    case 'RefundRecorded': {
      const { orderId, refundId, amountMinor } = event.data;
      const order = orderId !== undefined ? state.orders.get(orderId) : undefined;
      const orders = order && orderId !== undefined ? state.orders.set(orderId, { ...order, refundedMinor: order.refundedMinor + amountMinor }) : state.orders;
      return { ...state, orders, refunds: state.refunds.set(refundId, { amountMinor, orderId }) };
    }
    case 'ConsentChanged':
      return { ...state, consent: { ...state.consent, ...event.data.consent } };
    case 'CustomerTagged':
      return state.tags.includes(event.data.tag) ? state : { ...state, tags: [...state.tags, event.data.tag] };
    case 'CustomerUntagged':
      return { ...state, tags: state.tags.filter((t) => t !== event.data.tag) };
    case 'ContactLogged': {
      const campaigns = event.data.campaignId === undefined ? state.campaigns : state.campaigns.add(event.data.campaignId);
      if (event.data.kind !== 'marketing') return { ...state, campaigns };
      return { ...state, campaigns, marketingByMonth: state.marketingByMonth.update(event.data.month, 0, (sent) => sent + 1) };
    }
    case 'CampaignHeldOut':
      return { ...state, campaigns: state.campaigns.add(event.data.campaignId) };
    case 'CustomerErased': {
      const profile: Record<string, unknown> = { ...state.profile };
      for (const field of PERSONAL_FIELDS) delete profile[field];
      return { ...state, erased: true, profile };
    }
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

/** Each shared name must be a customer event type (the compiler checks it here). */
const KNOWN_TYPES: ReadonlySet<string> = new Set<CustomerEventType>(CUSTOMER_EVENT_TYPES);

/**
 * The one seam from a stored event to a customer event of today's shape.
 * Upcasts what earlier versions stored: business time in the metadata (now
 * `data.occurredAt`) and item prices in whole minor units (`unitPriceMinor`,
 * now `unitPriceScaled`). Stored events are never rewritten.
 */
export function decodeCustomerEvent(recorded: Pick<RecordedEvent, 'type' | 'data' | 'metadata' | 'recordedAt'>, key?: DataKey): CustomerEvent {
  if (!KNOWN_TYPES.has(recorded.type)) {
    // A newer version wrote it (a rolling upgrade): deciding without it could be wrong, so the command is refused plainly.
    throw conflict('UnknownEventType', `this customer's history holds an event of type ${recorded.type}, which this version does not know (a newer version wrote it): upgrade`, {
      type: recorded.type,
    });
  }
  const data = { ...(recorded.data as Record<string, unknown>) };
  // Personal fields are sealed with the customer's key: opened with it, left out without it (erased).
  const customerId = String(data.customerId);
  if (recorded.type === 'CustomerRegistered' && data.profile) data.profile = openProfile(data.profile as SealedProfile, key, customerId).profile;
  if (recorded.type === 'CustomerProfileUpdated' && data.changes) data.changes = openProfile(data.changes as SealedProfile, key, customerId).profile;
  if (['CustomerRegistered', 'PurchaseRecorded', 'RefundRecorded', 'ContactLogged', 'CampaignHeldOut'].includes(recorded.type)) data.occurredAt = businessTime(recorded);
  if (recorded.type === 'PurchaseRecorded' && Array.isArray(data.items)) data.items = data.items.map(upcastItem);
  return { type: recorded.type, data } as CustomerEvent;
}

function upcastItem(item: Record<string, unknown>): PurchaseItem {
  if (typeof item.unitPriceScaled === 'number') return item as unknown as PurchaseItem;
  const { unitPriceMinor, ...rest } = item;
  return { ...(rest as Omit<PurchaseItem, 'unitPriceScaled'>), unitPriceScaled: Number(unitPriceMinor ?? 0) * UNIT_PRICE_SCALE };
}

/** A customer event as it is stored: its personal fields sealed with the customer's key. */
export function encodeCustomerEvent(event: CustomerEvent, key: DataKey | undefined): unknown {
  if (event.type !== 'CustomerRegistered' && event.type !== 'CustomerProfileUpdated') return event.data;
  const profile = event.type === 'CustomerRegistered' ? event.data.profile : event.data.changes;
  const personal = PERSONAL_FIELDS.some((f) => profile[f] !== undefined);
  if (!personal) return event.data;
  if (key === undefined || key === 'erased') throw new Error(`no data key to seal customer ${event.data.customerId}'s personal data`);
  const sealed = sealProfile(profile, key, event.data.customerId);
  return event.type === 'CustomerRegistered' ? { ...event.data, profile: sealed } : { ...event.data, changes: sealed };
}

/** The shop-calendar date of a dated customer event. */
export const eventDate = (occurredAt: string, timeZone: string) => shopDate(new Date(occurredAt), timeZone);

/** Bump when evolve, decodeCustomerEvent or Customer's shape changes: older snapshots are then ignored. */
export const CUSTOMER_STATE_VERSION = 3;

interface StoredCustomer {
  registered: boolean;
  erased: boolean;
  customerId?: string;
  customerRef?: string;
  profile: SealedProfile;
  consent: Customer['consent'];
  tags: string[];
  orders: Array<[string, number, number, number]>;
  refunds: Array<[string, number, string | null]>;
  purchaseTimes: number[];
  marketingByMonth: Array<[string, number]>;
  campaigns: string[];
}

/**
 * The customer state as a snapshot stores it: personal fields sealed with the
 * customer's key as in the events, so that erasing the key erases them here
 * too. A state holding personal data that cannot be sealed (no key) is not
 * stored: encode answers undefined.
 */
export function customerSnapshot(key: DataKey | undefined) {
  return {
    type: 'customer',
    version: CUSTOMER_STATE_VERSION,
    variant: key === undefined ? 'no-key' : key === 'erased' ? 'erased' : 'key',
    encode: (state: Customer): StoredCustomer | undefined => {
      const personal = PERSONAL_FIELDS.some((f) => state.profile[f] !== undefined);
      if (personal && !Buffer.isBuffer(key)) return undefined;
      return {
        registered: state.registered,
        erased: state.erased,
        customerId: state.customerId,
        customerRef: state.customerRef,
        profile: personal && Buffer.isBuffer(key) && state.customerId ? sealProfile(state.profile, key, state.customerId) : state.profile,
        consent: state.consent,
        tags: state.tags,
        orders: [...state.orders].map(([id, o]) => [id, o.amountMinor, o.refundedMinor, o.at]),
        refunds: [...state.refunds].map(([id, r]) => [id, r.amountMinor, r.orderId ?? null]),
        purchaseTimes: state.purchaseTimes.toArray(),
        marketingByMonth: [...state.marketingByMonth],
        campaigns: [...state.campaigns],
      };
    },
    decode: (stored: unknown): Customer => {
      const s = stored as StoredCustomer;
      return {
        registered: s.registered,
        erased: s.erased,
        customerId: s.customerId,
        customerRef: s.customerRef,
        profile: s.customerId ? openProfile(s.profile, key, s.customerId).profile : (s.profile as Profile),
        consent: s.consent,
        tags: s.tags,
        orders: ImmutableMap(s.orders.map(([id, amountMinor, refundedMinor, at]) => [id, { amountMinor, refundedMinor, at }])),
        refunds: ImmutableMap(s.refunds.map(([id, amountMinor, orderId]) => [id, orderId === null ? { amountMinor } : { amountMinor, orderId }])),
        purchaseTimes: List(s.purchaseTimes),
        marketingByMonth: ImmutableMap(s.marketingByMonth),
        campaigns: ImmutableSet(s.campaigns),
      };
    },
  };
}
