/**
 * Builds the backend a host serves, from the command line and the saved settings:
 *
 *   --server URL|host[:port]   sign in to this CUPS server (the password is asked in the UI)
 *   --user NAME                user name for that server
 *   --demo                     use the built-in demo lab even when a server is configured
 *   --profile DIR              settings and IM history directory
 *
 * With no server configured anywhere, the demo lab is started and the demo user signed in,
 * so a newcomer sees a live buddy list at once.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { HostInfo } from '../shared/domain';
import type { DeskBackend } from '../shared/ipc';
import { DeskSession } from '../core/desk-session';
import { JsonSettingsStore, type SettingsStore } from '../core/store/settings';
import { toAppError } from '../core/errors';
import { secretAccount, type SecretStore } from '../core/store/secrets';
import type { Lab, LabOptions } from '../lab';
import { version } from './version';

export interface BackendOverrides {
  settings?: SettingsStore;
  profileDir?: string;
  lab?: LabOptions;
  log?: (line: string) => void;
  /** Electron: the safeStorage-backed store for "Remember me". The browser host has none. */
  secrets?: SecretStore;
}

export interface CreatedBackend {
  backend: DeskBackend;
  session: DeskSession;
  info: HostInfo;
  lab?: Lab;
  close(): Promise<void>;
}

export function defaultProfileDir(): string {
  const base = process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'presence-desk');
}

export async function createBackend(
  argv: string[],
  hostKind: 'electron' | 'browser',
  overrides: BackendOverrides = {},
): Promise<CreatedBackend> {
  const { values } = parseArgs({
    args: argv,
    options: {
      server: { type: 'string' },
      user: { type: 'string' },
      demo: { type: 'boolean', default: false },
      profile: { type: 'string' },
      port: { type: 'string' },
    },
    strict: false,
    allowPositionals: true,
  });
  const log = overrides.log ?? ((line: string) => console.log(line));
  const profileDir = (values.profile as string | undefined) ?? overrides.profileDir ?? defaultProfileDir();
  const settings = overrides.settings ?? new JsonSettingsStore(join(profileDir, 'settings.json'), log);
  if (typeof values.server === 'string') settings.update({ server: values.server });
  if (typeof values.user === 'string') settings.update({ user: values.user });
  const info: HostInfo = {
    host: hostKind,
    version,
    ...(overrides.secrets?.available ? { canRememberPassword: true } : {}),
    // Electron main watches the system's idle time (powerMonitor) for automatic Away.
    ...(hostKind === 'electron' ? { systemIdle: true } : {}),
  };
  const demo = values.demo === true || !settings.get().server;

  if (!demo) {
    const session = new DeskSession({ info, settings, historyDir: join(profileDir, 'history'), log, secrets: overrides.secrets });
    // A remembered password signs in at start, in the background; errors show on the sign-in form.
    const { server, user } = settings.get();
    const remembered = server && user ? overrides.secrets?.get(secretAccount(user, server)) : undefined;
    if (remembered) void session.signIn({ server, user, password: remembered }).catch((e) => log(`session: automatic sign-in failed: ${toAppError(e).message}`));
    return { backend: session, session, info, close: () => session.close() };
  }

  // The demo lab keeps its own settings and history apart from the user's real account.
  const { startLab } = await import('../lab');
  const { MemorySettingsStore } = await import('../core/store/settings');
  const lab = await startLab({ livenEveryMs: 30_000, log, ...overrides.lab });
  const session = new DeskSession({
    info,
    settings: new MemorySettingsStore(),
    historyDir: join(profileDir, 'demo-history'),
    demo: true,
    // The lab's SIP over TLS uses a certificate made for this run: trust exactly that one.
    sipTls: { ca: lab.kamailio.tlsCertificate },
    log,
  });
  try {
    await session.signIn({ server: lab.cupsUrl, user: lab.demoUser.id, password: lab.demoUser.password });
  } catch (error) {
    // Keep going: the UI shows the error in words and the user can retry.
    log(`demo: sign-in failed: ${toAppError(error).message}`);
  }
  return {
    backend: session,
    session,
    info,
    lab,
    close: async () => {
      await session.close();
      await lab.stop();
    },
  };
}
