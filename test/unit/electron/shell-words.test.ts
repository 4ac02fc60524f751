/**
 * The shell's menus and tooltip in German, as plain data (no Electron): the tray's statuses use
 * the same words as the window (`common:availability.*`), and each sentence is whole in German.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { applyShellLanguage, systemLanguages } from '../../../electron/i18n';
import { trayMenu, trayTooltip } from '../../../electron/tray-menu';
import { contextMenuItems } from '../../../electron/context-menu';

afterAll(() => void applyShellLanguage('en', []));

describe('the shell in German', () => {
  it('names the statuses, Show and Quit, and says the state in the tooltip', () => {
    expect(applyShellLanguage('de', ['en-US'])).toBe('de');
    const menu = trayMenu('dnd', 'signed-in', { setStatus: vi.fn(), show: vi.fn(), quit: vi.fn() });
    expect(menu.filter((i) => i.type === 'radio').map((i) => [i.label, i.checked])).toEqual([
      ['Verfügbar', false],
      ['Abwesend', false],
      ['Beschäftigt', false],
      ['Bitte nicht stören', true],
      ['Unsichtbar', false],
    ]);
    expect(menu.filter((i) => i.type !== 'separator' && i.type !== 'radio').map((i) => i.label)).toEqual(['Presence Desk anzeigen', 'Beenden']);
    expect(trayTooltip('busy', 'signed-in', 'alex', true)).toBe('Presence Desk — alex: Beschäftigt (Am Telefon)');
    expect(trayTooltip('away', 'reconnecting')).toBe('Presence Desk: Verbindung wird wiederhergestellt…');
    expect(trayTooltip('away', 'signing-in', 'alex')).toBe('Presence Desk — alex: Anmeldung läuft…');
  });

  it('offers German editing words in the right-click menu, quoting the word the German way', () => {
    applyShellLanguage('de', []);
    const flags = { canCut: false, canCopy: true, canPaste: true, canSelectAll: true };
    const items = contextMenuItems(
      { isEditable: true, misspelledWord: 'Termn', dictionarySuggestions: ['Termin'], selectionText: '', editFlags: flags },
      { replace: vi.fn(), learn: vi.fn() },
    );
    expect(items.map((i) => [i.label ?? i.type, i.enabled ?? true])).toEqual([
      ['Termin', true],
      ['„Termn“ zum Wörterbuch hinzufügen', true],
      ['separator', true],
      ['Ausschneiden', false],
      ['Kopieren', true],
      ['Einfügen', true],
      ['separator', true],
      ['Alles auswählen', true],
    ]);
  });

  it('takes "system" from the system’s languages, and English when none is shipped', () => {
    expect(applyShellLanguage('system', systemLanguages({ getPreferredSystemLanguages: () => ['de-CH', 'en-GB'] }))).toBe('de');
    expect(applyShellLanguage('system', systemLanguages({ getLocale: () => 'fr-FR' }))).toBe('en');
    expect(trayTooltip('available', 'signed-out')).toBe('Presence Desk: Signed out');
    expect(systemLanguages({})).toEqual([]);
  });
});
