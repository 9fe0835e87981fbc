// One customer's history as segments see it: compact dated facts (profile,
// tags, consent, purchases with their categories, refunds, complaints opened
// and closed) in date order, and their tier steps. standingOn(D) folds it as
// of D. The membership projector keeps these facts; pure here.
import type { CustomerEvent } from '@crm/customers';
import { categorySalesOf } from '@crm/customer-views';
import { stepOn, TierFacts, TierStep } from '@crm/tiers';
import type { Standing } from '../segment-match';

/** Why a membership starts or ends: an event, time alone, or the definition's version. */
export type Cause =
  { kind: 'event'; type: string; eventId: string; position: number } | { kind: 'time'; what: string } | { kind: 'version'; version: number; what: 'published' | 'retired' };

export type SegmentFact =
  | { type: 'profile'; province?: string; city?: string; channel?: string; birthday?: string }
  | { type: 'purchase'; amountMinor: number; categories: Array<{ category: string; scaled: string }> }
  | { type: 'refund'; amountMinor: number }
  | { type: 'tagged' | 'untagged'; tag: string }
  | { type: 'consent'; consent: Record<string, boolean> }
  | { type: 'erased' }
  | { type: 'complaintOpened' | 'complaintClosed'; complaintId: string };

export interface DatedSegmentFact {
  date: string;
  position: number;
  eventId: string;
  /** The stored event's type: a cause names it. */
  eventType: string;
  fact: SegmentFact;
}

/** What a customer's event tells segments, or undefined when nothing (a contact). */
export function segmentFactOf(event: CustomerEvent): SegmentFact | undefined {
  switch (event.type) {
    case 'CustomerRegistered':
    case 'CustomerProfileUpdated': {
      const p = event.type === 'CustomerRegistered' ? event.data.profile : event.data.changes;
      const fact: SegmentFact = { type: 'profile' };
      if (p.region?.province) fact.province = p.region.province;
      if (p.region?.city) fact.city = p.region.city;
      if (p.channel) fact.channel = p.channel;
      if (p.birthDate) fact.birthday = p.birthDate.slice(5, 10);
      return fact;
    }
    case 'PurchaseRecorded':
      return { type: 'purchase', amountMinor: event.data.amountMinor, categories: categorySalesOf(event.data.amountMinor, event.data.items ?? []) };
    case 'RefundRecorded':
      return { type: 'refund', amountMinor: event.data.amountMinor };
    case 'CustomerTagged':
      return { type: 'tagged', tag: event.data.tag };
    case 'CustomerUntagged':
      return { type: 'untagged', tag: event.data.tag };
    case 'ConsentChanged':
      return { type: 'consent', consent: event.data.consent as Record<string, boolean> };
    case 'CustomerErased':
      return { type: 'erased' };
    case 'ContactLogged':
    case 'CampaignHeldOut':
      return undefined;
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

export interface CustomerHistory {
  customerId: string;
  /** The first date the customer is known on (registration, or an earlier purchase). */
  joined: string;
  /** In date order, then log order. */
  facts: readonly DatedSegmentFact[];
  tierSteps: readonly TierStep[];
}

export function customerHistory(customerId: string, facts: readonly DatedSegmentFact[], tierSteps: readonly TierStep[] = []): CustomerHistory {
  const ordered = [...facts].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.position - b.position));
  const known = ordered.filter((f) => !f.fact.type.startsWith('complaint'));
  return { customerId, joined: known[0]?.date ?? '9999-12-31', facts: ordered, tierSteps };
}

/** The purchases and refunds tier rules read. */
export function tierFactsOf(facts: readonly DatedSegmentFact[]): TierFacts {
  const dated = (f: DatedSegmentFact) => ({
    date: f.date,
    amountMinor: (f.fact as { amountMinor: number }).amountMinor,
    eventId: f.eventId,
    position: f.position,
    type: f.eventType,
  });
  return { purchases: facts.filter((f) => f.fact.type === 'purchase').map(dated), refunds: facts.filter((f) => f.fact.type === 'refund').map(dated) };
}

/** The customer's standing on `asOf` (RFM left out: it ranks the whole base). */
export function standingOn(history: CustomerHistory, asOf: string): Standing {
  return standingsAlong(history)(asOf);
}

type Folded = Standing & { purchaseDates: string[]; tags: string[]; consent: Record<string, boolean>; lastBoughtOn: Map<string, string>; categorySalesMinor: Map<string, number> };

/**
 * The customer's standing on dates asked in ascending order, each fold
 * continuing from the last (a history of F facts asked on D dates costs F + D,
 * not F x D). The standing answered is the same object, valid until the next ask.
 */
export function standingsAlong(history: CustomerHistory): (asOf: string) => Standing {
  const s: Folded = {
    customerId: history.customerId,
    tier: null,
    purchaseDates: [],
    rfm: null,
    tags: [],
    province: null,
    city: null,
    channel: null,
    consent: {},
    netSpendMinor: 0,
    purchaseCount: 0,
    lastPurchaseOn: null,
    lastBoughtOn: new Map(),
    categorySalesMinor: new Map(),
    salesMinor: 0,
    birthday: null,
    openComplaint: false,
  };
  const open = new Set<string>();
  let next = 0;
  let last = '';
  return (asOf) => {
    if (asOf < last) throw new Error(`standingsAlong is asked in date order: ${asOf} after ${last}`);
    last = asOf;
    for (; next < history.facts.length && history.facts[next].date <= asOf; next++) applyFact(s, open, history.facts[next]);
    s.tier = stepOn(history.tierSteps, asOf)?.standing.tier ?? null;
    s.openComplaint = open.size > 0;
    return s;
  };
}

function applyFact(s: Folded, open: Set<string>, { date, fact }: DatedSegmentFact): void {
  switch (fact.type) {
    case 'profile':
      s.province = fact.province ?? s.province;
      s.city = fact.city ?? s.city;
      s.channel = fact.channel ?? s.channel;
      s.birthday = fact.birthday ?? s.birthday;
      break;
    case 'purchase':
      s.netSpendMinor += fact.amountMinor;
      s.purchaseCount += 1;
      s.purchaseDates.push(date);
      s.lastPurchaseOn = date;
      for (const c of fact.categories) {
        const scaled = Number(c.scaled);
        s.lastBoughtOn.set(c.category, date);
        s.categorySalesMinor.set(c.category, (s.categorySalesMinor.get(c.category) ?? 0) + scaled);
        s.salesMinor += scaled;
      }
      break;
    case 'refund':
      s.netSpendMinor -= fact.amountMinor;
      break;
    case 'tagged':
      s.tags = [...s.tags.filter((t) => t !== fact.tag), fact.tag];
      break;
    case 'untagged':
      s.tags = s.tags.filter((t) => t !== fact.tag);
      break;
    case 'consent':
      s.consent = { ...s.consent, ...fact.consent };
      break;
    case 'erased':
      s.birthday = null;
      break;
    case 'complaintOpened':
      open.add(fact.complaintId);
      break;
    case 'complaintClosed':
      open.delete(fact.complaintId);
      break;
    default: {
      const unknown: never = fact;
      void unknown;
    }
  }
}
