// The console's language: zh-CN or en (i18next with the catalogs in
// locales/), first as the browser prefers, then as each user chose it in
// this browser. Numbers, money and dates go through Intl in that language.
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './locales/en';
import { zhCN } from './locales/zh-CN';

export const LANGUAGES = [
  { code: 'zh-CN', label: '中文' },
  { code: 'en', label: 'English' },
] as const;
export type Language = (typeof LANGUAGES)[number]['code'];

const KEY = 'crm.language';
const supported = (code: unknown): code is Language => code === 'en' || code === 'zh-CN';
const stored = (user?: string): string | null => (typeof localStorage === 'undefined' ? null : localStorage.getItem(user ? `${KEY}:${user}` : KEY));

/** The language to start in: the last one chosen in this browser, else the browser's first Chinese (any zh-*) or English, else English. */
export function initialLanguage(choice: string | null = stored(), preferred: readonly string[] = typeof navigator === 'undefined' ? [] : navigator.languages): Language {
  if (supported(choice)) return choice;
  const first = preferred.map((l) => l.toLowerCase()).find((l) => l.startsWith('zh') || l.startsWith('en'));
  return first?.startsWith('zh') ? 'zh-CN' : 'en';
}

void i18next.use(initReactI18next).init({
  resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
  lng: initialLanguage(),
  fallbackLng: 'en',
  initAsync: false,
  showSupportNotice: false,
  interpolation: { escapeValue: false },
});
const mark = (code: string) => typeof document !== 'undefined' && document.documentElement.setAttribute('lang', code);
mark(i18next.language);
i18next.on('languageChanged', mark);

/** Switch, and keep the choice for this browser and for this user. */
export function chooseLanguage(code: Language, user?: string): void {
  if (typeof localStorage !== 'undefined') {
    localStorage.setItem(KEY, code);
    if (user) localStorage.setItem(`${KEY}:${user}`, code);
  }
  void i18next.changeLanguage(code);
}

/** The user's own choice once they are known (another user of this browser may have chosen otherwise). */
export function languageOf(user: string): void {
  const mine = stored(user);
  if (supported(mine) && mine !== i18next.language) void i18next.changeLanguage(mine);
}

export const t = i18next.t.bind(i18next);
export const language = () => i18next.language;

/** An enum value the server sends (a stable code) in the user's words; an unknown one as it came. */
export const word = (group: keyof typeof en.enum, value: string | null | undefined): string =>
  value === null || value === undefined ? '-' : t(`enum.${group}.${value}`, { defaultValue: value });

/** A server error in the user's words when its code is known (GraphQL's extensions.reason, then extensions.code). */
export const errorText = (message: string, ...codes: Array<string | undefined>): string => {
  const code = codes.find((c) => c && i18next.exists(`errors.${c}`));
  return code ? t(`errors.${code}`) : message;
};
