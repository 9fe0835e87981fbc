import { DomainError } from '@crm/shared';
import { MAX_CONDITIONS, parseDefinition } from './segment-definition';

const parse = (raw: unknown) => parseDefinition(raw, 'CNY');
function refusal(raw: unknown): { path: unknown; message: string } {
  try {
    parse(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).kind).toBe('invalid');
    return { path: (e as DomainError).details.path, message: (e as DomainError).message };
  }
  throw new Error('not refused');
}
const nested = (depth: number): Record<string, unknown> => (depth === 0 ? { match: 'all', conditions: [] } : { match: 'any', groups: [nested(depth - 1)] });

describe('segment definitions', () => {
  it('a definition over every field is read as stored: money in minor units, shares in basis points', () => {
    const definition = parse({
      name: '南方 "dress" lovers, 2027',
      match: 'all',
      windowMonths: 6,
      conditions: [
        { field: 'tier', op: 'in', value: ['VIP', 'SUPREME'] },
        { field: 'lifecycle', op: 'not_in', value: ['LOST'] },
        { field: 'rfmSegment', op: '=', value: 'CHAMPIONS' },
        { field: 'rfm.r', op: 'between', value: [3, 5] },
        { field: 'rfm.f', op: '>=', value: 2 },
        { field: 'rfm.m', op: 'in', value: [4, 5] },
        { field: 'tag', op: 'has', value: 'dress lover' },
        { field: 'region.province', op: '=', value: '广东' },
        { field: 'region.city', op: 'in', value: ['广州', '深圳'] },
        { field: 'channel', op: '=', value: 'tmall' },
        { field: 'consent.sms', op: '=', value: true },
        { field: 'netSpend', op: 'between', value: ['1000.00', '99999.99'] },
        { field: 'purchaseCount', op: '>=', value: 2 },
        { field: 'daysSinceLastPurchase', op: '<=', value: 90 },
        { field: 'boughtCategory', op: 'has', value: '连衣裙 & 半身裙', days: 365 },
        { field: 'categorySpendShare', op: '>=', value: '0.3', category: '连衣裙 & 半身裙' },
        { field: 'birthdayWithinDays', op: '<=', value: 14 },
        { field: 'openComplaint', op: '=', value: false },
      ],
      groups: [{ match: 'any', conditions: [{ field: 'tag', op: 'not', value: 'wholesale' }] }],
    });
    expect(definition.windowMonths).toBe(6);
    expect(definition.conditions[11]).toEqual({ field: 'netSpend', op: 'between', value: [100_000, 9_999_999] });
    expect(definition.conditions[15]).toEqual({ field: 'categorySpendShare', op: '>=', value: 3_000, category: '连衣裙 & 半身裙' });
    expect(definition.groups[0]).toEqual({ match: 'any', conditions: [{ field: 'tag', op: 'not', value: 'wholesale' }], groups: [] });
  });

  it('defaults: match all, no groups, a 3-month lifecycle window', () =>
    expect(parse({ name: 'everyone' })).toEqual({ name: 'everyone', match: 'all', conditions: [], groups: [], windowMonths: 3 }));

  it.each([
    [{ name: 'x', conditions: [{ field: 'shoeSize', op: '=', value: 38 }] }, 'conditions[0].field'],
    [{ name: 'x', conditions: [{ field: 'tier', op: '>=', value: 'VIP' }] }, 'conditions[0].op'],
    [{ name: 'x', conditions: [{ field: 'purchaseCount', op: '>=', value: '2' }] }, 'conditions[0].value'],
    [{ name: 'x', conditions: [{ field: 'netSpend', op: '>=', value: 1000 }] }, 'conditions[0].value'],
    [{ name: 'x', conditions: [{ field: 'netSpend', op: '>=', value: '10.001' }] }, 'conditions[0].value'],
    [{ name: 'x', conditions: [{ field: 'lifecycle', op: 'in', value: ['ACTIVE'] }] }, 'conditions[0].value[0]'],
    [{ name: 'x', conditions: [{ field: 'rfm.r', op: 'between', value: [4, 2] }] }, 'conditions[0].value'],
    [{ name: 'x', conditions: [{ field: 'boughtCategory', op: 'has', value: 'dress' }] }, 'conditions[0].days'],
    [{ name: 'x', conditions: [{ field: 'tier', op: '=', value: 'VIP', days: 3 }] }, 'conditions[0].days'],
    [{ name: 'x', conditions: [{ field: 'region.city', op: '=', value: 'a\u0000b' }] }, 'conditions[0].value'],
    [{ name: 'x', conditions: [{ field: 'region.city', op: '=', value: '\ud800' }] }, 'conditions[0].value'],
    [{ name: 'x', conditions: [null] }, 'conditions[0]'],
    [{ name: 'x', conditions: [[]] }, 'conditions[0]'],
    [{ name: 'x', conditions: {} }, 'conditions'],
    [{ name: 'x', match: 'none' }, 'match'],
    [{ name: 'x', groups: [{ match: 'all', conditions: [{ field: 'tag', op: 'has', value: 7 }] }] }, 'groups[0].conditions[0].value'],
    [JSON.parse('{"name":"x","__proto__":{"admin":true}}'), '__proto__'],
    [{ name: 'x', constructor: 'y' }, 'constructor'],
    [{ name: 'x', groups: [{ windowMonths: 2 }] }, 'groups[0].windowMonths'],
    [{ match: 'all' }, 'name'],
    [{ name: 'x', windowMonths: 0 }, 'windowMonths'],
    [null, 'definition'],
    [['x'], 'definition'],
  ])('%j is refused at %s', (raw, path) => expect(refusal(raw).path).toBe(path));

  it('groups nest at most 5 deep; 10,000 deep is refused at the sixth level without walking the rest', () => {
    expect(parse({ name: 'x', ...nested(4) }).groups).toHaveLength(1);
    expect(refusal({ name: 'x', ...nested(5) }).path).toBe('groups[0].groups[0].groups[0].groups[0].groups[0]');
    let deep: Record<string, unknown> = { match: 'all' };
    for (let i = 0; i < 10_000; i++) deep = { match: 'all', groups: [deep] };
    expect(refusal({ name: 'x', ...deep }).message).toContain('at most 5 deep');
  });

  it(`at most ${MAX_CONDITIONS} conditions in all; 10,000 are refused before any is read`, () => {
    const condition = { field: 'purchaseCount', op: '>=', value: 1 };
    expect(parse({ name: 'x', conditions: Array(MAX_CONDITIONS).fill(condition) }).conditions).toHaveLength(MAX_CONDITIONS);
    expect(refusal({ name: 'x', conditions: Array(30).fill(condition), groups: [{ conditions: Array(21).fill(condition) }] }).path).toBe('groups[0].conditions');
    expect(refusal({ name: 'x', conditions: Array(10_000).fill({ field: '__proto__' }) }).path).toBe('conditions');
  });
});
