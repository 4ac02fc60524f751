/**
 * Settings for hosts without electron-store (the browser host and the lab tools): a small
 * JSON file, validated on read so a hand-edited or corrupted file falls back to defaults
 * field by field instead of failing the start. Electron uses electron-store with the same
 * schema (`SETTINGS_SCHEMA`). Passwords are never part of settings.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TrustedCertificate } from '../cups/tls-trust';
import { TRUSTED_CERTIFICATES_SCHEMA, validateTrustedCertificates } from './certificate-trust';

export interface Settings {
  /** Last CUPS server signed in to (URL or host[:port]); empty = use the built-in demo lab. */
  server: string;
  user: string;
  /** Minutes of inactivity before the status goes to Away automatically (0 = never). */
  idleAwayMinutes: number;
  /** Recently used status notes, newest first. */
  recentNotes: string[];
  /** Override for the SIP transport from the server's configuration (`Presence.Primary.Protocol`). */
  sipTransport: 'auto' | 'tcp' | 'udp' | 'tls';
  /** Extra certificate (PEM) trusted for SIP over TLS: a private CA or the server's own; '' = system store only. */
  sipTrustedCertificate: string;
  /** Electron: start at login. */
  autoStart: boolean;
  /** Play a sound for an incoming IM when the window is not focused. */
  imSound: boolean;
  /** Certificates the user trusted, one per server host:port (pinned by SHA-256). */
  trustedCertificates: TrustedCertificate[];
  /** How long to wait for a SOAP answer (CUPS, WebDialer), in seconds. */
  soapTimeoutSeconds: number;
  /** Largest SOAP response accepted, in MB. */
  soapMaxResponseMB: number;
  /** The phone (WebDialer device name) and line calls are placed from; empty = the first. */
  phoneDevice: string;
  phoneLine: string;
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
  sipTrustedCertificate: '',
  autoStart: false,
  imSound: false,
  trustedCertificates: [],
  soapTimeoutSeconds: 10,
  soapMaxResponseMB: 10,
  phoneDevice: '',
  phoneLine: '',
  presenceList: '',
};

/** JSON schema shared with electron-store. */
export const SETTINGS_SCHEMA = {
  server: { type: 'string', maxLength: 2048 },
  user: { type: 'string', maxLength: 256 },
  idleAwayMinutes: { type: 'number', minimum: 0, maximum: 1440 },
  recentNotes: { type: 'array', items: { type: 'string', maxLength: 512 }, maxItems: 10 },
  sipTransport: { type: 'string', enum: ['auto', 'tcp', 'udp', 'tls'] },
  sipTrustedCertificate: { type: 'string', maxLength: 65536 },
  autoStart: { type: 'boolean' },
  imSound: { type: 'boolean' },
  trustedCertificates: TRUSTED_CERTIFICATES_SCHEMA,
  soapTimeoutSeconds: { type: 'number', minimum: 1, maximum: 300 },
  soapMaxResponseMB: { type: 'number', minimum: 1, maximum: 100 },
  phoneDevice: { type: 'string', maxLength: 256 },
  phoneLine: { type: 'string', maxLength: 256 },
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
    sipTransport: r.sipTransport === 'tcp' || r.sipTransport === 'udp' || r.sipTransport === 'tls' ? r.sipTransport : 'auto',
    sipTrustedCertificate: str(r.sipTrustedCertificate, 65536, DEFAULT_SETTINGS.sipTrustedCertificate),
    autoStart: typeof r.autoStart === 'boolean' ? r.autoStart : DEFAULT_SETTINGS.autoStart,
    imSound: typeof r.imSound === 'boolean' ? r.imSound : DEFAULT_SETTINGS.imSound,
    trustedCertificates: validateTrustedCertificates(r.trustedCertificates),
    soapTimeoutSeconds: inRange(r.soapTimeoutSeconds, 1, 300, DEFAULT_SETTINGS.soapTimeoutSeconds),
    soapMaxResponseMB: inRange(r.soapMaxResponseMB, 1, 100, DEFAULT_SETTINGS.soapMaxResponseMB),
    phoneDevice: str(r.phoneDevice, 256, DEFAULT_SETTINGS.phoneDevice),
    phoneLine: str(r.phoneLine, 256, DEFAULT_SETTINGS.phoneLine),
    presenceList: typeof r.presenceList === 'string' && (r.presenceList === 'auto' || r.presenceList === '' || /^sips?:[^@\s]+@[^\s]+$/i.test(r.presenceList)) && r.presenceList.length <= 512 ? r.presenceList : '',
  };
}

function inRange(v: unknown, min: number, max: number, d: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max ? v : d;
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
