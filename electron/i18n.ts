/**
 * The shell's strings (tray menu and tooltip, the right-click menu, save dialogs) in the UI's
 * language. Main has its own i18next instance: the renderer's lives in another process. Both
 * read the same bundled strings (shared/locales) and the same setting `language`, so the menus
 * speak the language the window speaks, and follow a change made in Settings at once.
 */
import i18next from 'i18next';
import { LANGUAGES, pickLanguage, type Language } from '../shared/languages';
import { NAMESPACES, RESOURCES } from '../shared/locales';

export const shellI18n = i18next.createInstance();

// Synchronous: every string is bundled, and menus are built before any await could run.
void shellI18n.init({
  resources: RESOURCES,
  lng: 'en',
  supportedLngs: [...LANGUAGES],
  fallbackLng: 'en',
  ns: [...NAMESPACES],
  // As the typed keys assume (renderer/src/i18next.d.ts): the shell names its namespace in each key.
  defaultNS: 'common',
  // Menu labels and tooltips are plain text, never HTML.
  interpolation: { escapeValue: false },
  initAsync: false,
});

/** The shell's `t`, in the language last applied. */
export const t = shellI18n.t.bind(shellI18n);

/** What the shell needs of Electron's `app` to know the system's languages. */
export interface SystemLanguageSource {
  getPreferredSystemLanguages?(): string[];
  getLocale?(): string;
}

/**
 * The system's preferred languages (BCP 47 tags, most preferred first): Electron's list where
 * the host offers it, else its one locale, else none (English is then chosen).
 */
export function systemLanguages(app: SystemLanguageSource): string[] {
  if (typeof app.getPreferredSystemLanguages === 'function') return app.getPreferredSystemLanguages();
  if (typeof app.getLocale === 'function') return [app.getLocale()];
  return [];
}

/**
 * Applies the setting `language` ("system", or a shipped language) to the shell's strings and
 * returns the language in use. Synchronous, so a menu rebuilt right after is in the new language.
 */
export function applyShellLanguage(choice: string | undefined, systemTags: readonly string[]): Language {
  const language = pickLanguage(choice, systemTags);
  if (shellI18n.language !== language) void shellI18n.changeLanguage(language);
  return language;
}
