import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_TYPES, WATCHER_ACTIONS } from '../../../shared/domain';
import { chooseLanguage, startI18n } from '../../../renderer/src/i18n';
import { isOfferedVisibility, serverTypeLabel, visibilityLabel, VISIBILITIES, watcherActionLabel } from '../../../renderer/src/settings/labels';

/**
 * The names Settings gives to server types, privacy visibilities and pres-rule actions follow
 * the UI's language, and a visibility the app offers no choice of stays in the server's words.
 */
beforeAll(() => startI18n('en'));
afterEach(() => chooseLanguage('en'));

describe('settings labels', () => {
  it('keep the English names the sign-in form and the tests know', () => {
    expect(serverTypeLabel('cme')).toBe('Cisco Unified CME (router)');
    expect(visibilityLabel('reachability-only')).toBe('See only whether I can be reached');
    expect(watcherActionLabel('polite-block')).toBe('Polite block: sees me offline');
  });

  it('are German after the language changes, without a reload', async () => {
    await chooseLanguage('de');
    expect(serverTypeLabel('simple')).toBe('Beliebiger SIMPLE-Server (nur SIP)');
    expect(visibilityLabel('none')).toBe('Sehen nichts (blockiert)');
    expect(watcherActionLabel('block')).toBe('Blockieren: wird abgewiesen');
  });

  it('name every value in each language with a string of its own', async () => {
    for (const language of ['en', 'de'] as const) {
      await chooseLanguage(language);
      const names = [...SERVER_TYPES.map(serverTypeLabel), ...VISIBILITIES.map(visibilityLabel), ...WATCHER_ACTIONS.map(watcherActionLabel)];
      // A missing key would come back as the key itself ("privacy.visibility.all").
      for (const name of names) expect(name, language).not.toMatch(/^[\w-]+(\.[\w-]+)+$/);
      expect(new Set(names).size, language).toBe(names.length);
    }
  });

  it('show a visibility the app has no name for as the server sent it', async () => {
    expect(isOfferedVisibility('contacts-only')).toBe(false);
    expect(visibilityLabel('contacts-only')).toBe('contacts-only');
    await chooseLanguage('de');
    expect(visibilityLabel('contacts-only')).toBe('contacts-only');
    expect(isOfferedVisibility('all')).toBe(true);
  });
});
