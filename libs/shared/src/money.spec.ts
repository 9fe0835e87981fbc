import { formatAmount, InvalidMoneyError, minorDigits, parseAmount, withDecimalAmounts } from './money';

describe('money', () => {
  it.each([
    ['123.45', 'CNY', 12345],
    ['0.00', 'CNY', 0],
    ['0', 'CNY', 0],
    ['7.5', 'CNY', 750],
    ['1000', 'JPY', 1000],
    ['1.234', 'KWD', 1234],
    ['999999999999.99', 'CNY', 99999999999999],
  ])('parses %s %s as %d minor units', (text, currency, minor) => expect(parseAmount(text, currency)).toBe(minor));

  it.each([
    ['1.234', 'CNY'],
    ['1.5', 'JPY'],
    ['-1.00', 'CNY'],
    ['1e3', 'CNY'],
    [' 1.00', 'CNY'],
    ['1,00', 'CNY'],
    ['.5', 'CNY'],
    ['', 'CNY'],
    ['9999999999999999', 'CNY'],
  ])('refuses %j in %s', (text, currency) => expect(() => parseAmount(text, currency)).toThrow(InvalidMoneyError));

  it.each([
    [12345, 'CNY', '123.45'],
    [5, 'CNY', '0.05'],
    [-2050, 'CNY', '-20.50'],
    [1000, 'JPY', '1000'],
    [1, 'KWD', '0.001'],
  ])('formats %d %s as %s', (minor, currency, text) => expect(formatAmount(minor, currency)).toBe(text));

  it('knows the minor digits of a currency', () => {
    expect([minorDigits('CNY'), minorDigits('JPY'), minorDigits('KWD')]).toEqual([2, 0, 3]);
  });
});

describe('amount problems say the same wherever the amount arrives', () => {
  it.each([
    ['-10.00', 'amount must be a decimal string without a sign (a refund is recorded as a refund), got "-10.00"'],
    ['-5', 'amount must be a decimal string without a sign (a refund is recorded as a refund), got "-5"'],
    ['10.005', 'amount must have at most 2 decimals for CNY, got "10.005"'],
    ['1e5', 'amount must be a decimal string such as "199.00", got "1e5"'],
  ])('Given %j in CNY, When parsed, Then it is refused with one reason', (decimal, reason) => {
    expect(() => parseAmount(decimal, 'CNY')).toThrow(reason);
  });

  it('Given a yen amount with decimals, When parsed, Then it asks for a whole number', () => {
    expect(() => parseAmount('10.5', 'JPY')).toThrow('amount must be a whole number of JPY, got "10.5"');
  });
});

describe('withDecimalAmounts (event data at the edges)', () => {
  it('Given a purchase paid in USD and booked in CNY, When shown, Then each amount has its decimal in its currency and the items are priced in USD', () => {
    const data = {
      orderId: 'O-1',
      amountMinor: 293931,
      currency: 'CNY',
      originalAmountMinor: 40500,
      originalCurrency: 'USD',
      items: [{ sku: 'tea', quantity: 3, unitPriceScaled: 135_000_000 }],
    };
    expect(withDecimalAmounts(data)).toEqual({
      ...data,
      amount: '2939.31',
      originalAmount: '405.00',
      items: [{ sku: 'tea', quantity: 3, unitPriceScaled: 135_000_000, unitPrice: '135.00' }],
    });
  });

  it('Given a wholesale price below a cent and a refund, When shown, Then the decimals are exact', () => {
    expect(withDecimalAmounts({ currency: 'CNY', items: [{ unitPriceScaled: 1_000 }] })).toEqual({ currency: 'CNY', items: [{ unitPriceScaled: 1_000, unitPrice: '0.001' }] });
    expect(withDecimalAmounts({ refundId: 'R-1', amountMinor: 500, currency: 'JPY' })).toEqual({ refundId: 'R-1', amountMinor: 500, currency: 'JPY', amount: '500' });
  });

  it('Given data without a currency or with hostile keys, When shown, Then nothing is invented and no prototype is touched', () => {
    expect(withDecimalAmounts({ amountMinor: 5 })).toEqual({ amountMinor: 5 });
    const hostile = JSON.parse('{"__proto__": {"polluted": true}, "currency": "CNY", "amountMinor": 100}');
    const shown = withDecimalAmounts(hostile) as Record<string, unknown>;
    expect(Object.getPrototypeOf(shown)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.parse(JSON.stringify(shown))).toEqual({ ['__proto__']: { polluted: true }, currency: 'CNY', amountMinor: 100, amount: '1.00' });
  });
});
