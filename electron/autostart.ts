/**
 * Start at login on Linux, where Electron has no login-item API: an XDG autostart entry
 * (`~/.config/autostart/presence-desk.desktop`). Windows and macOS use
 * `app.setLoginItemSettings`. No electron import, so it is unit-tested.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const AUTOSTART_FILE = 'presence-desk.desktop';

/** Desktop Entry `Exec` quoting: the path in double quotes with `"`, `` ` ``, `$` and `\` escaped. */
export function quoteExec(path: string): string {
  return `"${path.replace(/[\\"`$]/g, (c) => `\\${c}`)}"`;
}

export function autostartEntry(executable: string): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Presence Desk',
    'Comment=Presence, IM and click-to-dial',
    `Exec=${quoteExec(executable)} --hidden`,
    'X-GNOME-Autostart-enabled=true',
    'Terminal=false',
    '',
  ].join('\n');
}

/** Writes or removes the entry under `configDir` (`$XDG_CONFIG_HOME` or `~/.config`). */
export function applyLinuxAutostart(configDir: string, enabled: boolean, executable: string): void {
  const dir = join(configDir, 'autostart');
  const file = join(dir, AUTOSTART_FILE);
  if (!enabled) {
    if (existsSync(file)) rmSync(file);
    return;
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, autostartEntry(executable), { mode: 0o644 });
}
