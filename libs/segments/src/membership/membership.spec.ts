// The exactness property of membership: on every date, a customer is a member
// by the periods exactly when their standing that day meets the definition in
// force that day - on random histories, definitions and dates.
import type { CustomerEvent } from '@crm/customers';
import { addDays } from '@crm/shared';
import { parseDefinition } from '../segment-definition';
import { matches } from '../segment-match';
import { DEFAULT_SCHEDULE, tierSteps } from '@crm/tiers';
import { customerHistory, DatedSegmentFact, segmentFactOf, standingOn, tierFactsOf } from './customer-history';
import { membershipPeriods, SegmentVersions } from './membership';

function random(seed: number) {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

const CATEGORIES = ['连衣裙', '鞋', 'bags & co.'];
const TAGS = ['south', 'vip-list', 'dress lover'];

function randomHistory(rand: () => number, customerId: string): DatedSegmentFact[] {
  const events: DatedSegmentFact[] = [];
  let date = '2023-01-01';
  let position = 1;
  const push = (event: CustomerEvent) => {
    const fact = segmentFactOf(event);
    if (fact) events.push({ date, fact, eventId: `e${position}`, eventType: event.type, position: position++ });
  };
  push({ type: 'CustomerRegistered', data: { customerId, profile: { region: { province: '广东', city: '广州' }, channel: 'tmall', birthDate: '1990-03-15' }, occurredAt: date } });
  const n = 3 + Math.floor(rand() * 10);
  for (let i = 0; i < n; i++) {
    date = addDays(date, Math.floor(rand() * 120));
    const pick = rand();
    if (pick < 0.5) {
      const category = CATEGORIES[Math.floor(rand() * CATEGORIES.length)];
      const amountMinor = 1_000 + Math.floor(rand() * 300_000);
      push({
        type: 'PurchaseRecorded',
        data: { customerId, orderId: `o${i}`, amountMinor, currency: 'CNY', items: [{ sku: 's', category, quantity: 1, unitPriceScaled: amountMinor * 10_000 }], occurredAt: date },
      });
    } else if (pick < 0.6) push({ type: 'RefundRecorded', data: { customerId, refundId: `r${i}`, amountMinor: 500, currency: 'CNY', occurredAt: date } });
    else if (pick < 0.75) push({ type: 'CustomerTagged', data: { customerId, tag: TAGS[Math.floor(rand() * TAGS.length)] } });
    else if (pick < 0.85) push({ type: 'CustomerUntagged', data: { customerId, tag: TAGS[Math.floor(rand() * TAGS.length)] } });
    else if (pick < 0.92) push({ type: 'ConsentChanged', data: { customerId, consent: { sms: rand() < 0.5 } } });
    else if (pick < 0.96) {
      const complaintId = `k${Math.floor(rand() * 2)}`;
      events.push({
        date,
        fact: { type: rand() < 0.5 ? 'complaintOpened' : 'complaintClosed', complaintId },
        eventId: `e${position}`,
        eventType: 'ComplaintOpened',
        position: position++,
      });
    } else push({ type: 'CustomerProfileUpdated', data: { customerId, changes: { region: { province: '浙江', city: '杭州' } } } });
  }
  return events;
}

const CONDITIONS = [
  { field: 'lifecycle', op: 'in', value: ['NEW_ONCE', 'NEW_REPEAT', 'OLD_ONCE', 'OLD_REPEAT'] },
  { field: 'lifecycle', op: '=', value: 'SLEEPING' },
  { field: 'daysSinceLastPurchase', op: 'between', value: [30, 90] },
  { field: 'daysSinceLastPurchase', op: '<=', value: 45 },
  { field: 'boughtCategory', op: 'has', value: '连衣裙', days: 60 },
  { field: 'boughtCategory', op: 'not', value: '鞋', days: 30 },
  { field: 'netSpend', op: '>=', value: '1500.00' },
  { field: 'purchaseCount', op: '>=', value: 3 },
  { field: 'tag', op: 'has', value: 'south' },
  { field: 'consent.sms', op: '=', value: true },
  { field: 'region.province', op: '=', value: '广东' },
  { field: 'birthdayWithinDays', op: '<=', value: 10 },
  { field: 'categorySpendShare', op: '>=', value: '0.5', category: '鞋' },
  { field: 'openComplaint', op: '=', value: true },
  { field: 'tier', op: 'in', value: ['SENIOR', 'VIP'] },
];

function randomDefinition(rand: () => number) {
  const pick = () => CONDITIONS[Math.floor(rand() * CONDITIONS.length)];
  return parseDefinition(
    {
      name: 'random',
      match: rand() < 0.5 ? 'all' : 'any',
      windowMonths: 1 + Math.floor(rand() * 4),
      conditions: [pick(), pick()],
      groups: [{ match: rand() < 0.5 ? 'all' : 'any', conditions: [pick(), pick()] }],
    },
    'CNY',
  );
}

describe('membership periods', () => {
  it('on every day, a member by the periods is exactly a customer whose standing meets the definition in force (200 random histories and definitions)', () => {
    const rand = random(7);
    for (let run = 0; run < 200; run++) {
      const facts = randomHistory(rand, `c${run}`);
      const history = customerHistory(`c${run}`, facts, tierSteps(tierFactsOf(facts), DEFAULT_SCHEDULE, facts[0].date, 'CNY'));
      const versions: SegmentVersions = {
        versions: [
          { version: 1, from: '0001-01-01', definition: randomDefinition(rand) },
          { version: 2, from: addDays('2023-01-01', Math.floor(rand() * 700)), definition: randomDefinition(rand) },
        ],
        retiredOn: rand() < 0.2 ? '2025-06-01' : null,
      };
      const until = '2026-12-31';
      const periods = membershipPeriods(history, versions, until);
      for (let day = history.joined; day <= until; day = addDays(day, 1 + Math.floor(rand() * 3))) {
        const byPeriods = periods.some((p) => p.enteredOn <= day && (p.leftOn === null || p.leftOn > day));
        const inForce = [...versions.versions].reverse().find((v) => v.from <= day) ?? versions.versions[0];
        const retired = versions.retiredOn !== null && day >= versions.retiredOn;
        const expected = !retired && matches(inForce.definition, standingOn(history, day), day);
        if (byPeriods !== expected) throw new Error(`run ${run}, ${day}: periods say ${byPeriods}, the standing says ${expected} (${JSON.stringify(versions)})`);
      }
    }
  });

  it('a customer leaves "active" on the day she turns SILENT, with time as the cause', () => {
    const events = randomHistory(random(1), 'c').slice(0, 1);
    events.push({ date: '2024-05-20', eventId: 'p1', eventType: 'PurchaseRecorded', position: 9, fact: { type: 'purchase', amountMinor: 100, categories: [] } });
    const active = parseDefinition({ name: 'active', conditions: [CONDITIONS[0]] }, 'CNY');
    const [period] = membershipPeriods(customerHistory('c', events), { versions: [{ version: 1, from: '0001-01-01', definition: active }], retiredOn: null }, '2026-12-31');
    expect(period).toMatchObject({
      enteredOn: '2024-05-20',
      enteredCause: { kind: 'event', type: 'PurchaseRecorded', eventId: 'p1' },
      leftOn: '2024-08-20',
      leftCause: { kind: 'time', what: 'lifecycle SILENT' },
    });
  });
});
