/** What a host gives the session: its identity, settings, where history goes, and test seams. */
import { join } from 'node:path';
import type { HostInfo } from '../../shared/domain';
import type { CupsSession } from '../cups';
import type { CertificateTrust } from '../cups/tls-trust';
import type { TraceRecorder } from '../diagnostics';
import type { OwnPhoneOptions } from '../dial/own-phone';
import type { SipAccount, TlsTrust } from '../sip';
import type { SecretStore } from '../store/secrets';
import type { SettingsStore } from '../store/settings';
import type { CupsLike, SipLike } from './connection';

export interface DeskSessionOptions {
  info: HostInfo;
  settings: SettingsStore;
  /** Directory for IM history files (one per account). */
  historyDir: string;
  /** Where contacts' photos are cached (default: `photos` beside the history folder). */
  photoDir?: string;
  /** True when signed in to the built-in demo lab. */
  demo?: boolean;
  /** CUPS request timeout. */
  cupsTimeoutMs?: number;
  /** Extra trust for SIP over TLS (the demo lab's certificate); the setting `sipTrustedCertificate` adds to it. */
  sipTls?: TlsTrust;
  log?: (line: string) => void;
  /** The protocol trace for Diagnostics (one is made when absent). */
  trace?: TraceRecorder;
  /** Where "Remember me" keeps the password (Electron safeStorage); absent: nowhere. */
  secrets?: SecretStore;
  /** Timing of the CTI link to the phone (tests shorten the retry). */
  ctiLink?: OwnPhoneOptions['link'];
  /** DNS servers (`host:port`) for finding SIMPLE servers, instead of the `dnsServers` setting (the demo lab's DNS). */
  dnsServers?: string[];
  /** How often a SIMPLE server's buddy list is read again for other clients' edits (default 30 s). */
  xcapPollMs?: number;
  /** Test seams: build the protocol objects (defaults are the real ones). */
  createCups?: (options: ConstructorParameters<typeof CupsSession>[0]) => CupsLike;
  createSip?: (options: ConstructorParameters<typeof SipAccount>[0]) => SipLike;
}

/** SOAP limits from settings (an explicit `cupsTimeoutMs` wins) and the user's certificate trust. */
export function soapOptions(options: DeskSessionOptions, trust: CertificateTrust): { timeoutMs: number; maxResponseBytes: number; trust: CertificateTrust } {
  const settings = options.settings.get();
  return { timeoutMs: options.cupsTimeoutMs ?? settings.soapTimeoutSeconds * 1000, maxResponseBytes: settings.soapMaxResponseMB * 1024 * 1024, trust };
}

/** Where contacts' photos are cached: as given, else `photos` beside the history folder. */
export function photoDir(options: DeskSessionOptions): string {
  return options.photoDir ?? join(options.historyDir, '..', 'photos');
}
