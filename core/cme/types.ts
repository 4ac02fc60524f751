/**
 * Typed values of the Cisco Unified CME XML API (the `ISxxx` requests over IXI,
 * `http://<router>/ios_xml_app/cme`), as the two CME documents describe them. Every field a
 * router may leave out is optional; numbers the documents print as counters stay numbers.
 */
import type { AppErrorCode, ServerCertificate } from '../../shared/domain';
import { DeskError } from '../errors';

/** Every failure of a CME request, with a stable code, the words to show and the request that failed. */
export class CmeError extends DeskError {
  constructor(
    code: AppErrorCode,
    message: string,
    detail?: string,
    readonly operation?: string,
    certificate?: ServerCertificate,
  ) {
    super(code, message, detail, certificate);
    this.name = 'CmeError';
  }
}

/** ISgetGlobal: the router's SCCP side (Table 1: ISGlobal). */
export interface CmeGlobal {
  address: string;
  mode: string;
  version: string;
  name: string;
  devicesRegistered?: number;
  configuredDevices?: number;
  configuredExtensions?: number;
  maxDevices?: number;
  maxExtensions?: number;
  voiceMail: string;
  keepAliveSeconds?: number;
}

/** ISgetPresenceGlobal: whether the router's presence engine serves SIP presence. */
export interface CmePresenceGlobal {
  enabled: boolean;
  mode: string;
  allowSubscribe: boolean;
  allowWatch: boolean;
  maxSubscriptions?: number;
  sipUaPresence: boolean;
}

/** ISgetVoiceRegGlobal: the router as SIP registrar (ISSipGlobal). */
export interface CmeSipGlobal {
  address: string;
  mode: string;
  version: string;
  port?: number;
  authModes: string[];
  maxPools?: number;
  maxExtensions?: number;
}

/** ISgetSessionServer: one session server (ISSessionServer). */
export interface CmeSessionServer {
  id: string;
  registerId: string;
  keepAliveSeconds?: number;
}

/** One entry of the local directory (ISgetUtilityDirectory). */
export interface CmeDirectoryEntry {
  tag: string;
  number: string;
  firstName: string;
  lastName: string;
}

/** ISgetUser: how a user name is configured (0 invalid, 1 ephone user, 2 logout profile, 3 user profile). */
export interface CmeUser {
  id: string;
  type: 0 | 1 | 2 | 3;
  tag: number;
}

export interface CmeSpeedDial {
  index: number;
  number: string;
  label: string;
  blf: boolean;
}

/** ISgetUserProfile: the user's numbers, speed dials and the phone they are logged in at. */
export interface CmeUserProfile {
  id: string;
  userId: string;
  speedDials: CmeSpeedDial[];
  numbers: string[];
  currentPhone?: { type: string; id: string };
}

/** What a line is doing, as ISExtCallStatus / LineState say it, reduced to what the app shows. */
export type CmeLineActivity = 'idle' | 'ringing' | 'in-use' | 'unknown';

/** ISgetExtension / ISgetSipExtension: one directory number. */
export interface CmeExtension {
  /** ISExtID (SCCP ephone-dn tag) or ISVoiceRegDNID (SIP voice register dn tag). */
  id: string;
  kind: 'sccp' | 'sip';
  number: string;
  /** ISExtStatus: `up` (a registered phone carries it) or `down`; absent for SIP. */
  up?: boolean;
  /** ISExtCallStatus as sent (IDLE, RINGING, CONNECTED …), '' when absent. */
  callStatus: string;
  activity: CmeLineActivity;
  firstName: string;
  lastName: string;
  allowWatch?: boolean;
  callForwardAll?: string;
  /** The phones (ISDeviceID or ISPoolID) the number appears on. */
  devices: string[];
}

/** One line of a phone (ExtMapStatus). */
export interface CmeLineStatus {
  lineId: string;
  extensionId: string;
  number: string;
  state: string;
  activity: CmeLineActivity;
}

/** ISgetDevice / ISgetSipDevice: one phone. */
export interface CmeDevice {
  /** ISDevID (ephone tag) or ISPoolID (voice register pool). */
  id: string;
  kind: 'sccp' | 'sip';
  name: string;
  type: string;
  userName: string;
  address: string;
  /** ISDevStatus (SCCP): registered, unregistered, deceased …; '' for SIP. */
  status: string;
  registered?: boolean;
  dnd?: boolean;
  lines: CmeLineStatus[];
}

export interface CmeEventCounts {
  device: number;
  extension: number;
}

export interface CmeDeviceEvent {
  deviceId: string;
  deviceName: string;
  time: number;
  type: string;
  status: string;
}

export interface CmeExtensionEvent {
  extensionId: string;
  number: string;
  time: number;
  /** ISExtStatusChangeEvent (Up / Down) when the event says so. */
  change: string;
}

/** The site's configuration as Settings → Account shows it. */
export interface CmeSiteConfig {
  global?: CmeGlobal;
  presence?: CmePresenceGlobal;
  sip?: CmeSipGlobal;
  sessionServers: CmeSessionServer[];
  /** What could not be read, in words (the router may not run SIP at all). */
  problems: string[];
}
