/** What a SIP account is built from and what it hands out. */
import type { Presence } from '../../shared/domain';
import type { TraceSink } from '../trace';
import type { Registered, RegistrationState } from './account-state';
import type { Timers } from '../timers';
import type { PublishedAvailability } from './codecs/pidf';
import type { SipServer, TlsTrust, UdpTuning } from './transport/transport-choice';
import type { PresencePaths } from './usages/presence-path';

export interface SipAccountOptions {
  server: SipServer;
  /** The server's `Presence.Backup`: used while the primary cannot be reached. */
  backup?: SipServer;
  /** How often to check whether the primary answers again while on the backup (default 30 s). */
  primaryProbeMs?: number;
  /** Extra trust for TLS (a private CA or the server's certificate). */
  tls?: TlsTrust;
  /** UDP timers and keep-alive. */
  udp?: UdpTuning;
  domain: string;
  user: string;
  password: string;
  displayName?: string;
  userAgent?: string;
  registerExpires?: number;
  /** How long to wait for a final answer to REGISTER/PUBLISH/MESSAGE (default 10 s). */
  requestTimeoutMs?: number;
  log?: (line: string) => void;
  /** Receives every SIP message sent and received (Diagnostics). */
  trace?: TraceSink;
  /** Timer functions of the reconnection back-off and the bounded waits (tests run them by hand). */
  timers?: Timers;
  /** Initial SUBSCRIBEs out at once before their first NOTIFY (default SUBSCRIBE_WINDOW; Infinity: all at once). */
  subscribeWindow?: number;
  /**
   * Figures of earlier sign-ins (usages/presence-path.ts): given, `watchList` starts on the
   * path that gives full presence first on this server (the list or one SUBSCRIBE per contact)
   * and records what this sign-in measured; not given, it starts on the list.
   */
  presencePaths?: PresencePaths;
}

/** What we publish: the user's own status, or "on the phone" while their phone is in a call. */
export interface PublishedStatus {
  availability: PublishedAvailability;
  note: string;
}

export interface IncomingMessage {
  /** `<Call-ID>:<CSeq>`: with `from`, what tells a retransmission or retry from a new message. */
  id: string;
  from: string;
  callId: string;
  cseq: number;
  text: string;
  at: number;
}

/** What the account tells (see `SipAccount.on`). */
export type AccountEvents = {
  state: RegistrationState;
  registered: Registered;
  presence: { uri: string; presence: Presence };
  message: IncomingMessage;
  composing: { from: string; active: boolean };
  server: SipServer;
};
