/**
 * Readers of the CME XML API's answers, by local element name, for both shapes the documents
 * print: the 2008 guide puts the fields straight under `<response xsi:type="ISgetXResponse">`
 * (`ISgetGlobal`), the 8.5 chapter wraps them (`<response><ISGlobal>…`, `<ISDevices><ISDevice>`).
 * Both documents print booleans as `>false` (a stray `>` that is legal text in XML) and spell a
 * few names two ways (`firstname`/`firstName`, `ISDevUserName`/`ISDevUsername`,
 * `ISuserID`/`ISUserID`): each reader takes either, so a router of either generation reads alike.
 */
import { child, children, find, text, type XmlNode } from '../xml/safe-xml';
import type {
  CmeDevice,
  CmeDeviceEvent,
  CmeDirectoryEntry,
  CmeEventCounts,
  CmeExtension,
  CmeExtensionEvent,
  CmeGlobal,
  CmeLineActivity,
  CmeLineStatus,
  CmePresenceGlobal,
  CmeSessionServer,
  CmeSipGlobal,
  CmeSpeedDial,
  CmeUser,
  CmeUserProfile,
} from './types';

/** The text of the first child among `names`, the documents' stray leading `>` and spaces removed. */
export function field(node: XmlNode | undefined, ...names: string[]): string {
  for (const name of names) {
    const found = child(node, name);
    if (found) return text(found).replace(/^>+/, '').trim();
  }
  return '';
}

/** true/false, yes/no, 1/0 in any case; undefined for anything else (absent stays absent). */
export function cmeBoolean(value: string): boolean | undefined {
  const v = value.trim().toLowerCase();
  return v === 'true' || v === 'yes' || v === '1' ? true : v === 'false' || v === 'no' || v === '0' ? false : undefined;
}

function numberOf(value: string): number | undefined {
  if (!/^-?\d+$/.test(value)) return undefined;
  return Number(value);
}

const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } => (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };

/** The `<response>` element (the body under the envelope and `axl`, or the document itself). */
export function responseOf(tree: XmlNode): XmlNode | undefined {
  return find(tree, 'response');
}

/** The 8.5 wrapper (`ISGlobal`) when present, else the response itself (2008 shape). */
const body = (response: XmlNode, wrapper: string) => child(response, wrapper) ?? response;

/** Repeated records: under their list wrapper (8.5) or straight under the response (2008). */
function records(response: XmlNode, list: string, item: string): XmlNode[] {
  const wrapped = child(response, list);
  return children(wrapped ?? response, item);
}

/**
 * What a line is doing. `ISExtCallStatus` / `LineState` values seen on routers: IDLE, RINGING /
 * ALERTING, and for a call in progress CONNECTED, INUSE / IN-USE, BUSY, HOLD, OFFHOOK, DIALING …:
 * anything that is neither idle nor ringing means the line carries a call.
 */
export function lineActivity(status: string): CmeLineActivity {
  const v = status
    .trim()
    .toLowerCase()
    .replace(/[\s_-]/g, '');
  if (!v) return 'unknown';
  if (v === 'idle' || v === 'onhook') return 'idle';
  if (v === 'ringing' || v === 'alerting' || v === 'ring') return 'ringing';
  if (v === 'unknown' || v === 'invalid' || v === 'down') return 'unknown';
  return 'in-use';
}

export function readGlobal(response: XmlNode): CmeGlobal {
  const g = body(response, 'ISGlobal');
  return {
    address: field(g, 'ISAddress'),
    mode: field(g, 'ISMode'),
    version: field(g, 'ISVersion'),
    name: field(g, 'ISName'),
    voiceMail: field(g, 'ISVoiceMail'),
    ...optional('devicesRegistered', numberOf(field(g, 'ISDeviceRegistered'))),
    ...optional('configuredDevices', numberOf(field(g, 'ISConfiguredDevice'))),
    ...optional('configuredExtensions', numberOf(field(g, 'ISConfiguredExtension'))),
    ...optional('maxDevices', numberOf(field(g, 'ISMaxEphone'))),
    ...optional('maxExtensions', numberOf(field(g, 'ISMaxDN'))),
    ...optional('keepAliveSeconds', numberOf(field(g, 'ISKeepAliveInterval'))),
  };
}

export function readPresenceGlobal(response: XmlNode): CmePresenceGlobal {
  const p = body(response, 'ISPresenceGlobal');
  return {
    enabled: cmeBoolean(field(p, 'ISPresenceEnable')) ?? false,
    mode: field(p, 'ISMode'),
    allowSubscribe: cmeBoolean(field(p, 'ISAllowSub')) ?? false,
    allowWatch: cmeBoolean(field(p, 'ISAllowWatch')) ?? false,
    sipUaPresence: cmeBoolean(field(p, 'ISSipUaPresenceStatus')) ?? false,
    ...optional('maxSubscriptions', numberOf(field(p, 'ISMaxSubAllow'))),
  };
}

export function readSipGlobal(response: XmlNode): CmeSipGlobal {
  const s = body(response, 'ISSipGlobal');
  // 2008: one `ISAuthMode` ("all"); 8.5: `ISAuthModes` with one per mode.
  const modes = children(child(s, 'ISAuthModes') ?? s, 'ISAuthMode').map((m) => text(m).trim());
  return {
    address: field(s, 'ISAddress'),
    mode: field(s, 'ISMode'),
    version: field(s, 'ISVersion'),
    authModes: modes.filter(Boolean),
    ...optional('port', numberOf(field(s, 'ISPortNumber'))),
    ...optional('maxPools', numberOf(field(s, 'ISMaxPool'))),
    ...optional('maxExtensions', numberOf(field(s, 'ISMaxDN'))),
  };
}

export function readSessionServers(response: XmlNode): CmeSessionServer[] {
  return records(response, 'ISSessionServers', 'ISSessionServer').map((s) => ({
    id: field(s, 'ISSessionServerID'),
    registerId: field(s, 'ISSessionRegisterID'),
    ...optional('keepAliveSeconds', numberOf(field(s, 'ISSessionKeepAlives'))),
  }));
}

export function readUtilityDirectory(response: XmlNode): CmeDirectoryEntry[] {
  return records(response, 'ISUtilityDirectory', 'ISDirectoryEntry')
    .map((e) => ({
      tag: field(e, 'ISDirectoryTag'),
      number: field(e, 'ISDirectoryNumber'),
      firstName: field(e, 'firstName', 'firstname'),
      lastName: field(e, 'lastName', 'lastname'),
    }))
    .filter((e) => e.number || e.firstName || e.lastName);
}

export function readUser(response: XmlNode): CmeUser {
  const u = child(response, 'ISuser') ?? child(response, 'ISUser') ?? response;
  const type = numberOf(field(u, 'ISuserType', 'ISuserIDType', 'ISUserType')) ?? 0;
  return {
    id: field(u, 'ISuserID', 'ISUserID'),
    type: type === 1 || type === 2 || type === 3 ? type : 0,
    tag: numberOf(field(u, 'ISuserTag', 'ISuserIDTag', 'ISUserTag')) ?? 0,
  };
}

export function readUserProfiles(response: XmlNode): CmeUserProfile[] {
  return records(response, 'ISUserProfiles', 'ISUserProfile').map((p) => {
    const speedDials: CmeSpeedDial[] = children(child(p, 'SpeedDials'), 'SpeedDial')
      .map((s) => ({
        index: numberOf(field(s, 'SpeedDialIndex')) ?? 0,
        number: field(s, 'SpeedDialNumber'),
        label: field(s, 'SpeedDialLabel'),
        blf: cmeBoolean(field(s, 'SpeedDialBLF')) ?? false,
      }))
      .filter((s) => s.number);
    const phone = child(p, 'ISUserCurrentPhone');
    const phoneId = field(phone, 'CurrentPhoneID');
    return {
      id: field(p, 'ISUserProfileID'),
      userId: field(p, 'ISUserID', 'ISuserID'),
      speedDials,
      numbers: children(child(p, 'UserNumbers'), 'UserNumber')
        .map((n) => field(n, 'ISExtNumber'))
        .filter(Boolean),
      ...(phone && phoneId && phoneId !== '0' ? { currentPhone: { type: field(phone, 'CurrentPhoneType'), id: phoneId } } : {}),
    };
  });
}

function readExtension(e: XmlNode, kind: 'sccp' | 'sip'): CmeExtension {
  const status = field(e, 'ISExtStatus').toLowerCase();
  const callStatus = field(e, 'ISExtCallStatus');
  const deviceList = child(e, 'ISDevList') ?? child(e, 'ISSipDevList');
  const devices = [...children(deviceList, 'ISDeviceID'), ...children(deviceList, 'ISPoolID')].map((d) => text(d).trim()).filter(Boolean);
  return {
    id: field(e, 'ISExtID', 'ISVoiceRegDNID'),
    kind,
    number: field(e, 'ISExtNumber'),
    ...(status === 'up' ? { up: true } : status === 'down' ? { up: false } : {}),
    callStatus,
    activity: lineActivity(callStatus),
    firstName: field(e, 'firstName', 'firstname'),
    lastName: field(e, 'lastName', 'lastname'),
    ...optional('allowWatch', cmeBoolean(field(e, 'ISAllowWatch'))),
    ...optional('callForwardAll', field(e, 'callForwardAll') || undefined),
    devices,
  };
}

export const readExtensions = (response: XmlNode): CmeExtension[] => records(response, 'ISExtensions', 'ISExtension').map((e) => readExtension(e, 'sccp'));

export const readSipExtensions = (response: XmlNode): CmeExtension[] =>
  // The 2008 guide answers the SIP form of ISgetExtension with `ISExtension` records.
  [...records(response, 'ISSipExtensions', 'ISSipExtension'), ...records(response, 'ISExtensions', 'ISExtension')].map((e) => readExtension(e, 'sip'));

function readLines(list: XmlNode | undefined): CmeLineStatus[] {
  return children(list, 'ExtMapStatus').map((l) => {
    const state = field(l, 'LineState');
    return { lineId: field(l, 'LineId'), extensionId: field(l, 'ExtId'), number: field(l, 'ExtNumber'), state, activity: lineActivity(state) };
  });
}

function readDevice(d: XmlNode, kind: 'sccp' | 'sip'): CmeDevice {
  const status = field(d, 'ISDevStatus');
  const addr = child(d, 'ISDevAddr');
  return {
    id: field(d, 'ISDevID', 'ISPoolID'),
    kind,
    name: field(d, 'ISDevName', 'ISDevMac'),
    type: field(d, 'ISconfigDevType', 'ISDevType'),
    userName: field(d, 'ISDevUsername', 'ISDevUserName'),
    address: field(addr, 'Xipv4Address', 'XipV4Address'),
    status,
    ...(status ? { registered: status.toLowerCase() === 'registered' } : {}),
    ...optional('dnd', cmeBoolean(field(d, 'ISDevDND'))),
    lines: readLines(child(d, 'ISPhoneLineList') ?? child(d, 'ISSipPhoneLineList')),
  };
}

export const readDevices = (response: XmlNode): CmeDevice[] => records(response, 'ISDevices', 'ISDevice').map((d) => readDevice(d, 'sccp'));

export const readSipDevices = (response: XmlNode): CmeDevice[] =>
  [...records(response, 'ISSipDevices', 'ISSipDevice'), ...records(response, 'ISDevices', 'ISDevice')].map((d) => readDevice(d, 'sip'));

/** ISgetEvtCounts; undefined when the answer carries no counters (not an ISgetEvtCounts answer). */
export function readEventCounts(response: XmlNode): CmeEventCounts | undefined {
  const c = body(response, 'ISEvtCounts');
  const device = numberOf(field(c, 'ISDevEvtCount'));
  const extension = numberOf(field(c, 'ISExtEvtCount'));
  if (device === undefined || extension === undefined) return undefined;
  return { device, extension };
}

export function readDeviceEvents(response: XmlNode): CmeDeviceEvent[] {
  return records(response, 'ISDevEvents', 'ISDevEvent').map((e) => ({
    deviceId: field(e, 'ISDevID'),
    deviceName: field(e, 'ISDevName'),
    time: numberOf(field(e, 'ISDevEventTime')) ?? 0,
    type: field(e, 'ISDevEventType'),
    status: field(e, 'ISDevStatus'),
  }));
}

export function readExtensionEvents(response: XmlNode): CmeExtensionEvent[] {
  return records(response, 'ISExtEvents', 'ISExtEvent').map((e) => ({
    extensionId: field(e, 'ISExtID'),
    number: field(e, 'ISExtNumber'),
    time: numberOf(field(e, 'ISExtEventTime')) ?? 0,
    change: field(e, 'ISExtStatusChangeEvent'),
  }));
}
