/**
 * The Electron shell in the UI's language, on the shipped main bundle (dist/electron/main.cjs)
 * under a fake Electron: with the setting `language` at "de" the tray menu, its tooltip and the
 * right-click menu come out in German from the start; a language saved when Settings saves
 * its preferences (`desktop:set-prefs`) reaches the tray menu and the next right-click menu
 * without a restart,
 * and "system" follows the system's preferred languages. Packaged and with no server
 * configured, so the app stays signed out and needs no lab.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_LAB_ENV } from '../../../host/backend-factory';
import { FakeElectron, runMain, type FakeBrowserWindow, type MenuItem } from '../../support/fake-electron';

let profileDir: string;
let fake: FakeElectron;
let main: FakeBrowserWindow;
/** What the fake system answers for its preferred languages (Electron's `app.getPreferredSystemLanguages`). */
let systemLanguages = ['en-US'];

const trayLabels = () => (fake.trays[0]?.menu?.items ?? []).map((i) => i.label ?? i.type);
const FLAGS = { canCut: true, canCopy: true, canPaste: true, canSelectAll: true };

/** Right-clicks a field with a misspelled word and returns the menu that popped up. */
function rightClickMisspelled(): (string | undefined)[] {
  const before = fake.callsOf('Menu.popup').length;
  main.webContents.emit(
    'context-menu',
    { preventDefault: () => undefined },
    { isEditable: true, misspelledWord: 'Besprechnug', dictionarySuggestions: [], selectionText: '', editFlags: FLAGS },
  );
  const shown = fake.callsOf('Menu.popup');
  expect(shown.length).toBe(before + 1);
  return (shown.at(-1)!.args[0] as MenuItem[]).map((i) => i.label ?? i.type);
}

/** Settings → Desktop saves a language (`desktop:set-prefs`); main applies what the reply carries. */
async function chooseLanguage(language: string): Promise<void> {
  const reply = (await fake.invoke('desktop:set-prefs', [{ language }])) as { ok: boolean; value?: { language?: string } };
  expect(reply).toMatchObject({ ok: true, value: { language } });
}

beforeAll(async () => {
  profileDir = mkdtempSync(join(tmpdir(), 'pd-electron-lang-'));
  fake = new FakeElectron({ profileDir, isPackaged: true });
  // The settings file as Settings → Desktop leaves it after choosing Deutsch.
  mkdirSync(fake.app.getPath('userData'), { recursive: true });
  writeFileSync(join(fake.app.getPath('userData'), 'settings.json'), JSON.stringify({ language: 'de' }));
  Object.assign(fake.app, { getPreferredSystemLanguages: () => systemLanguages });
  runMain(fake, { env: { [DEMO_LAB_ENV]: undefined } });
  fake.app.emitReady();
  await fake.until(() => fake.windows[0]?.isVisible() && fake.trays[0]?.menu, 'the main window and the tray menu');
  main = fake.windows[0]!;
});

afterAll(async () => {
  if (fake && !fake.app.quitted) {
    fake.app.quit();
    await fake.until(() => fake.app.quitted, 'the app to end');
  }
  rmSync(profileDir, { recursive: true, force: true });
});

describe('the Electron shell in the UI’s language', () => {
  it('starts in German when the setting says de: tray menu, tooltip and right-click menu', () => {
    expect(trayLabels()).toEqual([
      'Verfügbar',
      'Abwesend',
      'Beschäftigt',
      'Bitte nicht stören',
      'Unsichtbar',
      'separator',
      'Presence Desk anzeigen',
      'separator',
      'Beenden',
    ]);
    expect(fake.trays[0]!.tooltip).toBe('Presence Desk: Abgemeldet');
    expect(rightClickMisspelled()).toEqual([
      'Keine Vorschläge',
      '„Besprechnug“ zum Wörterbuch hinzufügen',
      'separator',
      'Ausschneiden',
      'Kopieren',
      'Einfügen',
      'separator',
      'Alles auswählen',
    ]);
  });

  it('follows a language chosen in Settings without a restart', async () => {
    await chooseLanguage('en');
    expect(trayLabels()).toEqual(['Available', 'Away', 'Busy', 'Do not disturb', 'Invisible', 'separator', 'Show Presence Desk', 'separator', 'Quit']);
    expect(fake.trays[0]!.tooltip).toBe('Presence Desk: Signed out');
    expect(rightClickMisspelled()).toEqual([
      'No suggestions',
      'Add “Besprechnug” to dictionary',
      'separator',
      'Cut',
      'Copy',
      'Paste',
      'separator',
      'Select all',
    ]);
  });

  it('with "system", speaks the first shipped language of the system’s, by its primary tag', async () => {
    systemLanguages = ['fr-CH', 'de-AT', 'en-US'];
    await chooseLanguage('system');
    expect(trayLabels().at(-1)).toBe('Beenden');
    expect(rightClickMisspelled().at(-1)).toBe('Alles auswählen');
    // A system with no shipped language gets English.
    systemLanguages = ['fr-FR'];
    await chooseLanguage('system');
    expect(trayLabels().at(-1)).toBe('Quit');
  });
});
