import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { LANGUAGES, pickLanguage, type Language, type LanguageChoice } from '../../shared/languages';
import { NAMESPACES, RESOURCES } from '../../shared/locales';

/**
 * The renderer's one i18next instance. Every string the UI shows goes through it: components
 * with `useTranslation(ns)`, plain modules (models, formatters) with `i18n.t` while a component
 * that uses the hook renders them, so that a language change redraws them too.
 *
 * Missing strings are reported on the console as "missing string: ns:key (de)": the e2e walk
 * in German fails on such a line (test/e2e/languages.test.ts).
 */
export const i18n = i18next.createInstance();

export const MISSING_STRING = 'missing string:';

/** Starts i18next in `language`; called once before the first render. */
export async function startI18n(language: Language): Promise<void> {
  await i18n.use(initReactI18next).init({
    resources: RESOURCES,
    lng: language,
    supportedLngs: [...LANGUAGES],
    fallbackLng: 'en',
    ns: [...NAMESPACES],
    defaultNS: 'common',
    // React escapes text itself, and no string of ours is ever HTML.
    interpolation: { escapeValue: false },
    returnNull: false,
    saveMissing: true,
    missingKeyHandler: (languages, ns, key) => console.error(`${MISSING_STRING} ${ns}:${key} (${languages.join(', ')})`),
  });
  setPageLanguage(language);
}

/** Applies the user's choice from Settings (or "system") at once, without a reload. */
export async function chooseLanguage(choice: LanguageChoice | undefined): Promise<Language> {
  const language = pickLanguage(choice, typeof navigator === 'undefined' ? [] : navigator.languages);
  if (i18n.language !== language) await i18n.changeLanguage(language);
  setPageLanguage(language);
  return language;
}

/** `<html lang>` follows, so that screen readers pronounce the page in its language. */
function setPageLanguage(language: Language): void {
  if (typeof document !== 'undefined') document.documentElement.lang = language;
}

/**
 * The locale for Intl formatting: the system's own tag when it is of the UI's language (an
 * en-GB system shows "3 Dec", en-US "Dec 3", de-AT Austrian dates), else the UI's language.
 */
export function locale(): string {
  const language = i18n.language || 'en';
  const system = typeof navigator === 'undefined' ? [] : navigator.languages;
  return system.find((tag) => tag.split(/[-_]/)[0]?.toLowerCase() === language) ?? language;
}

/** "17:45" (or "5:45 PM"), in the UI's language. */
export function formatTime(at: number | Date): string {
  return new Date(at).toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit' });
}

/** A short date ("1 Dec", "1. Dez."), with the year when `withYear`. */
export function formatDay(at: number | Date, withYear = false): string {
  return new Date(at).toLocaleDateString(locale(), { day: 'numeric', month: 'short', ...(withYear ? { year: 'numeric' } : {}) });
}

/** Date and time together, medium date and short time. */
export function formatDateTime(at: number | Date): string {
  return new Date(at).toLocaleString(locale(), { dateStyle: 'medium', timeStyle: 'short' });
}

/** The locale's full numeric date (for lists of older items). */
export function formatDate(at: number | Date): string {
  return new Date(at).toLocaleDateString(locale());
}

/** A number with the locale's grouping and decimal marks. */
export function formatNumber(n: number, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(locale(), options).format(n);
}
