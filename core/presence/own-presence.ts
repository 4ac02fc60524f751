/**
 * OwnPresence: the user's own status (chosen by hand, or Away when idle), the phone override
 * ("On the phone" while a call is up) and the one place that decides what is published. The
 * SIP account publishes only when asked by this service; after a reconnection this service
 * publishes once the account is registered again, through one `SerialPublisher` (never two
 * PUBLISHes in flight, latest state wins).
 *
 * ```
 *   chosen status ──┐
 *   idle (auto-away)┼──> own ──┐
 *                              ├──> published() ──> SerialPublisher ──> SipAccount.setPresence
 *   phone state ───────────────┘        (sign-in, change while online, registered again)
 * ```
 */
import type { OwnStatus, PhoneState } from '../../shared/domain';
import { isOnThePhone } from '../../shared/domain';
import type { InvokeHandlers } from '../../shared/ipc';
import { PHONE_NOT_CONFIGURED } from '../dial/own-phone';
import { asDeskError, toAppError } from '../errors';
import type { PublishedStatus } from '../sip';
import type { Connection, SessionContext } from '../session/connection';
import { SerialPublisher } from './serial-publisher';

export type OwnPresenceChannel = 'presence:set-own' | 'presence:idle' | 'presence:recent-notes';

/** Longest status note kept and published. */
const MAX_NOTE = 512;

export class OwnPresence {
  readonly handlers: Pick<InvokeHandlers, OwnPresenceChannel>;
  private own: OwnStatus = { availability: 'available', note: '' };
  /** The status before an automatic Away, restored when the user is back. */
  private autoAwayFrom: OwnStatus | undefined;
  private phone: PhoneState = PHONE_NOT_CONFIGURED;
  private publisher: { connection: Connection; serial: SerialPublisher<PublishedStatus> } | undefined;

  constructor(private readonly context: SessionContext) {
    this.handlers = {
      'presence:set-own': (status) => this.setOwnStatus(status),
      'presence:idle': (idle) => this.setIdle(idle),
      'presence:recent-notes': () => this.context.settings.get().recentNotes,
    };
  }

  get status(): OwnStatus {
    return { ...this.own };
  }

  /** Sign-in: publishes the current status on the new connection (sign-in fails if that fails). */
  async attach(connection: Connection): Promise<void> {
    this.publisher = { connection, serial: new SerialPublisher((status) => connection.sip.setPresence(status)) };
    await this.publisher.serial.publish(this.published());
  }

  detach(): void {
    this.publisher = undefined;
    this.phone = PHONE_NOT_CONFIGURED;
  }

  /** The account is registered again after a loss: the server may have lost our state. */
  registeredAgain(): void {
    this.publish('re-publish after the reconnection').catch(() => undefined);
  }

  /** The phone line changed; publishes when that changes whether "On the phone" shows. */
  phoneChanged(state: PhoneState): void {
    const was = isOnThePhone(this.phone);
    this.phone = state;
    if (was === isOnThePhone(state)) return;
    this.context.log(`session: ${isOnThePhone(state) ? 'on the phone' : 'off the phone'} (line ${state.line ?? '?'})`);
    if (this.context.online()) this.publish('publishing the phone state').catch(() => undefined);
  }

  /**
   * What watchers see: the chosen status, except "On the phone" while the user's phone is in
   * a call and they are Available, Away or Busy. Do not disturb says more, and Invisible must
   * never show a call.
   */
  published(): PublishedStatus {
    const { availability } = this.own;
    const showCall = isOnThePhone(this.phone) && (availability === 'available' || availability === 'away' || availability === 'busy');
    return showCall ? { availability: 'on-the-phone', note: this.own.note } : { ...this.own };
  }

  private async publish(what: string): Promise<void> {
    const publisher = this.publisher;
    if (!publisher || this.context.connection() !== publisher.connection) return;
    try {
      await publisher.serial.publish(this.published());
    } catch (error) {
      this.context.log(`session: ${what} failed: ${toAppError(error).message}`);
      throw error;
    }
  }

  /**
   * Automatic Away: only an Available user goes Away when idle (Busy, Do not disturb and
   * Invisible are deliberate and stay), with the same note; coming back restores Available
   * unless the user changed the status by hand meanwhile.
   */
  async setIdle(idle: boolean): Promise<OwnStatus> {
    if (idle && !this.autoAwayFrom && this.own.availability === 'available') {
      this.autoAwayFrom = { ...this.own };
      await this.choose({ availability: 'away', note: this.own.note });
    } else if (!idle && this.autoAwayFrom) {
      const back = this.autoAwayFrom;
      this.autoAwayFrom = undefined;
      if (this.own.availability === 'away') await this.choose(back);
    }
    return { ...this.own };
  }

  async setOwnStatus(status: OwnStatus): Promise<OwnStatus> {
    this.autoAwayFrom = undefined; // a choice by hand ends any automatic Away
    return this.choose(status);
  }

  private async choose(status: OwnStatus): Promise<OwnStatus> {
    const note = (status.note ?? '').slice(0, MAX_NOTE);
    this.own = { availability: status.availability, note };
    this.context.emit('presence:own', { ...this.own });
    if (note) {
      const recent = [note, ...this.context.settings.get().recentNotes.filter((n) => n !== note)].slice(0, 10);
      this.context.settings.update({ recentNotes: recent });
    }
    if (this.context.online()) {
      try {
        await this.publish('publishing the status');
      } catch (error) {
        throw asDeskError(error);
      }
    }
    return { ...this.own };
  }
}
