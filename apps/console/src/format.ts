// Dates as the shop sees them: instants in the shop's time zone, dates as given.
import { language, t } from './i18n';
let zone = 'UTC';
export const setShopZone = (timezone: string) => {
  zone = timezone;
};
export const shopZone = () => zone;

export function instant(iso: string | null | undefined): string {
  if (!iso) return '-';
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

/** The calendar date of an instant in the shop's zone (YYYY-MM-DD). */
export const shopDay = (iso: string) => instant(iso).slice(0, 10);

/** A share (0.1234) as a percentage with one decimal, in the reader's language. */
export const percent = (share: number) => new Intl.NumberFormat(language(), { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(share);

/** A count with the reader's grouping (1,234 / 1,234). */
export const count = (n: number) => new Intl.NumberFormat(language()).format(n);

/** A number with one decimal, in the reader's language. */
export const oneDecimal = (n: number) => new Intl.NumberFormat(language(), { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(n);

export const minor = (amountMinor: number) => (amountMinor / 100).toFixed(2);

/** "3 h 20 min left" or "breached 2 h ago". */
export function timeLeft(deadline: string | null, now = Date.now()): string {
  if (!deadline) return '-';
  const ms = Date.parse(deadline) - now;
  const abs = Math.abs(ms);
  const h = Math.floor(abs / 3_600_000);
  const m = Math.floor((abs % 3_600_000) / 60_000);
  const span = h >= 48 ? t('time.days', { n: Math.floor(h / 24) }) : t('time.hoursMinutes', { h, m });
  return ms >= 0 ? t('time.left', { span }) : t('time.over', { span });
}
