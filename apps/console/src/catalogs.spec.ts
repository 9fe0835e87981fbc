// The codes the server sends have words in both catalogs, and the catalogs
// hold the same keys: a status the console lacks would show as its code.
import { LIFECYCLE_STATUSES } from '@crm/lifecycle';
import { PRIORITIES } from '@crm/complaints';
import { en } from './locales/en';
import { zhCN } from './locales/zh-CN';

const keys = (value: unknown, prefix = ''): string[] =>
  value !== null && typeof value === 'object' ? Object.entries(value).flatMap(([k, v]) => keys(v, `${prefix}${k}.`)) : [prefix.slice(0, -1)];

describe('the message catalogs', () => {
  it.each([
    ['English', en],
    ['Chinese', zhCN],
  ])('Given the server codes, When shown in %s, Then every lifecycle status and priority has a word and no other', (_, catalog) => {
    expect(Object.keys(catalog.enum.lifecycle).sort()).toEqual([...LIFECYCLE_STATUSES].sort());
    expect(Object.keys(catalog.enum.priority).sort()).toEqual([...PRIORITIES].sort());
  });

  it('Given both catalogs, Then they hold the same keys (plural forms aside)', () => {
    const plain = (catalog: unknown) => [...new Set(keys(catalog).map((k) => k.replace(/_(one|other)$/, '')))].sort();
    expect(plain(zhCN)).toEqual(plain(en));
  });
});
