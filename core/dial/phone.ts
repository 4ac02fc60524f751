/**
 * The user's desk phone through WebDialer: which devices and lines they have
 * (getProfileSoap), which one calls use (the saved choice when it still exists, else the
 * first device and its first line), placing a call (makeCallSoap) and hanging up
 * (endCallSoap) on the same device and line.
 */
import type { PhoneChoice, PhoneDevice } from '../../shared/domain';
import { DeskError, toAppError } from '../errors';
import type { WebDialer, WebDialerProfile } from './webdialer';

/** WebDialer lists a line as "1000 ; Internal": the number is before the `;`. */
export const lineNumberOf = (line: string) => line.split(/\s*;/)[0].trim();

export class DeskPhone {
  private devices: Promise<PhoneDevice[]> | undefined;
  /** The device and line the last call was placed from: hang-up goes there. */
  private lastCall: WebDialerProfile | undefined;

  constructor(
    private readonly webDialer: Pick<WebDialer, 'getProfile' | 'makeCall' | 'endCall'>,
    private readonly user: string,
    private readonly saved: () => { deviceName: string; lineNumber: string } | undefined,
  ) {}

  private list(): Promise<PhoneDevice[]> {
    this.devices ??= this.webDialer.getProfile().catch((error) => {
      this.devices = undefined; // ask again next time
      throw error;
    });
    return this.devices;
  }

  /** The device and line to use among those WebDialer reports. */
  static choose(devices: PhoneDevice[], saved: { deviceName: string; lineNumber: string } | undefined): { deviceName: string; lineNumber: string } | undefined {
    const device = devices.find((d) => d.deviceName === saved?.deviceName) ?? devices[0];
    if (!device) return undefined;
    const lines = device.lines.map(lineNumberOf);
    const lineNumber = saved && device.deviceName === saved.deviceName && lines.includes(saved.lineNumber) ? saved.lineNumber : (lines[0] ?? '');
    return { deviceName: device.deviceName, lineNumber };
  }

  async choice(): Promise<PhoneChoice> {
    try {
      const devices = await this.list();
      const selected = DeskPhone.choose(devices, this.saved());
      return { devices, ...(selected ? { selected } : {}) };
    } catch (error) {
      return { devices: [], error: toAppError(error).message };
    }
  }

  async profile(): Promise<WebDialerProfile> {
    const selected = DeskPhone.choose(await this.list(), this.saved());
    if (!selected) throw new DeskError('config', 'WebDialer knows no phone for your user.');
    return { user: this.user, ...selected };
  }

  async makeCall(destination: string): Promise<void> {
    const profile = await this.profile();
    try {
      await this.webDialer.makeCall(destination, profile);
      this.lastCall = profile;
    } catch (error) {
      this.devices = undefined; // read the profile again next time (the phone may have changed)
      throw error;
    }
  }

  async endCall(): Promise<void> {
    await this.webDialer.endCall(this.lastCall ?? (await this.profile()));
  }
}
