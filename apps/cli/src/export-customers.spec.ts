import { loadConfig } from '@crm/shared';
import { csvField } from '@crm/customer-views';
import { ExportUsageError, parseExportArgs } from './export-customers';

describe('the customer export', () => {
  it('quotes CSV fields per RFC 4180 and defuses spreadsheet formulas in text', () => {
    expect(csvField('plain', true)).toBe('plain');
    expect(csvField('a,b', true)).toBe('"a,b"');
    expect(csvField('say "hi"', true)).toBe('"say ""hi"""');
    expect(csvField('=HYPERLINK("x")', true)).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('-200.00')).toBe('-200.00');
    expect(csvField(null)).toBe('');
  });

  it('reads its options and refuses bad ones with a usage error', () => {
    const config = loadConfig({});
    expect(parseExportArgs(['customers', '--as-of', '2024-05-31', '--tier', 'VIP', '--lifecycle', 'SLEEPING', '--out', 'x.csv'], config)).toMatchObject({
      asOf: '2024-05-31',
      tier: 'VIP',
      lifecycle: 'SLEEPING',
      out: 'x.csv',
      windowMonths: 3,
    });
    for (const args of [
      ['orders'],
      ['customers', '--as-of', '2024-02-30'],
      ['customers', '--tier', 'vip'],
      ['customers', '--lifecycle', 'ASLEEP'],
      ['customers', '--window', '4'],
      ['customers', '--color', 'red'],
      ['customers', '--tier'],
    ]) {
      expect(() => parseExportArgs(args, config)).toThrow(ExportUsageError);
    }
  });
});
