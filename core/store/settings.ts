/**
 * Settings for hosts without electron-store (the browser host and the lab tools): a small
 * JSON file, validated on read so a hand-edited or corrupted file falls back to defaults
 * field by field instead of failing the start. Electron uses electron-store with the same
 * schema (`SETTINGS_SCHEMA`). Passwords are never part of settings.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Settings {
  /** Last CUPS server signed in to (URL or host[:port]); empty = use the built-in demo lab. */
  server: string;
  user: string;
  /** Minutes of inactivity before the status goes to Away automatically (0 = never). */
  idleAwayMinutes: number;
  /** Recently used status notes, newest first. */
  recentNotes: string[];
  /** Override for the SIP transport from the server's configuration. */
  sipTransport: 'auto' | 'tcp' | 'udp';
  /**
   * Presence of contacts through one event-list subscription (RFC 4662) instead of one per
   * contact: '' = per contact; 'auto' = the list `sip:<user>-list@<presence domain>`; or the
   * list's SIP URI. A server without the list is detected and watched per contact.
   */
  presenceList: string;
}

export const DEFAULT_SETTINGS: Settings = {
  server: '',
  user: '',
  idleAwayMinutes: 10,
  recentNotes: [],
  sipTransport: 'auto',
  presenceList: '',
};

/** JSON schema shared with electron-store. */
export const SETTINGS_SCHEMA = {
  server: { type: 'string', maxLength: 2048 },
  user: { type: 'string', maxLength: 256 },
  idleAwayMinutes: { type: 'number', minimum: 0, maximum: 1440 },
  recentNotes: { type: 'array', items: { type: 'string', maxLength: 512 }, maxItems: 10 },
  sipTransport: { type: 'string', enum: ['auto', 'tcp', 'udp'] },
  presenceList: { type: 'string', maxLength: 512 },
} as const;

export function validateSettings(raw: unknown): Settings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const str = (v: unknown, max: number, d: string) => (typeof v === 'string' && v.length <= max ? v : d);
  return {
    server: str(r.server, 2048, DEFAULT_SETTINGS.server),
    user: str(r.user, 256, DEFAULT_SETTINGS.user),
    idleAwayMinutes:
      typeof r.idleAwayMinutes === 'number' && r.idleAwayMinutes >= 0 && r.idleAwayMinutes <= 1440
        ? r.idleAwayMinutes
        : DEFAULT_SETTINGS.idleAwayMinutes,
    recentNotes: Array.isArray(r.recentNotes)
      ? r.recentNotes.filter((n): n is string => typeof n === 'string' && n.length <= 512).slice(0, 10)
      : [],
    sipTransport: r.sipTransport === 'tcp' || r.sipTransport === 'udp' ? r.sipTransport : 'auto',
    presenceList: typeof r.presenceList === 'string' && (r.presenceList === 'auto' || r.presenceList === '' || /^sips?:[^@\s]+@[^\s]+$/i.test(r.presenceList)) && r.presenceList.length <= 512 ? r.presenceList : '',
  };
}

export interface SettingsStore {
  get(): Settings;
  update(patch: Partial<Settings>): Settings;
}

export class JsonSettingsStore implements SettingsStore {
  private current: Settings;

  constructor(private readonly file: string) {
    let raw: unknown = {};
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      // Missing or unreadable: start from defaults; the next update writes a good file.
    }
    this.current = validateSettings(raw);
  }

  get(): Settings {
    return { ...this.current, recentNotes: [...this.current.recentNotes] };
  }

  update(patch: Partial<Settings>): Settings {
    this.current = validateSettings({ ...this.current, ...patch });
    mkdirSync(dirname(this.file), { recursive: true });
    // Write-then-rename so a crash never leaves a half-written settings file.
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.current, null, 2), { mode: 0o600 });
    renameSync(tmp, this.file);
    return this.get();
  }
}

/** In-memory settings for tests and the demo lab. */
export class MemorySettingsStore implements SettingsStore {
  private current: Settings;
  constructor(initial: Partial<Settings> = {}) {
    this.current = validateSettings({ ...DEFAULT_SETTINGS, ...initial });
  }
  get(): Settings {
    return { ...this.current, recentNotes: [...this.current.recentNotes] };
  }
  update(patch: Partial<Settings>): Settings {
    this.current = validateSettings({ ...this.current, ...patch });
    return this.get();
  }
}
