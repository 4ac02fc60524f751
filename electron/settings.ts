/**
 * Settings in the Electron app: electron-store with the same schema and validation as the
 * browser host's JSON file, so both hosts read and repair settings alike.
 */
import Store from 'electron-store';
import { DEFAULT_SETTINGS, SETTINGS_SCHEMA, validateSettings, type Settings, type SettingsStore } from '../core/store/settings';

export class ElectronSettingsStore implements SettingsStore {
  private readonly store = new Store<Settings>({
    name: 'settings',
    defaults: DEFAULT_SETTINGS,
    schema: SETTINGS_SCHEMA as never,
    clearInvalidConfig: true,
  });

  get(): Settings {
    return validateSettings(this.store.store);
  }

  update(patch: Partial<Settings>): Settings {
    const next = validateSettings({ ...this.get(), ...patch });
    this.store.set(next);
    return next;
  }
}
