/**
 * The languages Presence Desk ships, by BCP 47 primary tag. English is the fallback and the
 * reference: every other language must have every English string (test/unit/i18n/locales.test.ts).
 * Adding a language is adding its tag here and its files under shared/locales/<tag>/.
 */
export const LANGUAGES = ['en', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];

/** The choice in Settings → Desktop: a shipped language, or whatever the system uses. */
export const LANGUAGE_CHOICES = ['system', ...LANGUAGES] as const;
export type LanguageChoice = (typeof LANGUAGE_CHOICES)[number];

/** Each language's name in itself, as the Settings list shows it (a German user must find "Deutsch" in an English UI). */
export const LANGUAGE_NAME: Record<Language, string> = { en: 'English', de: 'Deutsch' };

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/**
 * The language to show: the user's choice, or for "system" the first of the system's preferred
 * languages (`navigator.languages`, `app.getPreferredSystemLanguages()`) that ships, by its
 * primary subtag ("de-AT" → German); English when none does.
 */
export function pickLanguage(choice: string | undefined, systemTags: readonly string[]): Language {
  if (isLanguage(choice)) return choice;
  for (const tag of systemTags) {
    const primary = tag.split(/[-_]/)[0]?.toLowerCase();
    if (isLanguage(primary)) return primary;
  }
  return 'en';
}
