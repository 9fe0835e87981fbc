import { formatAmount, InvalidMoneyError, minorDigits, parseAmount } from './money';

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
