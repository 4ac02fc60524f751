/**
 * CME's own SIP presence: where the router's presence engine is on (ISgetPresenceGlobal) and
 * the router names its SIP registrar (ISgetVoiceRegGlobal), the app registers there with the
 * same SIP engine it uses for any SIMPLE server (core/sip SipAccount), watches the speed dials
 * by number, and publishes the user's own status. Line state stays the presence of every
 * contact the SIP side says nothing about, so a SIP failure costs only the richer statuses.
 *
 * A colleague is watched as `sip:<number>@<registrar>`: the router knows its colleagues by
 * extension number, and the app's contact addresses (`sip:<number>@<router host>`) are mapped
 * to and from those addresses here, so the two may name the router differently.
 */
import type { OwnStatus, Presence } from '../../shared/domain';
import { SipAccount, describeServer, type RegistrationState, type SipAccountOptions, type SipServer, type SipTransportKind } from '../sip';
import type { SipLike } from '../session/connection';
import type { CmeSiteConfig } from './types';

/** Where the router's SIP presence is served, when it is. */
export interface CmeSipTarget {
  server: SipServer;
  /** The SIP domain: the registrar's address, as a CME SIP phone registers there. */
  domain: string;
}

/**
 * The registrar to use for SIP presence, or why there is none (in words for Settings → Account).
 * No transport in the router's answer: TCP (a large NOTIFY does not fragment), unless the user chose one.
 */
export function cmeSipTarget(site: CmeSiteConfig, transport: 'auto' | SipTransportKind = 'auto'): CmeSipTarget | string {
  if (!site.presence) return 'the router did not say whether its presence engine is on';
  if (!site.presence.enabled) return 'the router\u2019s presence engine is off';
  const address = site.sip?.address?.trim();
  if (!address) return 'the router names no SIP registrar (ISgetVoiceRegGlobal)';
  const kind: SipTransportKind = transport === 'auto' ? 'tcp' : transport;
  const port = site.sip?.port ?? (kind === 'tls' ? 5061 : 5060);
  return { server: { host: address, port, transport: kind }, domain: address };
}

/** SIP presence counts for a contact once it says something: offline or unknown leaves the line state in charge. */
export function hasSipPresence(presence: Presence | undefined): presence is Presence {
  return presence !== undefined && presence.availability !== 'offline' && presence.availability !== 'unknown';
}

/**
 * What a contact shows: their SIP presence where they have one, else their line state. A call on
 * the line still shows as "On the phone" over a SIP status of available or away (the phone knows
 * better); busy and do not disturb were chosen by the person and stay.
 */
export function mergedPresence(line: Presence | undefined, sip: Presence | undefined): Presence | undefined {
  if (!hasSipPresence(sip)) return line;
  if (line?.availability === 'on-the-phone' && (sip.availability === 'available' || sip.availability === 'away')) {
    return { ...sip, availability: 'on-the-phone', devices: [...sip.devices, ...line.devices] };
  }
  return line ? { ...sip, devices: [...sip.devices, ...line.devices] } : sip;
}

export interface CmeSipPresenceOptions {
  target: CmeSipTarget;
  user: string;
  password: string;
  /** The app's contact address → the number it is watched by. */
  contacts: Map<string, string>;
  onPresence: (contactUri: string, presence: Presence) => void;
  /** The registration changed (lost, back). */
  onState: (state: RegistrationState) => void;
  log: (line: string) => void;
  trace?: SipAccountOptions['trace'];
  userAgent?: string;
  timeoutMs?: number;
  /** Test seam: builds the SIP account (default the real one). */
  createSip?: (options: SipAccountOptions) => SipLike;
}

/** One signed-in router's SIP presence: registered, watching, publishing. */
export class CmeSipPresence {
  private readonly sip: SipLike;
  private readonly byWatched = new Map<string, string>();
  private readonly offs: Array<() => void> = [];
  private own: OwnStatus | undefined;

  constructor(private readonly options: CmeSipPresenceOptions) {
    const { target, user, password, log } = options;
    const sipOptions: SipAccountOptions = {
      server: target.server,
      domain: target.domain,
      user,
      password,
      log,
      userAgent: options.userAgent ?? 'Presence Desk',
      ...(options.trace ? { trace: options.trace } : {}),
      ...(options.timeoutMs ? { requestTimeoutMs: options.timeoutMs } : {}),
    };
    this.sip = options.createSip?.(sipOptions) ?? new SipAccount(sipOptions);
    for (const [contactUri, number] of options.contacts) this.byWatched.set(`sip:${number}@${target.domain}`, contactUri);
  }

  /** The user's own address on the router's SIP side. */
  get uri(): string {
    return this.sip.uri;
  }

  /** How Settings → Account and the session state name the registrar in use. */
  get label(): string {
    return describeServer(this.options.target.server);
  }

  /** Registers (a refusal or an unreachable registrar throws, in words), then watches every speed dial. */
  async start(own: OwnStatus): Promise<void> {
    this.own = own;
    this.offs.push(
      this.sip.on('presence', (uri: string, presence: Presence) => {
        const contact = this.byWatched.get(uri);
        if (contact) this.options.onPresence(contact, presence);
      }),
      this.sip.on('state', (state: RegistrationState) => this.options.onState(state)),
      // Registered again after a lost link: nothing is published there yet.
      this.sip.on('registered', ({ cause }) => {
        if (cause !== 'signed-in' && this.own) void this.publish(this.own);
      }),
    );
    await this.sip.start();
    for (const uri of this.byWatched.keys()) this.sip.watch(uri);
    await this.publish(own);
  }

  /** Publishes the user's status; a refusal is logged (the status stays on this computer). */
  async publish(status: OwnStatus): Promise<void> {
    this.own = status;
    const availability = status.availability === 'invisible' ? 'offline' : status.availability;
    try {
      await this.sip.setPresence({ availability, note: status.availability === 'invisible' ? '' : status.note });
    } catch (error) {
      this.options.log(`cme: publishing the own status over SIP failed: ${(error as Error).message}`);
    }
  }

  async stop(): Promise<void> {
    for (const off of this.offs.splice(0)) off();
    await this.sip.stop().catch((e: Error) => this.options.log(`cme: SIP stop: ${e.message}`));
  }
}
