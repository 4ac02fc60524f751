/**
 * The CME XML API as typed calls: one request per method, its answer read into the types of
 * types.ts. The app only reads (no ISexecCLI, no ISupdateUser): a desk client has no business
 * configuring the router.
 */
import { ixiExchange, type IxiOptions } from './ixi';
import * as read from './read';
import { requests, type CmeKeyword, type CmeOperation, type DeviceQuery, type ExtensionQuery } from './requests';
import { CmeError, type CmeEventCounts } from './types';

export class CmeClient {
  constructor(private readonly options: IxiOptions) {}

  get server(): string {
    return this.options.server;
  }

  private call(operation: CmeOperation, xml: string) {
    return ixiExchange(this.options, operation, xml);
  }

  async global() {
    return read.readGlobal(await this.call('ISgetGlobal', requests.global()));
  }

  async presenceGlobal() {
    return read.readPresenceGlobal(await this.call('ISgetPresenceGlobal', requests.presenceGlobal()));
  }

  async sipGlobal() {
    return read.readSipGlobal(await this.call('ISgetVoiceRegGlobal', requests.voiceRegGlobal()));
  }

  async sessionServers(query?: { ids?: readonly string[]; keyword?: CmeKeyword }) {
    return read.readSessionServers(await this.call('ISgetSessionServer', requests.sessionServers(query)));
  }

  async utilityDirectory() {
    return read.readUtilityDirectory(await this.call('ISgetUtilityDirectory', requests.utilityDirectory()));
  }

  async user(userId: string) {
    return read.readUser(await this.call('ISgetUser', requests.user(userId)));
  }

  async userProfiles(query: Parameters<typeof requests.userProfile>[0]) {
    return read.readUserProfiles(await this.call('ISgetUserProfile', requests.userProfile(query)));
  }

  async extensions(query: ExtensionQuery) {
    return read.readExtensions(await this.call('ISgetExtension', requests.extension(query)));
  }

  async sipExtensions(query: ExtensionQuery) {
    return read.readSipExtensions(await this.call('ISgetSipExtension', requests.sipExtension(query)));
  }

  async devices(query: DeviceQuery) {
    return read.readDevices(await this.call('ISgetDevice', requests.device(query)));
  }

  async sipDevices(query: DeviceQuery) {
    return read.readSipDevices(await this.call('ISgetSipDevice', requests.sipDevice(query)));
  }

  async eventCounts(): Promise<CmeEventCounts> {
    const counts = read.readEventCounts(await this.call('ISgetEvtCounts', requests.eventCounts()));
    if (!counts) throw new CmeError('parse', 'The router answered ISgetEvtCounts without its event counters.', this.options.server, 'ISgetEvtCounts');
    return counts;
  }

  async deviceEvents(eventIds: readonly number[]) {
    return read.readDeviceEvents(await this.call('ISgetDevEvts', requests.deviceEvents(eventIds)));
  }

  async extensionEvents(eventIds: readonly number[]) {
    return read.readExtensionEvents(await this.call('ISgetExtEvts', requests.extensionEvents(eventIds)));
  }
}
