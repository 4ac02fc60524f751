import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { APP_ERROR_CODES } from '../../../shared/error-codes';
import { chooseLanguage, startI18n } from '../../../renderer/src/i18n';
import { errorHeadline } from '../../../renderer/src/ErrorHeadline';
import { longTermText } from '../../../renderer/src/LongTermStatus';
import { windowTitle } from '../../../renderer/src/use-notifications';
import { deliverExport } from '../../../renderer/src/download';

/**
 * The session area's plain modules compose their words through i18next: an error's headline by
 * its code, the long-term status line, the window title and the export outcome, in English as
 * the tests have always read them and in German after a language change.
 */
beforeAll(() => startI18n('en'));
afterEach(() => chooseLanguage('en'));

const file = { text: 'x', fileName: 'history.txt', mimeType: 'text/plain' };

describe('in English', () => {
  it('names every error code with its own headline', () => {
    const headlines = APP_ERROR_CODES.map(errorHeadline);
    expect(errorHeadline('auth')).toBe('Wrong user name or password');
    expect(errorHeadline('unreachable')).toBe('The server cannot be reached');
    // Each code has its own words, never the key or a neighbour's.
    expect(new Set(headlines).size).toBe(APP_ERROR_CODES.length);
    for (const h of headlines) expect(h).not.toMatch(/errors\./);
  });

  it('says the long-term status with its last day as it always has', () => {
    expect(longTermText({ note: 'On vacation', until: '2026-12-03' })).toBe('On vacation until 3 Dec');
    expect(longTermText({ note: 'Out of office' })).toBe('Out of office');
  });

  it('puts the unread count before the name in the window title', () => {
    expect(windowTitle(0)).toBe('Presence Desk');
    expect(windowTitle(3)).toBe('(3) Presence Desk');
  });

  it('says where an export went', () => {
    expect(deliverExport({ ...file, savedTo: '/home/a/history.txt' })).toBe('Saved to /home/a/history.txt');
    expect(deliverExport({ text: '', fileName: '', mimeType: 'text/plain' })).toBe('Not saved.');
  });
});

describe('in German', () => {
  it('names every error code in German', async () => {
    const english = APP_ERROR_CODES.map(errorHeadline);
    await chooseLanguage('de');
    expect(errorHeadline('auth')).toBe('Falscher Benutzername oder falsches Kennwort');
    expect(errorHeadline('unreachable')).toBe('Der Server ist nicht erreichbar');
    const german = APP_ERROR_CODES.map(errorHeadline);
    german.forEach((h, i) => expect(h, APP_ERROR_CODES[i]).not.toBe(english[i]));
  });

  it('writes the last day the German way, with the note as the user wrote it', async () => {
    await chooseLanguage('de');
    expect(longTermText({ note: 'Im Urlaub', until: '2026-12-03' })).toBe('Im Urlaub bis 3. Dez.');
    expect(longTermText({ note: 'On vacation', until: '2026-05-21' })).toBe('On vacation bis 21. Mai');
  });

  it('keeps the product name in the title and says where an export went in German', async () => {
    await chooseLanguage('de');
    expect(windowTitle(12_345)).toBe('(12.345) Presence Desk');
    expect(deliverExport({ ...file, savedTo: '/home/a/verlauf.txt' })).toBe('Gespeichert unter /home/a/verlauf.txt');
    expect(deliverExport({ text: '', fileName: '', mimeType: 'text/plain' })).toBe('Nicht gespeichert.');
  });
});
