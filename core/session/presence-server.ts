/**
 * Where the SIP account registers: the server's `Presence.Primary` (and `Presence.Backup`)
 * addresses with the user's transport override, and the extra TLS trust for SIP.
 */
import type { SystemConfig } from '../cups';
import { DeskError } from '../errors';
import { describeServer, PresencePaths, type SipAccountOptions, type SipServer, type SipTransportKind, type TlsTrust } from '../sip';
import type { Settings, SettingsStore } from '../store/settings';
import type { TraceRecorder } from '../diagnostics';
import type { DeskSessionOptions } from './options';

/** The SIP account's options at sign-in: where it registers (primary, backup), in which domain, with what trust. */
export function sipAccountOptions(
  system: SystemConfig,
  settings: Settings,
  host: Pick<DeskSessionOptions, 'sipTls' | 'info'>,
  who: { user: string; password: string; log: (line: string) => void; trace: TraceRecorder },
  presencePaths?: PresencePaths,
): { target: SipServer; domain: string; sipOptions: SipAccountOptions } {
  const target = presenceTarget(system, settings.sipTransport);
  const backup = presenceBackup(system, settings.sipTransport);
  const domain = system.presence.domain || target.host;
  const tls = sipTrust(host.sipTls, settings.sipTrustedCertificate);
  const sipOptions: SipAccountOptions = {
    server: target,
    ...(backup ? { backup } : {}),
    ...(tls ? { tls } : {}),
    domain,
    ...who,
    userAgent: `Presence Desk/${host.info.version}`,
    // 'auto': the list if it gives full presence first on this server, else one SUBSCRIBE per
    // contact (usages/presence-path.ts); a list named in the settings is always used.
    ...(settings.presenceList === 'auto' && presencePaths ? { presencePaths } : {}),
  };
  return { target, domain, sipOptions };
}

const pathsByStore = new WeakMap<SettingsStore, PresencePaths>();

/**
 * The app's figures of the two ways to watch a list: one set per settings store, shared by
 * every sign-in of the run, read from and written back to the settings.
 */
export function presencePathsOf(settings: SettingsStore): PresencePaths {
  let paths = pathsByStore.get(settings);
  if (!paths) {
    paths = new PresencePaths(settings.get().presencePathFigures, (all) => settings.update({ presencePathFigures: all }));
    pathsByStore.set(settings, paths);
  }
  return paths;
}

/** Where to REGISTER: the server's Presence.Primary address, with the user's transport override. */
export function presenceTarget(system: SystemConfig, override: 'auto' | SipTransportKind = 'auto'): SipServer {
  const primary = system.presence.primary;
  if (!primary?.host) {
    throw new DeskError('config', "The server's configuration names no presence server (Presence.Primary.Address).");
  }
  return sipServer(primary, override);
}

/** The server's Presence.Backup address (used while the primary is unreachable), if it names one. */
export function presenceBackup(system: SystemConfig, override: 'auto' | SipTransportKind = 'auto'): SipServer | undefined {
  const backup = system.presence.backup;
  return backup?.host ? sipServer(backup, override) : undefined;
}

function sipServer(address: { host: string; port?: number; protocol?: SipTransportKind }, override: 'auto' | SipTransportKind): SipServer {
  // No protocol in the configuration: TCP (reliable, and large NOTIFYs do not fragment).
  const configured = address.protocol ?? 'tcp';
  const transport = override === 'auto' ? configured : override;
  // RFC 3261 §19.1.2 default ports: 5060 for UDP and TCP, 5061 for TLS. A port that is the
  // configured protocol's default does not carry over to an overridden TLS-or-not choice.
  const standard = (t: SipTransportKind) => (t === 'tls' ? 5061 : 5060);
  const port =
    address.port === undefined || (address.port === standard(configured) && standard(transport) !== standard(configured)) ? standard(transport) : address.port;
  return { host: address.host, port, transport };
}

/** The extra TLS trust: the host's (demo lab certificate) plus the user's setting. */
export function sipTrust(fromHost: TlsTrust | undefined, fromSettings: string): TlsTrust | undefined {
  const ca = [fromHost?.ca, fromSettings.trim()].filter(Boolean).join('\n');
  if (!ca && !fromHost?.pinnedSha256) return fromHost;
  return { ...fromHost, ...(ca ? { ca } : {}) };
}

/** How the session shows the server in use: `TCP host:port`, with "(backup)" when it is not the configuration's primary. */
export function presenceServerLabel(system: SystemConfig, server: SipServer, override: 'auto' | SipTransportKind = 'auto'): string {
  const primary = presenceTarget(system, override);
  return `${describeServer(server)}${server.host !== primary.host || server.port !== primary.port ? ' (backup)' : ''}`;
}
