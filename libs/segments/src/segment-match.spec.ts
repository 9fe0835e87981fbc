import { parseDefinition } from './segment-definition';
import { daysToBirthday, matches, Standing } from './segment-match';

const customer = (over: Partial<Standing> = {}): Standing => ({
  customerId: 'c1',
  tier: 'VIP',
  purchaseDates: ['2026-01-10', '2026-05-20'],
  rfm: { r: 4, f: 3, m: 5, segment: 'NEEDS_ATTENTION' },
  tags: ['dress lover'],
  province: '广东',
  city: '广州',
  channel: 'tmall',
  consent: { sms: true, email: false },
  netSpendMinor: 250_000,
  purchaseCount: 2,
  lastPurchaseOn: '2026-05-20',
  lastBoughtOn: new Map([['连衣裙', '2026-05-20']]),
  categorySalesMinor: new Map([
    ['连衣裙', 3_000],
    ['鞋', 7_000],
  ]),
  salesMinor: 10_000,
  birthday: '06-10',
  openComplaint: false,
  ...over,
});
const when = (conditions: unknown[], over: Partial<Standing> = {}, asOf = '2026-06-01', extra: Record<string, unknown> = {}) =>
  matches(parseDefinition({ name: 't', conditions, ...extra }, 'CNY'), customer(over), asOf);

describe('whether a standing meets a definition', () => {
  it('choices: in, not_in and =; a customer without a tier is in no tier list and outside every one', () => {
    expect(when([{ field: 'tier', op: 'in', value: ['VIP'] }])).toBe(true);
    expect(when([{ field: 'tier', op: 'in', value: ['VIP'] }], { tier: null })).toBe(false);
    expect(when([{ field: 'tier', op: 'not_in', value: ['VIP'] }], { tier: null })).toBe(true);
    expect(when([{ field: 'region.city', op: '=', value: '广州' }])).toBe(true);
    expect(when([{ field: 'channel', op: '=', value: 'jd' }])).toBe(false);
  });

  it("the lifecycle is judged on the date in the definition's window: she turns SILENT with no event", () => {
    const active = [{ field: 'lifecycle', op: 'in', value: ['NEW_ONCE', 'NEW_REPEAT', 'OLD_ONCE', 'OLD_REPEAT'] }];
    expect(when(active, {}, '2026-08-19')).toBe(true);
    expect(when(active, {}, '2026-08-20')).toBe(false);
    expect(when([{ field: 'lifecycle', op: '=', value: 'SILENT' }], {}, '2026-08-20')).toBe(true);
    expect(when(active, {}, '2026-08-20', { windowMonths: 6 })).toBe(true);
  });

  it('money to the cent, counts and days since the last purchase', () => {
    expect(when([{ field: 'netSpend', op: '>=', value: '2500.00' }])).toBe(true);
    expect(when([{ field: 'netSpend', op: '>=', value: '2500.01' }])).toBe(false);
    expect(when([{ field: 'purchaseCount', op: 'between', value: [2, 3] }])).toBe(true);
    expect(when([{ field: 'daysSinceLastPurchase', op: '<=', value: 12 }])).toBe(true);
    expect(when([{ field: 'daysSinceLastPurchase', op: '<=', value: 11 }])).toBe(false);
    expect(when([{ field: 'daysSinceLastPurchase', op: '>=', value: 0 }], { lastPurchaseOn: null })).toBe(false);
  });

  it('RFM scores and named segment; a customer never scored meets none', () => {
    expect(when([{ field: 'rfm.m', op: '=', value: 5 }])).toBe(true);
    expect(when([{ field: 'rfmSegment', op: '=', value: 'NEEDS_ATTENTION' }])).toBe(true);
    expect(when([{ field: 'rfm.r', op: '>=', value: 1 }], { rfm: null })).toBe(false);
  });

  it('tags: has, not, any of, none of', () => {
    expect(when([{ field: 'tag', op: 'has', value: 'dress lover' }])).toBe(true);
    expect(when([{ field: 'tag', op: 'not', value: 'dress lover' }])).toBe(false);
    expect(when([{ field: 'tag', op: 'in', value: ['x', 'dress lover'] }])).toBe(true);
    expect(when([{ field: 'tag', op: 'not_in', value: ['x', 'dress lover'] }])).toBe(false);
  });

  it('a category bought in the last N days: the day N days back is outside', () => {
    expect(when([{ field: 'boughtCategory', op: 'has', value: '连衣裙', days: 13 }])).toBe(true);
    expect(when([{ field: 'boughtCategory', op: 'has', value: '连衣裙', days: 12 }])).toBe(false);
    expect(when([{ field: 'boughtCategory', op: 'not', value: '鞋', days: 30 }])).toBe(true);
  });

  it('a category share of spend, exact at the bar; without sales no share', () => {
    expect(when([{ field: 'categorySpendShare', op: '>=', value: '0.3', category: '连衣裙' }])).toBe(true);
    expect(when([{ field: 'categorySpendShare', op: '>=', value: '0.3001', category: '连衣裙' }])).toBe(false);
    expect(when([{ field: 'categorySpendShare', op: '<=', value: '0.3', category: '连衣裙' }], { salesMinor: 0 })).toBe(false);
  });

  it('consent per channel (never asked: no consent), an open complaint, a birthday within N days', () => {
    expect(when([{ field: 'consent.sms', op: '=', value: true }])).toBe(true);
    expect(when([{ field: 'consent.wechat', op: '=', value: false }])).toBe(true);
    expect(when([{ field: 'openComplaint', op: '=', value: true }])).toBe(false);
    expect(when([{ field: 'birthdayWithinDays', op: '<=', value: 9 }])).toBe(true);
    expect(when([{ field: 'birthdayWithinDays', op: '<=', value: 8 }])).toBe(false);
    expect(when([{ field: 'birthdayWithinDays', op: '<=', value: 366 }], { birthday: null })).toBe(false);
  });

  it('birthdays: today is 0 days away, past ones count to next year, 29 February on the 28th in other years', () => {
    expect(daysToBirthday('06-01', '2026-06-01')).toBe(0);
    expect(daysToBirthday('05-31', '2026-06-01')).toBe(364);
    expect(daysToBirthday('02-29', '2027-02-01')).toBe(27);
    expect(daysToBirthday('02-29', '2028-02-01')).toBe(28);
  });

  it('all, any and nested groups', () => {
    const vipOrDress = {
      match: 'any',
      conditions: [
        { field: 'tier', op: '=', value: 'SUPREME' },
        { field: 'tag', op: 'has', value: 'dress lover' },
      ],
    };
    expect(when([{ field: 'region.province', op: '=', value: '广东' }], {}, '2026-06-01', { groups: [vipOrDress] })).toBe(true);
    expect(when([{ field: 'region.province', op: '=', value: '广东' }], { tags: [] }, '2026-06-01', { groups: [vipOrDress] })).toBe(false);
    expect(when([], {}, '2026-06-01', { match: 'any' })).toBe(false);
    expect(when([])).toBe(true);
  });
});
