// Decisions on the customer stream: pure functions of a command, the state
// and the shop's rules. They answer events or throw a DomainError.
import { lifecycleAsOf, Lifecycle } from '@crm/lifecycle';
import { addDays, conflict, DomainError, formatAmount, invalid, MarketingStage, minusMonths, notFound, refused, shopDate, shopMonth, startOfShopDay } from '@crm/shared';
import { ConsentChannel, CONSENT_CHANNELS, ContactChannel, Customer, CustomerEvent, Profile, PurchaseItem } from './customer';
import { hasPersonalData } from './privacy/personal-data';

export interface CustomerRules {
  shopCurrency: string;
  shopTimezone: string;
  /** Marketing contacts allowed per customer per calendar month, by lifecycle stage (docs/domain.md contact policy). */
  marketingCapsByStage: Readonly<Record<MarketingStage, number>>;
  /** The clock: business times later than now + clockSkewMs are refused. */
  now: Date;
  clockSkewMs: number;
}

/** The lifecycle window the contact policy reads the stage with (docs/domain.md default). */
export const CONTACT_POLICY_WINDOW_MONTHS = 3;

/** The contact policy's stage of a lifecycle status: the active ones (and prospects) are ACTIVE. */
export function marketingStage(status: Lifecycle): MarketingStage {
  return status === 'SILENT' || status === 'SLEEPING' || status === 'LOST' ? status : 'ACTIVE';
}

export type CustomerCommand =
  | {
      type: 'RegisterCustomer';
      customerId: string;
      customerRef?: string;
      profile: Profile;
      occurredAt?: Date;
      /** An import registers unknown refs on the fly: a known customer is left as they are. */
      ifNew?: boolean;
    }
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
  | {
      type: 'LogContact';
      contactId: string;
      kind: 'care' | 'marketing';
      channel: ContactChannel;
      note?: string;
      occurredAt: Date;
      /** Part of a big yearly promotion: the one marketing a LOST customer may get. */
      yearlyPromotion?: boolean;
      /** A campaign's contact: recorded once per customer and campaign. */
      campaignId?: string;
    }
  /** A campaign's holdout: checked as its contact would be (consent, caps, policy), then held out instead. */
  | { type: 'HoldOutOfCampaign'; campaignId: string; channel: ContactChannel; occurredAt: Date; yearlyPromotion?: boolean }
  | { type: 'EraseCustomer' };

export function decide(command: CustomerCommand, state: Customer, rules: CustomerRules): CustomerEvent[] {
  if ('occurredAt' in command && command.occurredAt && command.occurredAt.getTime() > rules.now.getTime() + rules.clockSkewMs) {
    throw invalid('OccurredInFuture', `occurredAt ${command.occurredAt.toISOString()} is in the future (now is ${rules.now.toISOString()})`, {
      occurredAt: command.occurredAt.toISOString(),
    });
  }
  if (command.type === 'RegisterCustomer') {
    if (state.registered && command.ifNew) return [];
    if (state.registered) {
      throw conflict('CustomerAlreadyRegistered', `customer ${state.customerId} is already registered`, {
        customerId: state.customerId,
        customerRef: state.customerRef,
      });
    }
    const occurredAt = (command.occurredAt ?? rules.now).toISOString();
    return [{ type: 'CustomerRegistered', data: { customerId: command.customerId, customerRef: command.customerRef, profile: command.profile, occurredAt } }];
  }
  if (!state.registered || !state.customerId) throw notFound('CustomerNotFound', 'customer not found');
  const customerId = state.customerId;

  switch (command.type) {
    case 'EraseCustomer':
      return state.erased ? [] : [{ type: 'CustomerErased', data: { customerId } }];
    case 'UpdateProfile': {
      if (state.erased && hasPersonalData(command.changes)) {
        throw refused('PersonalDataErased', `customer ${customerId}'s personal data was erased: no personal field is stored for them again`, { customerId });
      }
      const changes = changedFields(state.profile, command.changes);
      return Object.keys(changes).length === 0 ? [] : [{ type: 'CustomerProfileUpdated', data: { customerId, changes } }];
    }
    case 'RecordPurchase': {
      const base = inBaseCurrency(command.amountMinor, command.currency, command.baseAmountMinor, rules, 'purchase');
      const recorded = state.orders.get(command.orderId);
      if (recorded) {
        if (recorded.amountMinor === base) return [];
        throw conflict('OrderIdInUse', `order ${command.orderId} is recorded with amount ${money(recorded.amountMinor, rules)}, not ${money(base, rules)}`, {
          orderId: command.orderId,
          recordedAmount: formatAmount(recorded.amountMinor, rules.shopCurrency),
        });
      }
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
            occurredAt: command.occurredAt.toISOString(),
          },
        },
      ];
    }
    case 'RecordRefund': {
      if (command.amountMinor <= 0) throw invalid('RefundNotPositive', 'the amount of a refund must be above 0');
      const base = inBaseCurrency(command.amountMinor, command.currency, command.baseAmountMinor, rules, 'refund');
      const recorded = state.refunds.get(command.refundId);
      if (recorded) {
        if (recorded.amountMinor === base && recorded.orderId === command.orderId) return [];
        throw conflict(
          'RefundIdInUse',
          `refund ${command.refundId} is recorded with amount ${money(recorded.amountMinor, rules)}${recorded.orderId ? ` on order ${recorded.orderId}` : ''}`,
          {
            refundId: command.refundId,
            recordedAmount: formatAmount(recorded.amountMinor, rules.shopCurrency),
          },
        );
      }
      if (command.orderId !== undefined) {
        const order = state.orders.get(command.orderId);
        if (!order) throw refused('UnknownOrder', `order ${command.orderId} is not recorded for this customer`, { orderId: command.orderId });
        if (command.occurredAt.getTime() < order.at) {
          throw refused('RefundBeforeOrder', `a refund of order ${command.orderId} cannot be dated before its purchase (${new Date(order.at).toISOString()})`, {
            orderId: command.orderId,
            purchasedAt: new Date(order.at).toISOString(),
          });
        }
        const left = order.amountMinor - order.refundedMinor;
        if (base > left) {
          throw refused('RefundExceedsOrder', `a refund of ${money(base, rules)} exceeds the ${money(left, rules)} left of order ${command.orderId}`, {
            orderId: command.orderId,
            left: formatAmount(left, rules.shopCurrency),
            requested: formatAmount(base, rules.shopCurrency),
            currency: rules.shopCurrency,
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
            occurredAt: command.occurredAt.toISOString(),
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
      if (command.campaignId !== undefined && state.campaigns.has(command.campaignId)) return [];
      const month = shopMonth(command.occurredAt, rules.shopTimezone);
      const stage = command.kind === 'marketing' ? checkMarketing(command, state, rules, month) : undefined;
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
            ...(command.kind === 'marketing' && command.yearlyPromotion ? { yearlyPromotion: true } : {}),
            ...(command.campaignId !== undefined ? { campaignId: command.campaignId, stage } : {}),
            occurredAt: command.occurredAt.toISOString(),
          },
        },
      ];
    }
    case 'HoldOutOfCampaign': {
      if (state.campaigns.has(command.campaignId)) return [];
      const stage = checkMarketing(command, state, rules, shopMonth(command.occurredAt, rules.shopTimezone));
      return [
        {
          type: 'CampaignHeldOut',
          data: { customerId, campaignId: command.campaignId, channel: command.channel, stage, occurredAt: command.occurredAt.toISOString() },
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

const money = (minor: number, rules: CustomerRules) => `${formatAmount(minor, rules.shopCurrency)} ${rules.shopCurrency}`;

/**
 * docs/domain.md contact policy: marketing needs consent for its channel and is
 * capped per month by the customer's lifecycle stage on the contact's date;
 * a LOST customer gets none, except the big yearly promotions; an erased
 * customer none at all (nothing is left to reach them by). Answers the stage.
 */
function checkMarketing(command: { channel: ContactChannel; occurredAt: Date; yearlyPromotion?: boolean }, state: Customer, rules: CustomerRules, month: string): MarketingStage {
  if (state.erased) throw refused('CustomerErased', `customer ${state.customerId}'s personal data was erased: they get no marketing`, { customerId: state.customerId });
  const channel = command.channel as ConsentChannel;
  if (!CONSENT_CHANNELS.includes(channel) || !state.consent[channel]) {
    throw refused('ConsentMissing', `the customer has not consented to marketing by ${command.channel}`, { channel: command.channel });
  }
  const on = shopDate(command.occurredAt, rules.shopTimezone);
  const stage = marketingStage(lifecycleAsOf(decisivePurchaseDates(state.purchaseTimes, on, rules.shopTimezone), on, CONTACT_POLICY_WINDOW_MONTHS));
  if (stage === 'LOST' && command.yearlyPromotion) return stage;
  const cap = rules.marketingCapsByStage[stage];
  const sent = state.marketingByMonth.get(month) ?? 0;
  if (sent >= cap) {
    const why =
      stage === 'LOST' && cap === 0 ? 'a LOST customer gets no marketing except the yearly promotions (yearlyPromotion: true)' : `the cap for ${stage} customers is ${cap} a month`;
    throw refused(cap === 0 ? 'ContactPolicy' : 'MarketingCapReached', `the customer is ${stage} on ${on} and received ${sent} marketing contacts in ${month}; ${why}`, {
      stage,
      month,
      sent,
      cap,
    });
  }
  return stage;
}

/**
 * The purchase dates that decide the lifecycle on `on` (the first and the last
 * seen, and up to two in the window): what lifecycleAsOf needs of all of
 * them, found by comparing instants with the day boundaries, so that a long
 * history costs one pass over numbers, not a calendar date per purchase.
 */
export function decisivePurchaseDates(times: Iterable<number>, on: string, timeZone: string): string[] {
  const end = startOfShopDay(addDays(on, 1), timeZone).getTime();
  const windowFrom = startOfShopDay(addDays(minusMonths(on, CONTACT_POLICY_WINDOW_MONTHS), 1), timeZone).getTime();
  const all = [...times];
  let first = -1;
  let last = -1;
  const inWindow: number[] = [];
  all.forEach((t, i) => {
    if (t >= end) return;
    if (first < 0 || t < all[first]) first = i;
    if (last < 0 || t > all[last]) last = i;
    if (t >= windowFrom && inWindow.length < 2) inWindow.push(i);
  });
  if (first < 0) return [];
  return [...new Set([first, last, ...inWindow])].map((i) => shopDate(new Date(all[i]), timeZone));
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
