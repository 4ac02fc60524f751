/**
 * Do not disturb, both ways, when Settings → Phone ties them (`phoneDndFollowsStatus`): the
 * app's Do not disturb status sets the desk phone's (SetDoNotDisturb), and the phone's DND
 * set at the phone sets the app's status (and clearing it brings back the status chosen
 * before). Each side changes only when it differs, so the two never chase each other.
 *
 * The phone's answer to our own request comes back later as a phone event; until it does, the
 * value asked for counts as the phone's, so a second status change in that time (Do not disturb
 * off, then Away) sends no second request that could land after a DND set at the phone and
 * undo it.
 */
import type { OwnAvailability, OwnStatus, PhoneState } from '../../shared/domain';

export interface PhoneDndOptions {
  enabled: () => boolean;
  own: () => OwnStatus;
  setOwn: (status: OwnStatus) => Promise<unknown>;
  setPhone: (on: boolean) => Promise<unknown>;
  log: (line: string) => void;
}

export class PhoneDnd {
  private phone: PhoneState | undefined;
  /** The app's status before the phone turned DND on, to go back to. */
  private before: OwnAvailability | undefined;
  /** The DND value last asked of the phone and not yet seen in one of its events. */
  private asked: boolean | undefined;

  constructor(private readonly options: PhoneDndOptions) {}

  private usable(state: PhoneState | undefined): state is PhoneState {
    return !!state && state.link === 'monitoring' && (!state.services || state.services.includes('setDoNotDisturb'));
  }

  /** The phone's state changed: follow its DND when it changed at the phone. */
  phoneChanged(state: PhoneState): void {
    const was = this.phone?.link === 'monitoring' ? this.phone.phoneDnd : undefined;
    this.phone = state;
    if (state.link !== 'monitoring' || state.phoneDnd === this.asked) this.asked = undefined;
    if (!this.options.enabled() || state.link !== 'monitoring' || state.phoneDnd === undefined || was === undefined || was === state.phoneDnd) return;
    const own = this.options.own();
    if (state.phoneDnd && own.availability !== 'dnd') {
      this.before = own.availability;
      this.set({ ...own, availability: 'dnd' });
    } else if (!state.phoneDnd && own.availability === 'dnd') {
      this.set({ ...own, availability: this.before ?? 'available' });
      this.before = undefined;
    }
  }

  /** The app's status changed: the phone follows. */
  ownChanged(status: OwnStatus): void {
    const phone = this.phone;
    if (!this.options.enabled() || !this.usable(phone)) return;
    const want = status.availability === 'dnd';
    if ((this.asked ?? phone.phoneDnd ?? false) === want) return;
    if (!want) this.before = undefined;
    this.asked = want;
    this.options.setPhone(want).catch((error: Error) => {
      if (this.asked === want) this.asked = undefined;
      this.options.log(`phone: do not disturb not set on the phone: ${error.message}`);
    });
  }

  private set(status: OwnStatus): void {
    this.options.setOwn(status).catch((error: Error) => this.options.log(`phone: status not changed after the phone's do not disturb: ${error.message}`));
  }
}
