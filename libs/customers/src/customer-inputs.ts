// What the customer capability's application services take from the edges
// (decimal strings, ISO 8601 times) and how it becomes commands: amounts
// parsed, ids derived. Pure; the rules themselves are the decider's.
import { invalid, nameUuid, parseAmount, parseInstant, parseUnitPrice } from '@crm/shared';
import type { CommandResult } from '@crm/event-store';
import { ConsentChannel, ContactChannel, Profile, PurchaseItem } from './customer';
import type { CustomerCommand } from './business-logic';

/** The customer id of an external ref: name-based, so a ref maps to one stream and registering it twice conflicts. */
export const customerIdForRef = (customerRef: string) => nameUuid(`customer-ref:${customerRef}`);

export interface RegisterInput extends Profile {
  customerRef?: string;
  occurredAt?: string;
}

export interface PurchaseInput {
  orderId: string;
  occurredAt: string;
  amount: string;
  currency: string;
  baseAmount?: string;
  channel?: string;
  items?: Array<{ sku: string; category?: string; quantity: number; unitPrice: string }>;
}

export interface RefundInput {
  refundId: string;
  orderId?: string;
  occurredAt: string;
  amount: string;
  currency: string;
  baseAmount?: string;
  reason?: string;
}

export interface ContactInput {
  kind: 'care' | 'marketing';
  channel: ContactChannel;
  occurredAt: string;
  note?: string;
  yearlyPromotion?: boolean;
}

export type { ConsentChannel };

export interface Written<T> {
  ids: T;
  result: CommandResult;
}

/** An ISO instant the DTO already checked; refused again here for callers that are not REST. */
export function instant(value: string, field: string): Date {
  const parsed = parseInstant(value);
  if (!parsed) throw invalid('InvalidTime', `${field} must be an ISO 8601 date-time with an offset, e.g. 2024-05-31T10:00:00+08:00`);
  return parsed;
}

/** Profile fields without the undefined ones (what the events store). */
export function profileOf(input: Profile): Profile {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as Profile;
}

/** The purchase command of an edge input; a base amount is in the shop's currency. */
export function purchaseCommand(input: PurchaseInput, shopCurrency: string): Extract<CustomerCommand, { type: 'RecordPurchase' }> {
  return {
    type: 'RecordPurchase',
    orderId: input.orderId,
    amountMinor: parseAmount(input.amount, input.currency),
    currency: input.currency,
    baseAmountMinor: input.baseAmount !== undefined ? parseAmount(input.baseAmount, shopCurrency) : undefined,
    channel: input.channel,
    items: (input.items ?? []).map((i): PurchaseItem => ({
      sku: i.sku,
      ...(i.category ? { category: i.category } : {}),
      quantity: i.quantity,
      unitPriceScaled: parseUnitPrice(i.unitPrice, input.currency),
    })),
    occurredAt: instant(input.occurredAt, 'occurredAt'),
  };
}

export function refundCommand(input: RefundInput, shopCurrency: string): Extract<CustomerCommand, { type: 'RecordRefund' }> {
  return {
    type: 'RecordRefund',
    refundId: input.refundId,
    orderId: input.orderId,
    amountMinor: parseAmount(input.amount, input.currency),
    currency: input.currency,
    baseAmountMinor: input.baseAmount !== undefined ? parseAmount(input.baseAmount, shopCurrency) : undefined,
    reason: input.reason,
    occurredAt: instant(input.occurredAt, 'occurredAt'),
  };
}

/** One customer's rows of an import, in file order. */
export type ImportedRows = Array<{ purchase: PurchaseInput } | { refund: RefundInput }>;

/** An import's rows of a customer: registered if new (as of their first row), then each row. */
export function importCommands(customerRef: string, rows: ImportedRows, profile: Profile, shopCurrency: string): CustomerCommand[] {
  const customerId = customerIdForRef(customerRef);
  const commands: CustomerCommand[] = rows.map((r) => ('purchase' in r ? purchaseCommand(r.purchase, shopCurrency) : refundCommand(r.refund, shopCurrency)));
  const first = commands.reduce<Date | undefined>((min, c) => ('occurredAt' in c && c.occurredAt && (!min || c.occurredAt < min) ? c.occurredAt : min), undefined);
  return [{ type: 'RegisterCustomer', customerId, customerRef, profile, occurredAt: first, ifNew: true }, ...commands];
}
