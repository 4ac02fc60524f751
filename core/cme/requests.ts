/**
 * Request bodies of the CME XML API, in the documents' envelope: `SOAP-ENV:Envelope` →
 * `SOAP-ENV:Body` → `axl` → `<request xsi:type="ISgetX"><ISgetX>parameters</ISgetX></request>`.
 * The documents print the envelope without namespace declarations; ours declares them so a
 * strict XML reader on the router accepts it, and the element names stay exactly as printed.
 */
import { escapeXml } from '../xml/safe-xml';

export const SOAP11_ENVELOPE_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

/** The requests the app sends (read-only: the app never configures the router). */
export type CmeOperation =
  | 'ISgetGlobal'
  | 'ISgetPresenceGlobal'
  | 'ISgetVoiceRegGlobal'
  | 'ISgetSessionServer'
  | 'ISgetUtilityDirectory'
  | 'ISgetUser'
  | 'ISgetUserProfile'
  | 'ISgetExtension'
  | 'ISgetSipExtension'
  | 'ISgetDevice'
  | 'ISgetSipDevice'
  | 'ISgetEvtCounts'
  | 'ISgetDevEvts'
  | 'ISgetExtEvts';

/** One parameter element, in the order sent (the API takes "any combination", repeated names allowed). */
export type CmeParam = readonly [name: string, value: string];

/** The keywords the 8.5 chapter accepts in `ISKeyword`. */
export type CmeKeyword = 'all' | 'allTag' | 'available';

export function cmeRequest(operation: CmeOperation, params: readonly CmeParam[] = []): string {
  const inner = params.map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`).join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<SOAP-ENV:Envelope xmlns:SOAP-ENV="${SOAP11_ENVELOPE_NS}" xmlns:xsi="${XSI_NS}">` +
    `<SOAP-ENV:Body><axl><request xsi:type="${operation}"><${operation}>${inner}</${operation}></request></axl></SOAP-ENV:Body>` +
    `</SOAP-ENV:Envelope>`
  );
}

const many = (name: string, values: readonly string[] | undefined): CmeParam[] => (values ?? []).map((v) => [name, v] as const);
const keyword = (k: CmeKeyword | undefined): CmeParam[] => (k ? [['ISKeyword', k]] : []);

/** Which extensions (SCCP ephone-dns): by tag, by number, or a keyword. */
export interface ExtensionQuery {
  ids?: readonly string[];
  numbers?: readonly string[];
  keyword?: CmeKeyword;
}

/** Which phones: by ephone tag / pool tag, by name (MAC), or a keyword. */
export interface DeviceQuery {
  ids?: readonly string[];
  names?: readonly string[];
  keyword?: CmeKeyword;
}

export const requests = {
  global: () => cmeRequest('ISgetGlobal'),
  presenceGlobal: () => cmeRequest('ISgetPresenceGlobal'),
  voiceRegGlobal: () => cmeRequest('ISgetVoiceRegGlobal'),
  sessionServers: (query: { ids?: readonly string[]; keyword?: CmeKeyword } = { keyword: 'all' }) =>
    cmeRequest('ISgetSessionServer', [...many('ISSessionServerID', query.ids), ...keyword(query.keyword)]),
  utilityDirectory: () => cmeRequest('ISgetUtilityDirectory'),
  user: (userId: string) => cmeRequest('ISgetUser', [['ISuserID', userId]]),
  userProfile: (query: { profileIds?: readonly string[]; userIds?: readonly string[]; keyword?: CmeKeyword }) =>
    cmeRequest('ISgetUserProfile', [...many('ISUserProfileID', query.profileIds), ...many('ISuserID', query.userIds), ...keyword(query.keyword)]),
  extension: (query: ExtensionQuery) =>
    cmeRequest('ISgetExtension', [...many('ISExtID', query.ids), ...many('ISExtNumber', query.numbers), ...keyword(query.keyword)]),
  sipExtension: (query: ExtensionQuery) =>
    cmeRequest('ISgetSipExtension', [...many('ISVoiceRegDNID', query.ids), ...many('ISVoiceRegNumber', query.numbers), ...keyword(query.keyword)]),
  device: (query: DeviceQuery) => cmeRequest('ISgetDevice', [...many('ISDevID', query.ids), ...many('ISDevName', query.names), ...keyword(query.keyword)]),
  sipDevice: (query: DeviceQuery) =>
    cmeRequest('ISgetSipDevice', [...many('ISPoolID', query.ids), ...many('ISPoolName', query.names), ...keyword(query.keyword)]),
  eventCounts: () => cmeRequest('ISgetEvtCounts'),
  /** The device events with these index numbers (only new ones: the poller never re-reads the table). */
  deviceEvents: (eventIds: readonly number[]) => cmeRequest('ISgetDevEvts', many('ISDevEvtID', eventIds.map(String))),
  extensionEvents: (eventIds: readonly number[]) => cmeRequest('ISgetExtEvts', many('ISExtEvtID', eventIds.map(String))),
};
