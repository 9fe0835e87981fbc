// A timeline entry as staff read it: one sentence with its figures formatted,
// a purchase's items as lines. The raw data stays behind a "details" toggle.

import { language, t, word } from './i18n';

type Data = Record<string, unknown>;

const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

/** "¥2,939.31" from the decimal string the server gives (never a float in between). */
export function money(decimal: unknown, currency: unknown, locale = 'en'): string {
  if (typeof decimal !== 'string' || typeof currency !== 'string' || !/^-?\d+(\.\d+)?$/.test(decimal)) return str(decimal);
  const [whole, fraction = ''] = decimal.replace('-', '').split('.');
  const grouped = new Intl.NumberFormat(locale, { useGrouping: true }).format(BigInt(whole));
  const symbol =
    new Intl.NumberFormat(locale, { style: 'currency', currency, currencyDisplay: 'narrowSymbol' }).formatToParts(0).find((p) => p.type === 'currency')?.value ?? currency;
  return `${decimal.startsWith('-') ? '-' : ''}${symbol}${grouped}${fraction ? `.${fraction}` : ''}`;
}

const amountOf = (d: Data) => money(d.amount, d.currency, language());
const opt = (key: string, values: Record<string, unknown>, when: unknown) => (when ? t(key, values) : '');
const reasonOf = (d: Data) => opt('entry.because', { reason: str(d.reason) }, d.reason);

/** Field names as words: "birthDate" -> "birth date". */
const words = (key: string) => key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();

/** A profile field in the catalog's word, else in words. */
const fieldWord = (key: string) => t(`customer.field.${key}`, { defaultValue: words(key) });

const sentences: Record<string, (d: Data) => string> = {
  CustomerRegistered: (d) => (d.customerRef ? t('entry.CustomerRegisteredAs', { ref: str(d.customerRef) }) : t('entry.CustomerRegistered')),
  CustomerProfileUpdated: (d) =>
    t('entry.CustomerProfileUpdated', {
      fields:
        Object.keys((d.changes as Data) ?? {})
          .map(fieldWord)
          .join(', ') || t('entry.nothing'),
    }),
  PurchaseRecorded: (d) =>
    t('entry.PurchaseRecorded', {
      order: str(d.orderId),
      amount: amountOf(d),
      paid: opt('entry.paid', { amount: money(d.originalAmount, d.originalCurrency, language()) }, d.originalAmount),
      via: opt('entry.via', { channel: str(d.channel) }, d.channel),
    }),
  RefundRecorded: (d) =>
    t('entry.RefundRecorded', { refund: str(d.refundId), amount: amountOf(d), order: opt('entry.forOrder', { order: str(d.orderId) }, d.orderId), reason: reasonOf(d) }),
  ConsentChanged: (d) =>
    t('entry.ConsentChanged', {
      changes: Object.entries((d.consent as Data) ?? {})
        .map(([channel, yes]) => t(yes ? 'entry.given' : 'entry.withdrawn', { channel: word('channel', channel) }))
        .join(', '),
    }),
  CustomerTagged: (d) => t('entry.CustomerTagged', { tag: str(d.tag) }),
  CustomerUntagged: (d) => t('entry.CustomerUntagged', { tag: str(d.tag) }),
  ContactLogged: (d) =>
    t(d.kind === 'marketing' ? 'entry.marketingContact' : 'entry.careContact', {
      channel: word('channel', str(d.channel)),
      note: opt('entry.because', { reason: str(d.note) }, d.note) + opt('entry.ofCampaign', { campaign: str(d.campaignId) }, d.campaignId),
    }),
  CampaignHeldOut: (d) => t('entry.CampaignHeldOut', { campaign: str(d.campaignId), channel: word('channel', str(d.channel)) }),
  CustomerErased: () => t('entry.CustomerErased'),
  ComplaintOpened: (d) =>
    t('entry.ComplaintOpened', { subject: str(d.subject), priority: word('priority', str(d.priority)), channel: word('channel', str(d.channel)), agent: str(d.agent) }),
  ComplaintAssigned: (d) => t('entry.ComplaintAssigned', { agent: str(d.agent), was: opt('entry.was', { agent: str(d.previousAgent) }, d.previousAgent) }),
  ComplaintEscalated: (d) => t('entry.ComplaintEscalated', { from: word('priority', str(d.previousPriority)), to: word('priority', str(d.priority)) }),
  ComplaintResponded: (d) => t('entry.ComplaintResponded', { agent: str(d.agent), first: opt('entry.firstResponse', {}, d.first), message: str(d.message) }),
  ComplaintResolved: (d) =>
    t('entry.ComplaintResolved', {
      resolution: str(d.resolution),
      compensation: opt('entry.compensation', { amount: money(d.compensation, d.currency, language()) }, d.compensation),
    }),
  ComplaintReopened: (d) => t('entry.ComplaintReopened', { reason: reasonOf(d) }),
  ComplaintRated: (d) => t('entry.ComplaintRated', { satisfaction: str(d.satisfaction), comment: opt('entry.because', { reason: str(d.comment) }, d.comment) }),
  TierChanged: (d) =>
    // English keeps the server's reason; another language words the basis instead (the reason is English text).
    t('entry.TierChanged', {
      from: str(d.from) || t('entry.none'),
      to: str(d.to),
      reason: opt('entry.because', { reason: str(d.reason).replace(/\.$/, '') }, d.reason),
      basis: str(d.basis),
    }),
  LifecycleChanged: (d) => t('entry.LifecycleChanged', { from: d.from ? word('lifecycle', str(d.from)) : t('entry.none'), to: word('lifecycle', str(d.to)) }),
  SegmentEntered: (d) => t('entry.SegmentEntered', { name: str(d.name) || str(d.segmentId), version: str(d.version) }),
  SegmentLeft: (d) => t('entry.SegmentLeft', { name: str(d.name) || str(d.segmentId) }),
};

/** The entry as a sentence; an unknown type lists its fields in words, whole (never cut mid-word). */
export function entrySentence(type: string, data: unknown): string {
  const d = (data && typeof data === 'object' ? data : {}) as Data;
  const known = sentences[type];
  if (known) return known(d);
  return Object.entries(d)
    .filter(([k, v]) => k !== 'customerId' && (typeof v !== 'object' || v === null))
    .map(([k, v]) => `${words(k)}: ${str(v)}`)
    .join('; ');
}

/** A purchase's items as lines: "3 × tea (drinks) at ¥135.00". */
export function itemLines(type: string, data: unknown): string[] {
  const d = (data && typeof data === 'object' ? data : {}) as Data;
  if (type !== 'PurchaseRecorded' || !Array.isArray(d.items)) return [];
  const currency = d.originalCurrency ?? d.currency;
  return (d.items as Data[]).map((i) =>
    t('entry.item', { quantity: str(i.quantity), sku: str(i.sku), category: i.category ? ` (${str(i.category)})` : '', price: money(i.unitPrice, currency, language()) }),
  );
}
