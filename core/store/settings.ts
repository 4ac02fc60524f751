/**
 * The settings shape, defined once as a zod schema: the `Settings` type, the defaults and the
 * validation are all derived from `SETTINGS_SCHEMA`, for both hosts (Electron's electron-store
 * and the browser host's JSON file) and the lab tools. Passwords are never part of settings.
 *
 * Reading is lenient field by field: a hand-edited or corrupted value falls back to its
 * default and is reported in words (field and reason), the other fields are kept, and the
 * start never fails. Lists drop the entries that are not usable and report how many.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { SERVER_TYPES, SIP_TRANSPORT_CHOICES, type DesktopPrefs, type SipConnectionSettings } from '../../shared/domain';
import { LANGUAGE_CHOICES } from '../../shared/languages';
import { MAX_PATH_FIGURES, type StoredPathFigures } from '../sip';
import { TRUSTED_CERTIFICATES_SCHEMA } from './certificate-trust';

/** More muted conversations than anyone keeps: entries beyond it are not kept. */
export const MAX_MUTED = 1000;

/** A figure of milliseconds a member: finite and not negative. */
const msAMember = z.number().finite().nonnegative().optional();
const PATH_FIGURES_SCHEMA = z.object({ key: z.string().min(1).max(1200), list: msAMember, listFailed: z.boolean().optional(), perContact: msAMember });

/** A list that keeps its usable entries (at most `max`) instead of failing whole. */
function lenientList<T extends z.ZodType>(item: T, max: number) {
  return z.array(z.unknown()).transform((entries) =>
    entries
      .flatMap((e) => {
        const parsed = item.safeParse(e);
        return parsed.success ? [parsed.data as z.output<T>] : [];
      })
      .slice(0, max),
  );
}

export const SETTINGS_SCHEMA = z.object({
  /** Last CUPS server signed in to (URL or host[:port]); empty = use the built-in demo lab. */
  server: z.string().max(2048).default(''),
  user: z.string().max(256).default(''),
  /** What `server` is: a CUPS server, a CME router or a SIMPLE server (`--server-type`, the sign-in form's choice; the form opens on it). */
  serverType: z.enum(SERVER_TYPES).default('cups'),
  /**
   * Cisco Unified CME: the SIP login for the router's SIP presence when it differs from the
   * sign-in user name ('' = the sign-in user name, as a voice register pool usually has).
   */
  cmeSipUser: z.string().max(256).default(''),
  /** SIMPLE servers: the XCAP root URI when DNS does not name it ('' = from DNS, else https://xcap.<domain>/xcap-root). */
  xcapRoot: z
    .string()
    .max(2048)
    .refine((v) => v === '' || /^https?:\/\/\S+$/i.test(v), 'must be empty or an http(s) URL')
    .default(''),
  /** DNS servers (`host:port`, comma-separated) asked for SIP and XCAP servers instead of the system's; '' = the system's. */
  dnsServers: z.string().max(1024).default(''),
  /** Minutes of inactivity before the status goes to Away automatically (0 = never). */
  idleAwayMinutes: z.number().finite().min(0).max(1440).default(10),
  /** Recently used status notes, newest first. */
  recentNotes: lenientList(z.string().max(512), 10).default([]),
  /** Override for the SIP transport from the server's configuration (`Presence.Primary.Protocol`). */
  sipTransport: z.enum(SIP_TRANSPORT_CHOICES).default('auto'),
  /** Extra certificate (PEM) trusted for SIP over TLS: a private CA or the server's own; '' = system store only. */
  sipTrustedCertificate: z.string().max(65536).default(''),
  /** Electron: start at login. */
  autoStart: z.boolean().default(false),
  /** Play a sound for an incoming IM when the window is not focused. */
  imSound: z.boolean().default(false),
  /** The UI's language, or "system" for the system's (renderer and Electron menus alike). */
  language: z.enum(LANGUAGE_CHOICES).catch('system').default('system'),
  /** Conversations muted by the user (peer addresses): no sound, notification or badge. */
  mutedConversations: lenientList(z.string().max(512), MAX_MUTED).default([]),
  /** Certificates the user trusted, one per server host:port (pinned by SHA-256). */
  trustedCertificates: TRUSTED_CERTIFICATES_SCHEMA.default([]),
  /** How long to wait for a SOAP answer (CUPS, WebDialer), in seconds. */
  soapTimeoutSeconds: z.number().finite().min(1).max(300).default(10),
  /** Largest SOAP response accepted, in MB. */
  soapMaxResponseMB: z.number().finite().min(1).max(100).default(10),
  /** The phone (WebDialer device name) and line calls are placed from; empty = the first. */
  phoneDevice: z.string().max(256).default(''),
  phoneLine: z.string().max(256).default(''),
  /** How calls are placed when the server offers both: the CTI gateway (MakeCall, preferred) or WebDialer. */
  callVia: z.enum(['cti', 'webdialer']).default('cti'),
  /** The desk phone's do not disturb follows the app's Do not disturb status, and the other way round. */
  phoneDndFollowsStatus: z.boolean().default(false),
  /**
   * Presence of contacts through one event-list subscription (RFC 4662) instead of one per
   * contact: '' = per contact; 'auto' = the list `sip:<user>-list@<presence domain>` when it
   * gives full presence first on this server (measured at each sign-in, see
   * core/sip/usages/presence-path.ts), else per contact; or the list's SIP URI, always used.
   * A server without the list, or a list that stalls, is detected and watched per contact.
   */
  presenceList: z
    .string()
    .max(512)
    .refine((v) => v === '' || v === 'auto' || /^sips?:[^@\s]+@[^\s]+$/i.test(v), 'must be empty, "auto" or a SIP URI such as sip:team-list@example.com')
    .default(''),
  /**
   * What earlier sign-ins measured of the two ways to watch a list, by server and list, for
   * `presenceList: 'auto'` (core/sip/usages/presence-path.ts): kept so that a list that stalled
   * is not waited on again after a restart. Written by the app, at most one entry a sign-in.
   */
  presencePathFigures: lenientList(PATH_FIGURES_SCHEMA, MAX_PATH_FIGURES).default([]),
  /**
   * Event package of the configuration-change (UCCN) subscription; '' = none, the list and
   * configuration are re-read every `configResyncSeconds`. The CUPS guide names no package:
   * `ua-profile` (RFC 6080, configuration change notification) is the standard one, and a
   * stock SIMPLE server (Kamailio's presence_profile) relays it.
   */
  configEvent: z
    .string()
    .max(64)
    .regex(/^([A-Za-z0-9!%*_+`'~.-]+)?$/, 'must be an event package name such as ua-profile')
    .default('ua-profile'),
  /** How often the contact list and configuration are re-read while no change notifications arrive (seconds). */
  configResyncSeconds: z.number().finite().min(1).max(86400).default(60),
});

export type Settings = z.output<typeof SETTINGS_SCHEMA>;

export const DEFAULT_SETTINGS: Settings = Object.freeze(SETTINGS_SCHEMA.parse({}));

// The IPC shapes that show parts of the settings are checked against the schema at compile time.
const _desktop: DesktopPrefs = {} as Pick<Settings, keyof DesktopPrefs>;
const _transport: SipConnectionSettings['sipTransport'] = '' as Settings['sipTransport'];
const _paths: StoredPathFigures[] = [] as Settings['presencePathFigures'];
void _desktop;
void _transport;
void _paths;

export interface SettingsReading {
  settings: Settings;
  /** One line per value that was not usable and was replaced or trimmed, e.g. "idleAwayMinutes: …". */
  problems: string[];
}

/** Reads settings field by field: what is usable is kept, the rest falls back and is reported. */
export function readSettings(raw: unknown): SettingsReading {
  const problems: string[] = [];
  if (raw !== undefined && (raw === null || typeof raw !== 'object' || Array.isArray(raw)))
    problems.push(`settings: expected an object, found ${Array.isArray(raw) ? 'an array' : raw === null ? 'null' : typeof raw}; defaults used`);
  const r = (raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(SETTINGS_SCHEMA.shape) as Array<[keyof Settings, z.ZodType]>) {
    const value = r[key];
    const parsed = field.safeParse(value);
    if (parsed.success) {
      out[key] = parsed.data;
      if (Array.isArray(value) && Array.isArray(parsed.data) && parsed.data.length < value.length)
        problems.push(`${key}: ${value.length - parsed.data.length} of ${value.length} entries were not usable and were dropped`);
    } else {
      out[key] = DEFAULT_SETTINGS[key];
      problems.push(`${key}: ${parsed.error.issues[0]?.message ?? 'not usable'}; the default (${JSON.stringify(DEFAULT_SETTINGS[key])}) is used`);
    }
  }
  return { settings: out as Settings, problems };
}

/** The settings from any stored value; problems are dropped (use `readSettings` to report them). */
export function validateSettings(raw: unknown): Settings {
  return readSettings(raw).settings;
}

function copy(settings: Settings): Settings {
  return { ...settings, recentNotes: [...settings.recentNotes], trustedCertificates: [...settings.trustedCertificates] };
}

export interface SettingsStore {
  get(): Settings;
  update(patch: Partial<Settings>): Settings;
}

export class JsonSettingsStore implements SettingsStore {
  private current: Settings;

  /** What was not usable in the stored file at start, in words (also passed to `report`). */
  readonly problems: string[];

  constructor(
    private readonly file: string,
    report: (line: string) => void = () => {},
  ) {
    let raw: unknown = {};
    let text: string | undefined;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      // Missing or unreadable: start from defaults; the next update writes a good file.
    }
    const problems: string[] = [];
    if (text !== undefined) {
      try {
        raw = JSON.parse(text);
      } catch (error) {
        problems.push(`settings: ${file} is not JSON (${(error as Error).message}); defaults used`);
      }
    }
    const reading = readSettings(raw);
    this.current = reading.settings;
    this.problems = [...problems, ...reading.problems];
    for (const line of this.problems) report(`settings: ${file}: ${line.replace(/^settings: /, '')}`);
  }

  get(): Settings {
    return copy(this.current);
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
    return copy(this.current);
  }
  update(patch: Partial<Settings>): Settings {
    this.current = validateSettings({ ...this.current, ...patch });
    return this.get();
  }
}
