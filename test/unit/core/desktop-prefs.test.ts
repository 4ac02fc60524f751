import { describe, expect, it } from 'vitest';
import type { DesktopPrefs } from '../../../shared/domain';
import { TraceRecorder } from '../../../core/diagnostics';
import { appHandlers } from '../../../core/session/app-handlers';
import { SettingsCertificateTrust } from '../../../core/store/certificate-trust';
import { MemorySettingsStore } from '../../../core/store/settings';

function handlers() {
  const settings = new MemorySettingsStore();
  const told: DesktopPrefs[] = [];
  const app = appHandlers({
    info: { name: 'Presence Desk', version: 't', host: 'browser' } as never,
    settings,
    trace: new TraceRecorder(),
    trust: new SettingsCertificateTrust(settings),
    state: () => ({ phase: 'signed-out' }) as never,
    entry: () => undefined,
    prefsChanged: (p) => told.push(p),
  });
  return { app, settings, told };
}

describe('desktop preferences', () => {
  it('keep the language chosen ("system" by default) and tell every window what was saved', async () => {
    const { app, settings, told } = handlers();
    expect((await app['desktop:prefs']()).language).toBe('system');
    expect((await app['desktop:set-prefs']({ language: 'de' })).language).toBe('de');
    expect(settings.get().language).toBe('de');
    expect(told.map((p) => p.language)).toEqual(['de']);
  });

  it('refuse a language that does not ship, keeping the one before', () => {
    const { app, settings } = handlers();
    app['desktop:set-prefs']({ language: 'de' });
    app['desktop:set-prefs']({ language: 'xx' as never });
    expect(settings.get().language).toBe('de');
  });

  it('read a settings file with an unknown language as "system"', async () => {
    const { validateSettings } = await import('../../../core/store/settings');
    expect(validateSettings({ language: 'klingon' }).language).toBe('system');
  });
});
