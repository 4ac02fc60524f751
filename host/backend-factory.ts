/**
 * Builds the backend a host serves, from the command line and the saved settings:
 *
 *   --server URL|host[:port]   sign in to this server (the password is asked in the UI)
 *   --server-type cups|cme|simple  what that server is: Cisco Unified Presence (default), a
 *                              Cisco Unified CME router (also detected from a `/ios_xml_app/cme`
 *                              address) or any SIMPLE server (`--user` is then the SIP address)
 *   --user NAME                user name for that server
 *   --demo [cme|simple]        use the demo lab even when a server is configured (`cme`: the lab
 *                              CME router, `simple`: the plain SIMPLE lab, SIP + XCAP only,
 *                              instead of the lab CUPS)
 *   --profile DIR              settings and IM history directory
 *
 * The demo lab is never part of the app: development's `npm start` (scripts/start.ts) and the
 * tests start it and hand it over as `demoLab` (its address, or a function that starts it,
 * see host/demo-lab.ts). With no server configured and a demo lab handed over, the demo user
 * is signed in to it, so a newcomer sees a live buddy list at once; without one (the packaged
 * app), the sign-in form is shown.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SERVER_TYPES, type HostInfo, type ServerType } from '../shared/domain';
import type { DeskBackend } from '../shared/ipc';
import { DeskSession } from '../core/desk-session';
import { CmeSession } from '../core/cme/session';
import { ServerSessions, serverTypeOf } from '../core/session/server-session';
import { SettingsCertificateTrust } from '../core/store/certificate-trust';
import type { LabCmeRouter } from '../lab/cme/router';
import type { LabCmeSipSite } from '../lab/cme/sip-site';
import { JsonSettingsStore, type SettingsStore } from '../core/store/settings';
import { toAppError } from '../core/errors';
import { secretAccount, type SecretStore } from '../core/store/secrets';
import type { Lab } from '../lab';
import { version } from './version';

/** Where a running demo lab is and who its demo user is: all a host needs to sign in to it. */
export interface DemoLabAddress {
  /** What `cupsUrl` is (absent: the lab CUPS); `simple`: `cupsUrl` is the SIP domain, `user` the SIP address. */
  serverType?: ServerType;
  cupsUrl: string;
  user: string;
  password: string;
  /** The PEM certificate of the lab's SIP over TLS, made for its run: trusted for exactly that. */
  sipTlsCa?: string;
  /** The lab's own DNS server (`127.0.0.1:<port>`), which names its SIP and XCAP servers. */
  dnsServers?: string[];
}

/** A demo lab started for this backend, stopped when the backend closes. */
export interface StartedDemoLab {
  address: DemoLabAddress;
  lab?: Lab;
  /** With `--demo cme`: the lab CME router. */
  cme?: LabCmeRouter;
  /** With `--demo cme`: the router's SIP side (a lab Kamailio) and its SIP colleagues. */
  cmeSip?: LabCmeSipSite;
  stop(): Promise<void>;
}

/**
 * The environment variable through which `npm start` hands the demo lab it started to the
 * Electron app it runs (JSON of `DemoLabAddress`). The packaged app ignores it.
 */
export const DEMO_LAB_ENV = 'PRESENCE_DESK_DEMO_LAB';

/** Reads `DEMO_LAB_ENV`; throws with the reason when it is set but unusable. */
export function readDemoLabAddress(value: string | undefined): DemoLabAddress | undefined {
  if (!value) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new Error(`${DEMO_LAB_ENV} is not JSON.`);
  }
  const a = parsed as Partial<Record<keyof DemoLabAddress, unknown>>;
  const strings = ['cupsUrl', 'user', 'password'] as const;
  const missing = strings.filter((k) => typeof a?.[k] !== 'string' || !a[k]);
  if (missing.length) throw new Error(`${DEMO_LAB_ENV} lacks ${missing.join(', ')}.`);
  if (a.sipTlsCa !== undefined && typeof a.sipTlsCa !== 'string') throw new Error(`${DEMO_LAB_ENV} has a sipTlsCa that is not PEM text.`);
  if (a.serverType !== undefined && !SERVER_TYPES.includes(a.serverType as ServerType)) throw new Error(`${DEMO_LAB_ENV} names an unknown server type.`);
  const dns = Array.isArray(a.dnsServers) ? a.dnsServers.filter((d): d is string => typeof d === 'string') : [];
  return {
    ...(a.serverType ? { serverType: a.serverType as ServerType } : {}),
    cupsUrl: a.cupsUrl as string,
    user: a.user as string,
    password: a.password as string,
    ...(a.sipTlsCa ? { sipTlsCa: a.sipTlsCa as string } : {}),
    ...(dns.length ? { dnsServers: dns } : {}),
  };
}

export interface BackendOverrides {
  settings?: SettingsStore;
  profileDir?: string;
  /** The demo lab to use when no server is configured: a running one, or how to start one (of the type `--demo` names). */
  demoLab?: DemoLabAddress | ((serverType: ServerType) => Promise<StartedDemoLab>);
  log?: (line: string) => void;
  /** Electron: the safeStorage-backed store for "Remember me". The browser host has none. */
  secrets?: SecretStore;
}

/**
 * Which demo lab the command line asks for: `--demo cme` (or `--demo=cme`) the lab CME router,
 * `--demo simple` the plain SIMPLE lab, else the lab CUPS with Kamailio.
 */
export function demoServerType(argv: readonly string[]): ServerType {
  const at = argv.indexOf('--demo');
  const named = argv.find((a) => a.startsWith('--demo='))?.slice('--demo='.length) ?? (at >= 0 ? argv[at + 1] : undefined);
  return named === 'cme' || named === 'simple' ? named : 'cups';
}

export interface CreatedBackend {
  backend: DeskBackend;
  /** The CUPS session (the tray and the idle detector talk to it). */
  session: DeskSession;
  /** The sessions by server type; `backend` is this. */
  sessions: ServerSessions;
  info: HostInfo;
  lab?: Lab;
  cme?: LabCmeRouter;
  cmeSip?: LabCmeSipSite;
  close(): Promise<void>;
}

export function defaultProfileDir(): string {
  const base = process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'presence-desk');
}

export async function createBackend(argv: string[], hostKind: 'electron' | 'browser', overrides: BackendOverrides = {}): Promise<CreatedBackend> {
  const { values } = parseArgs({
    args: argv,
    options: {
      server: { type: 'string' },
      'server-type': { type: 'string' },
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
  if (typeof values.server === 'string') settings.update({ server: values.server, serverType: serverTypeOf(values.server) ?? settings.get().serverType });
  const askedType = values['server-type'];
  if (typeof askedType === 'string') {
    if (SERVER_TYPES.includes(askedType as ServerType)) settings.update({ serverType: askedType as ServerType });
    else log(`--server-type: "${askedType}" is not one of ${SERVER_TYPES.join(', ')}; keeping ${settings.get().serverType}.`);
  }
  if (typeof values.user === 'string') settings.update({ user: values.user });
  const info: HostInfo = {
    host: hostKind,
    version,
    ...(overrides.secrets?.available ? { canRememberPassword: true } : {}),
    // Electron main watches the system's idle time (powerMonitor) for automatic Away.
    ...(hostKind === 'electron' ? { systemIdle: true } : {}),
  };
  // `--demo=simple` reads as a string, `--demo simple` as true and a positional.
  const askedDemo = values.demo !== false && values.demo !== undefined;
  // A SIMPLE account is configured by its address alone (the servers are found through DNS).
  const configured = !!settings.get().server || (settings.get().serverType === 'simple' && !!settings.get().user);
  const demo = askedDemo || !configured;
  const demoType = askedDemo ? demoServerType(argv) : 'cups';
  if (demo && !overrides.demoLab && askedDemo) log('--demo: no demo lab was started with this app (the demo lab comes with `npm start`); showing sign-in.');

  if (!demo || !overrides.demoLab) {
    const session = new DeskSession({ info, settings, historyDir: join(profileDir, 'history'), log, secrets: overrides.secrets });
    const sessions = withCme(session, settings, log, settings.get().serverType, undefined, overrides.secrets);
    // A remembered password signs in at start, in the background; errors show on the sign-in form.
    const { server, user, serverType } = settings.get();
    const remembered = server && user ? overrides.secrets?.get(secretAccount(user, server)) : undefined;
    if (remembered)
      void sessions.signIn({ server, user, password: remembered, serverType }).catch((e) => log(`session: automatic sign-in failed: ${toAppError(e).message}`));
    return { backend: sessions, session, sessions, info, close: () => sessions.close() };
  }

  // The demo lab keeps its own settings and history apart from the user's real account.
  const { MemorySettingsStore } = await import('../core/store/settings');
  const started = typeof overrides.demoLab === 'function' ? await overrides.demoLab(demoType) : undefined;
  const address = started?.address ?? (overrides.demoLab as DemoLabAddress);
  const demoSettings = new MemorySettingsStore();
  const session = new DeskSession({
    info,
    settings: demoSettings,
    historyDir: join(profileDir, 'demo-history'),
    demo: true,
    // The lab's SIP over TLS uses a certificate made for its run: trust exactly that one.
    ...(address.sipTlsCa ? { sipTls: { ca: address.sipTlsCa } } : {}),
    ...(address.dnsServers ? { dnsServers: address.dnsServers } : {}),
    log,
  });
  const sessions = withCme(session, demoSettings, log, address.serverType ?? 'cups', true);
  try {
    await sessions.signIn({ server: address.cupsUrl, user: address.user, password: address.password, serverType: address.serverType ?? 'cups' });
  } catch (error) {
    // Keep going: the UI shows the error in words and the user can retry.
    log(`demo: sign-in failed: ${toAppError(error).message}`);
  }
  return {
    backend: sessions,
    session,
    sessions,
    info,
    ...(started?.lab ? { lab: started.lab } : {}),
    ...(started?.cme ? { cme: started.cme } : {}),
    ...(started?.cmeSip ? { cmeSip: started.cmeSip } : {}),
    close: async () => {
      await sessions.close();
      await started?.stop();
    },
  };
}

/** The CME session beside the CUPS one: the same settings, certificate trust store and protocol trace. */
function withCme(
  session: DeskSession,
  settings: SettingsStore,
  log: (line: string) => void,
  initial: ServerType,
  demo?: boolean,
  secrets?: SecretStore,
): ServerSessions {
  const trust = new SettingsCertificateTrust(settings, log);
  const cme = new CmeSession({
    settings,
    trust,
    trace: session.trace,
    log,
    ...(demo ? { demo } : {}),
    ...(secrets ? { secrets } : {}),
  });
  return new ServerSessions(session, cme, initial, { trust, log });
}
