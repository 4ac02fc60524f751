/**
 * Settings in the Electron app: electron-store holds the file, the one zod schema of
 * `core/store/settings.ts` validates it field by field, so both hosts read and repair settings
 * alike. electron-store gets no schema of its own: its schema check clears the whole file when
 * one value is wrong, where ours keeps every usable value and reports the others.
 */
import Store from 'electron-store';
import { DEFAULT_SETTINGS, readSettings, validateSettings, type Settings, type SettingsStore } from '../core/store/settings';

export class ElectronSettingsStore implements SettingsStore {
  private readonly store = new Store<Settings>({
    name: 'settings',
    defaults: DEFAULT_SETTINGS,
    // Only a file that is not JSON at all is cleared; values are repaired by `readSettings`.
    clearInvalidConfig: true,
  });

  constructor(report: (line: string) => void = (line) => console.warn(line)) {
    const { settings, problems } = readSettings(this.store.store);
    for (const line of problems) report(`settings: ${this.store.path}: ${line}`);
    if (problems.length > 0) this.store.set(settings);
  }

  get(): Settings {
    return validateSettings(this.store.store);
  }

  update(patch: Partial<Settings>): Settings {
    const next = validateSettings({ ...this.get(), ...patch });
    this.store.set(next);
    return next;
  }
}
