/**
 * The user's own desk phones as RisPort70 sees them (registered or not, since when, why),
 * through the RisPort scheduler so the document's request limits hold: Settings → Phone shows
 * them, and a call is refused before anything is dialed when the phone it would ring is
 * unregistered ("Your desk phone SEP… is unregistered since 10:42: keep-alive timeout").
 * RisPort itself failing (no rights, unreachable) never stops a call: the log says why.
 */
import type { DeskPhoneStatus, DeskPhonesStatus } from '../../shared/domain';
import { DeskError, toAppError } from '../errors';
import type { DeskPhone } from '../dial/phone';
import type { RisPort } from '../dial/risport';
import { RisPortScheduler, type RisPortLimits } from '../dial/risport-scheduler';

/** "10:42", or "2 Dec 10:42" when not today. */
export function sinceText(ms: number, now = Date.now()): string {
  const at = new Date(ms);
  const time = at.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
  return at.toDateString() === new Date(now).toDateString() ? time : `${at.toLocaleDateString('en-GB', { day: 'numeric', month: 'short' })} ${time}`;
}

/** "Your desk phone SEP… is unregistered since 10:42: keep-alive timeout." */
export function unregisteredWords(device: DeskPhoneStatus, now = Date.now()): string {
  const state = device.status.toLowerCase() === 'rejected' ? 'rejected' : 'unregistered';
  const since = device.since ? ` since ${sinceText(device.since, now)}` : '';
  return `Your desk phone ${device.name} is ${state}${since}${device.reason ? `: ${device.reason}` : ''}. Nothing was dialed.`;
}

export class DeskPhoneStatusWatch {
  readonly scheduler: RisPortScheduler;

  constructor(
    risport: Pick<RisPort, 'selectCmDeviceExt'>,
    private readonly phone: DeskPhone,
    private readonly log: (line: string) => void,
    limits: Partial<RisPortLimits> = {},
  ) {
    this.scheduler = new RisPortScheduler((query, stateInfo) => risport.selectCmDeviceExt(query, stateInfo), limits, Date.now, log);
  }

  /** Every phone WebDialer lists for the user, with RisPort's word on each. */
  async status(): Promise<DeskPhonesStatus> {
    try {
      const names = (await this.phone.choice()).devices.map((d) => d.deviceName);
      if (!names.length) return { devices: [], error: 'WebDialer lists no phone for you.' };
      const found = await this.scheduler.own(names);
      const devices = names.map((name) => found.find((d) => d.name.toUpperCase() === name.toUpperCase()) ?? { name, registered: false, status: 'Unknown' });
      return { devices, checkedAt: Date.now() };
    } catch (error) {
      return { devices: [], error: `The phones' registration could not be read (RisPort70): ${toAppError(error).message}` };
    }
  }

  /**
   * Throws, in words, when the phone calls are placed from is known to be unregistered. A
   * RisPort that is slow to answer (or queued behind the rate limit) does not hold the call
   * up for more than `waitMs`: the call then goes ahead unchecked.
   */
  async checkBeforeCall(waitMs = 5000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), waitMs)));
    try {
      const device = await Promise.race([this.deviceCallsUse(), late]);
      if (device === 'late') this.log(`risport: no answer within ${waitMs / 1000} s; the call goes ahead unchecked`);
      else if (device && !device.registered && device.status.toLowerCase() !== 'unknown') throw new DeskError('phone-unregistered', unregisteredWords(device));
    } finally {
      clearTimeout(timer);
    }
  }

  /** RisPort's word on the phone calls are placed from (undefined when it could not be read). */
  private async deviceCallsUse(): Promise<DeskPhoneStatus | undefined> {
    let device: DeskPhoneStatus | undefined;
    try {
      const { deviceName } = await this.phone.profile();
      const find = (devices: DeskPhoneStatus[]) => devices.find((d) => d.name.toUpperCase() === deviceName.toUpperCase());
      // A recent "registered" is reused; a recent "unregistered" is asked again: the phone may
      // be back, and a call must not be refused on old news.
      const cached = this.scheduler.cachedOwn([deviceName]);
      const fresh = cached && find(cached)?.registered === false;
      device = find(await this.scheduler.own([deviceName], fresh ? 0 : undefined));
    } catch (error) {
      this.log(`risport: the phone's registration was not checked before the call: ${toAppError(error).message}`);
      return undefined;
    }
    return device;
  }

  stop(): void {
    this.scheduler.stop();
  }
}
