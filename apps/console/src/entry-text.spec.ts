import i18next from 'i18next';
import { entrySentence, itemLines, money } from './entry-text';
import { initialLanguage } from './i18n';
import { oneDecimal, percent } from './format';

describe('timeline entries as sentences', () => {
  it('Given a purchase with items, When shown, Then one sentence with the amount in the currency, and the items as lines', () => {
    const data = {
      orderId: 'O-1',
      amountMinor: 293931,
      amount: '2939.31',
      currency: 'CNY',
      channel: 'tmall',
      items: [{ sku: 'tea', category: 'drinks, hot', quantity: 3, unitPriceScaled: 2_939_310_000, unitPrice: '293.931' }],
    };
    expect(entrySentence('PurchaseRecorded', data)).toBe('Order O-1: ¥2,939.31 via tmall.');
    expect(itemLines('PurchaseRecorded', data)).toEqual(['3 × tea (drinks, hot) at ¥293.931']);
  });

  it('Given amounts, When formatted, Then grouped with the symbol and exact decimals, never through a float', () => {
    expect(money('12345678901234.56', 'CNY')).toBe('¥12,345,678,901,234.56');
    expect(money('-5.00', 'USD')).toBe('-$5.00');
    expect(money('500', 'JPY')).toBe('¥500');
  });

  it('Given a derived tier change and an unknown entry, When shown, Then words, not raw fields cut mid-word', () => {
    expect(entrySentence('TierChanged', { from: 'NORMAL', to: 'VIP', reason: 'net spend 3000.00 reached 3000.00' })).toBe('Tier NORMAL → VIP: net spend 3000.00 reached 3000.00.');
    expect(entrySentence('SomethingNew', { customerId: 'x', occurredAt: '2025-02-16T10:00:00Z', birthDate: '1990-01-01', cause: { kind: 'event' } })).toBe(
      'occurred at: 2025-02-16T10:00:00Z; birth date: 1990-01-01',
    );
  });

  it('Given a Chinese reader, When shown, Then the sentence and its words are Chinese and the money is the same', async () => {
    await i18next.changeLanguage('zh-CN');
    try {
      expect(entrySentence('PurchaseRecorded', { orderId: 'O-1', amount: '2939.31', currency: 'CNY', channel: 'tmall' })).toBe('订单 O-1：¥2,939.31，渠道 tmall。');
      expect(entrySentence('LifecycleChanged', { from: 'OLD_REPEAT', to: 'SLEEPING' })).toBe('生命周期 老客（复购） → 沉睡。');
      // The server's reason is English: the sentence gives the basis instead.
      expect(entrySentence('TierChanged', { from: 'NORMAL', to: 'VIP', basis: '3000.00', reason: 'net spend 3000.00 reached 3000.00' })).toBe(
        '等级 NORMAL → VIP（计算基数 3000.00）。',
      );
      expect(entrySentence('ContactLogged', { kind: 'care', channel: 'wechat', note: '签收回访' })).toBe('关怀联系（微信）：签收回访。');
    } finally {
      await i18next.changeLanguage('en');
    }
  });
});

describe('the console language', () => {
  it('Given no choice yet, When the browser puts a Chinese before English, Then Chinese; else English; a choice made wins', () => {
    expect(initialLanguage(null, ['zh-TW', 'en'])).toBe('zh-CN');
    expect(initialLanguage(null, ['de', 'zh-HK'])).toBe('zh-CN');
    expect(initialLanguage(null, ['en-US', 'zh-CN'])).toBe('en');
    expect(initialLanguage(null, ['en-GB', 'de'])).toBe('en');
    expect(initialLanguage('en', ['zh-CN'])).toBe('en');
    expect(initialLanguage('fr', ['en'])).toBe('en');
  });
});

describe('numbers in the reader language', () => {
  it('Given shares and hours, When shown, Then through Intl with one decimal, in English and Chinese', async () => {
    expect([percent(0.1234), percent(1), oneDecimal(1234.56)]).toEqual(['12.3%', '100.0%', '1,234.6']);
    await i18next.changeLanguage('zh-CN');
    try {
      expect([percent(0.1234), oneDecimal(1234.56)]).toEqual(['12.3%', '1,234.6']);
    } finally {
      await i18next.changeLanguage('en');
    }
  });
});
