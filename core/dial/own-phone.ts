/**
 * OwnPhone: which line of the user's is watched through which CTI gateway, and the state of
 * that line for the session. It picks the line (the one chosen in Settings → Phone, else the
 * configuration's `CallControl.Lineid`, else WebDialer's first line, else the user's primary
 * number), runs a `CtiLink` on it, and starts over on another line when the choice changes.
 *
 * Without a CTI gateway in the configuration the phone is `not-configured`: nobody claims to
 * know whether the user is on the phone.
 */
import type { PhoneAction, PhoneRequest, PhoneRequestResult, PhoneState } from '../../shared/domain';
import type { TraceSink } from '../trace';
import { CtiLink, type CtiGateway, type CtiLinkOptions } from './cti-link';

export const PHONE_NOT_CONFIGURED: PhoneState = { link: 'not-configured', calls: [] };

/** What the session needs of a link (the real `CtiLink` fits; tests may pass their own). */
export type CtiLinkLike = Pick<CtiLink, 'start' | 'stop' | 'on' | 'state' | 'control' | 'request'>;

export interface OwnPhoneOptions {
  gateways: CtiGateway[];
  /** The line to watch now; undefined when none is known. */
  line: () => Promise<string | undefined>;
  onState: (state: PhoneState) => void;
  log?: (line: string) => void;
  trace?: TraceSink;
  /** Timing of the link (tests shorten it). */
  link?: Pick<CtiLinkOptions, 'requestTimeoutMs' | 'retryFirstMs' | 'retryMaxMs'>;
  createLink?: (options: CtiLinkOptions) => CtiLinkLike;
}

export class OwnPhone {
  private link: CtiLinkLike | undefined;
  private offLink: (() => void) | undefined;
  private current: PhoneState = PHONE_NOT_CONFIGURED;
  private generation = 0;
  private gateways: CtiGateway[];

  constructor(private readonly options: OwnPhoneOptions) {
    this.gateways = [...options.gateways];
  }

  get state(): PhoneState {
    return this.current;
  }

  /** Whether the configuration names a CTI gateway at all. */
  get configured(): boolean {
    return this.gateways.length > 0;
  }

  /**
   * The configuration now names other CTI gateways: the line is watched there, the old link
   * closed first. False (and nothing restarted) when the gateways are the same.
   */
  async moveTo(gateways: CtiGateway[]): Promise<boolean> {
    if (JSON.stringify(gateways) === JSON.stringify(this.gateways)) return false;
    this.gateways = [...gateways];
    await this.start();
    return true;
  }

  private set(state: PhoneState): void {
    this.current = state;
    this.options.onState(state);
  }

  /** Starts watching (again, on the line chosen now). */
  async start(): Promise<void> {
    const generation = ++this.generation;
    await this.stopLink();
    if (!this.gateways.length) return this.set(PHONE_NOT_CONFIGURED);
    const line = (await this.options.line().catch(() => undefined))?.trim();
    if (generation !== this.generation) return; // restarted or stopped meanwhile
    if (!line) {
      return this.set({
        ...PHONE_NOT_CONFIGURED,
        error: 'Your phone line is not known (no line in Settings → Phone, CallControl.Lineid or WebDialer), so calls cannot be watched.',
      });
    }
    const linkOptions: CtiLinkOptions = {
      gateways: this.gateways,
      line,
      ...this.options.link,
      ...(this.options.log ? { log: this.options.log } : {}),
      ...(this.options.trace ? { trace: this.options.trace } : {}),
    };
    const link = this.options.createLink?.(linkOptions) ?? new CtiLink(linkOptions);
    this.link = link;
    this.offLink = link.on('state', (state) => this.link === link && this.set(state));
    this.set(link.state);
    link.start();
  }

  /** Answers, holds, takes back or clears a call on the line (see `CtiLink.control`). */
  async control(action: PhoneAction, callId?: string): Promise<void> {
    if (!this.link) throw new Error('Your phone is not watched through a CTI gateway.');
    await this.link.control(action, callId);
  }

  /** Make call, deflect, transfer, conference, DTMF, forwarding, DND (see `CtiLink.request`). */
  async request(request: PhoneRequest): Promise<PhoneRequestResult> {
    if (!this.link) throw new Error('Your phone is not watched through a CTI gateway.');
    return this.link.request(request);
  }

  async stop(): Promise<void> {
    this.generation += 1;
    await this.stopLink();
    this.current = PHONE_NOT_CONFIGURED;
  }

  private async stopLink(): Promise<void> {
    const link = this.link;
    this.link = undefined;
    this.offLink?.();
    this.offLink = undefined;
    await link?.stop();
  }
}
