// A timeline entry as staff read it: one sentence with its figures formatted,
// a purchase's items as lines. The raw data stays behind a "details" toggle.

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

const amountOf = (d: Data) => money(d.amount, d.currency);

/** Field names as words: "birthDate" -> "birth date". */
const words = (key: string) => key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();

const sentences: Record<string, (d: Data) => string> = {
  CustomerRegistered: (d) => `Registered${d.customerRef ? ` as ${str(d.customerRef)}` : ''}.`,
  CustomerProfileUpdated: (d) =>
    `Profile changed: ${
      Object.keys((d.changes as Data) ?? {})
        .map(words)
        .join(', ') || 'nothing'
    }.`,
  PurchaseRecorded: (d) =>
    `Order ${str(d.orderId)}: ${amountOf(d)}${d.originalAmount ? ` (paid ${money(d.originalAmount, d.originalCurrency)})` : ''}${d.channel ? ` via ${str(d.channel)}` : ''}.`,
  RefundRecorded: (d) => `Refund ${str(d.refundId)} of ${amountOf(d)}${d.orderId ? ` for order ${str(d.orderId)}` : ''}${d.reason ? `: ${str(d.reason)}` : ''}.`,
  ConsentChanged: (d) =>
    `Consent: ${Object.entries((d.consent as Data) ?? {})
      .map(([channel, yes]) => `${channel} ${yes ? 'given' : 'withdrawn'}`)
      .join(', ')}.`,
  CustomerTagged: (d) => `Tagged "${str(d.tag)}".`,
  CustomerUntagged: (d) => `Tag "${str(d.tag)}" removed.`,
  ContactLogged: (d) => `${d.kind === 'marketing' ? 'Marketing' : 'Care'} contact by ${str(d.channel)}${d.note ? `: ${str(d.note)}` : ''}.`,
  CustomerErased: () => 'Personal data erased (the history stays).',
  ComplaintOpened: (d) => `Complaint opened: ${str(d.subject)} (${str(d.priority)}, ${str(d.channel)}), assigned to ${str(d.agent)}.`,
  ComplaintAssigned: (d) => `Complaint assigned to ${str(d.agent)}${d.previousAgent ? ` (was ${str(d.previousAgent)})` : ''}.`,
  ComplaintEscalated: (d) => `Complaint escalated from ${str(d.previousPriority)} to ${str(d.priority)}.`,
  ComplaintResponded: (d) => `${str(d.agent)} responded${d.first ? ' (first response)' : ''}: ${str(d.message)}`,
  ComplaintResolved: (d) => `Complaint resolved: ${str(d.resolution)}${d.compensation ? `; compensation ${money(d.compensation, d.currency)}` : ''}.`,
  ComplaintReopened: (d) => `Complaint reopened${d.reason ? `: ${str(d.reason)}` : ''}.`,
  ComplaintRated: (d) => `Rated ${str(d.satisfaction)} of 5${d.comment ? `: ${str(d.comment)}` : ''}.`,
  TierChanged: (d) => `Tier ${str(d.from) || 'none'} → ${str(d.to)}${d.reason ? `: ${str(d.reason).replace(/\.$/, '')}` : ''}.`,
  LifecycleChanged: (d) => `Lifecycle ${str(d.from) || 'none'} → ${str(d.to)}.`,
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
  return (d.items as Data[]).map((i) => `${str(i.quantity)} × ${str(i.sku)}${i.category ? ` (${str(i.category)})` : ''} at ${money(i.unitPrice, currency)}`);
}
