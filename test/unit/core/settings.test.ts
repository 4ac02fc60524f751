import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, JsonSettingsStore, MemorySettingsStore, SETTINGS_SCHEMA, readSettings, validateSettings } from '../../../core/store/settings';

const dirs: string[] = [];
function settingsFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'desk-settings-'));
  dirs.push(dir);
  const file = join(dir, 'settings.json');
  writeFileSync(file, text);
  return file;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('settings: one schema gives the type, the defaults and the validation', () => {
  it('derives every default from the schema', () => {
    expect(Object.keys(DEFAULT_SETTINGS).sort()).toEqual(Object.keys(SETTINGS_SCHEMA.shape).sort());
    expect(DEFAULT_SETTINGS).toMatchObject({
      server: '',
      idleAwayMinutes: 10,
      sipTransport: 'auto',
      soapTimeoutSeconds: 10,
      soapMaxResponseMB: 10,
      recentNotes: [],
      trustedCertificates: [],
      presenceList: '',
      serverType: 'cups',
    });
    expect(readSettings({}).problems).toEqual([]);
    expect(readSettings(undefined).problems).toEqual([]);
  });

  it('keeps the usable values of a damaged file, replaces each bad one by its default and says which and why', () => {
    const { settings, problems } = readSettings({
      server: 'cups.example.com',
      user: 42,
      idleAwayMinutes: -5,
      sipTransport: 'carrier-pigeon',
      imSound: true,
      soapTimeoutSeconds: Number.NaN,
      presenceList: 'sip:no-domain',
      unknownKey: 'ignored',
    });
    expect(settings).toEqual({ ...DEFAULT_SETTINGS, server: 'cups.example.com', imSound: true });
    expect(problems).toHaveLength(5);
    for (const field of ['user', 'idleAwayMinutes', 'sipTransport', 'soapTimeoutSeconds', 'presenceList'])
      expect(
        problems.find((p) => p.startsWith(`${field}: `)),
        field,
      ).toMatch(/the default .* is used/);
    expect(problems.find((p) => p.startsWith('presenceList'))).toContain('"auto" or a SIP URI');
  });

  it('a server type it does not know falls back to CUPS, in words', () => {
    const { settings, problems } = readSettings({ server: 'router', serverType: 'pbx' });
    expect(settings.serverType).toBe('cups');
    expect(problems).toEqual([expect.stringMatching(/^serverType: .*expected one of "cups"\|"cme"\|"simple"; the default \("cups"\) is used$/)]);
    expect(readSettings({ serverType: 'cme' }).settings.serverType).toBe('cme');
    expect(readSettings({ serverType: 'simple' }).settings.serverType).toBe('simple');
  });

  it('keeps the usable entries of a list and reports the dropped ones', () => {
    const { settings, problems } = readSettings({ recentNotes: ['In a meeting', 7, 'x'.repeat(600), 'Lunch'] });
    expect(settings.recentNotes).toEqual(['In a meeting', 'Lunch']);
    expect(problems).toEqual(['recentNotes: 2 of 4 entries were not usable and were dropped']);
    expect(validateSettings({ recentNotes: Array.from({ length: 30 }, (_, i) => `note ${i}`) }).recentNotes).toHaveLength(10);
  });

  it('never fails on a stored value that is not an object', () => {
    for (const raw of [null, 42, 'text', [1, 2]]) {
      const { settings, problems } = readSettings(raw);
      expect(settings).toEqual(DEFAULT_SETTINGS);
      expect(problems[0]).toMatch(/^settings: expected an object/);
    }
  });
});

describe('the JSON settings file (browser host and lab tools)', () => {
  it('starts from defaults on a file that is not JSON, reports it, and writes a good file on the next change', () => {
    const file = settingsFile('{"server": "cups.exa');
    const reported: string[] = [];
    const store = new JsonSettingsStore(file, (line) => reported.push(line));
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    expect(reported).toHaveLength(1);
    expect(reported[0]).toContain('is not JSON');
    store.update({ server: 'cups.example.com' });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ server: 'cups.example.com', idleAwayMinutes: 10 });
  });

  it('reports each bad stored value with its file and field, keeping the rest', () => {
    const file = settingsFile(JSON.stringify({ server: 'cups.example.com', soapMaxResponseMB: 'big' }));
    const reported: string[] = [];
    const store = new JsonSettingsStore(file, (line) => reported.push(line));
    expect(store.get()).toMatchObject({ server: 'cups.example.com', soapMaxResponseMB: 10 });
    expect(reported).toEqual([expect.stringMatching(new RegExp(`^settings: ${file}: soapMaxResponseMB: .*the default \\(10\\) is used$`))]);
    expect(store.problems).toHaveLength(1);
  });

  it('hands out copies: changing a returned list does not change the stored settings', () => {
    const store = new MemorySettingsStore({ recentNotes: ['a'] });
    store.get().recentNotes.push('b');
    expect(store.get().recentNotes).toEqual(['a']);
    expect(DEFAULT_SETTINGS.recentNotes).toEqual([]);
  });
});
