/**
 * RisPort70 (CUCM's real-time information service, SOAP 1.1 at
 * `/realtimeservice2/services/RISService70`, namespace `http://schemas.cisco.com/ast/soap`):
 * whether phones are registered, since when, why not, their address and model.
 *
 * SelectCmDeviceExt takes the query (`SelectBy` Name or DirNumber and the items; no `*`
 * wildcard) and an optional StateInfo: the StateInfo of the previous answer to the identical
 * query makes RisPort answer `NoChange` with no devices when nothing changed. SelectCmDevice and
 * SelectCmDeviceExt answer in the same shape (`selectCmDeviceResponse`); the document's response
 * example also shows the StateInfo string XML-escaped inside `<StateInfo>`, which the reader
 * takes as text. The request limits (per minute, per request) are kept by `RisPortScheduler`.
 */
import type { DeskPhoneStatus } from '../../shared/domain';
import { exchange, type ExchangeOptions } from '../cups/soap';
import { children, escapeXml as e, find, text, xsBoolean, type XmlNode } from '../xml/safe-xml';

export const RISPORT_PATH = '/realtimeservice2/services/RISService70';
export const RISPORT_NS = 'http://schemas.cisco.com/ast/soap';
/** RisPort70 never returns more than 2,000 devices for one request. */
export const RISPORT_MAX_RESULTS = 2000;

/** The status reason codes of the document, in words (SelectCmDevice Status Reason Codes). */
export const RISPORT_REASONS: Record<number, string> = {
  1: 'unregistered for an unknown reason',
  6: 'network connectivity error',
  8: 'the phone reset itself',
  9: 'reset from Unified CM administration',
  10: 'the phone unregistered',
  11: 'its SIP REGISTER could not be read',
  12: 'too many events from the phone (throttled)',
  13: 'keep-alive timeout',
  14: 'configuration mismatch',
  15: 'restarted from Unified CM administration',
  16: 'registered to two servers at once',
  17: 'configuration applied by the administrator',
  18: 'the phone did not respond to a reset',
  19: 'Extension Mobility login or logout',
  20: 'Extension Mobility Cross Cluster login or logout',
  25: 'registration sequence error',
  26: 'invalid capabilities',
  28: 'falling back to a higher-priority server',
  29: 'another phone with the same name took over',
  30: 'reset to factory settings',
  31: 'forced reset after a network problem',
  33: 'battery low',
  34: 'powered off',
};

/** A few models of the document's model table, by code; others are shown as "model N". */
const MODELS: Record<number, string> = {
  7: 'Cisco 7960',
  8: 'Cisco 7940',
  115: 'Cisco 7941',
  336: 'Third-party SIP Device (Basic)',
  374: 'Third-party SIP Device (Advanced)',
  404: 'Cisco 7962',
  434: 'Cisco 7942',
  436: 'Cisco 7965',
  437: 'Cisco 7975',
  493: 'Cisco 9971',
  495: 'Cisco 6921',
  496: 'Cisco 6941',
  497: 'Cisco 6961',
  503: 'Cisco Unified Client Services Framework',
  621: 'Cisco 7821',
  622: 'Cisco 7841',
  623: 'Cisco 7861',
  683: 'Cisco 8841',
  684: 'Cisco 8851',
  685: 'Cisco 8861',
  30016: 'Cisco IP Communicator',
  30018: 'Cisco 7961',
  36213: 'Cisco 7811',
  36217: 'Cisco 8811',
  36224: 'Cisco 8845',
  36225: 'Cisco 8865',
};

export interface RisQuery {
  selectBy: 'Name' | 'DirNumber';
  items: string[];
}

export interface RisAnswer {
  devices: DeskPhoneStatus[];
  /** To pass with the identical query next time. */
  stateInfo?: string;
  /** The StateInfo given still holds: nothing changed, no devices were sent. */
  noChange: boolean;
  totalFound: number;
}

export const selectCmDeviceExtXml = (query: RisQuery, stateInfo = '') =>
  `<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:soap="${RISPORT_NS}">` +
  `<soapenv:Header/><soapenv:Body><soap:selectCmDeviceExt><soap:StateInfo>${e(stateInfo)}</soap:StateInfo><soap:CmSelectionCriteria>` +
  `<soap:MaxReturnedDevices>${RISPORT_MAX_RESULTS}</soap:MaxReturnedDevices><soap:DeviceClass>Any</soap:DeviceClass><soap:Model>255</soap:Model>` +
  `<soap:Status>Any</soap:Status><soap:NodeName></soap:NodeName><soap:SelectBy>${query.selectBy}</soap:SelectBy><soap:SelectItems>` +
  query.items.map((item) => `<soap:item><soap:Item>${e(item)}</soap:Item></soap:item>`).join('') +
  `</soap:SelectItems><soap:Protocol>Any</soap:Protocol><soap:DownloadStatus>Any</soap:DownloadStatus></soap:CmSelectionCriteria></soap:selectCmDeviceExt>` +
  `</soapenv:Body></soapenv:Envelope>`;

const field = (node: XmlNode | undefined, name: string) => text(children(node, name)[0]).trim();

function readDevice(item: XmlNode): DeskPhoneStatus | undefined {
  const name = field(item, 'Name');
  if (!name) return undefined;
  const status = field(item, 'Status') || 'Unknown';
  const registered = status.toLowerCase() === 'registered';
  const reasonCode = Number.parseInt(field(item, 'StatusReason'), 10);
  const model = Number.parseInt(field(item, 'Model'), 10);
  const stamp = Number.parseInt(field(item, 'TimeStamp'), 10);
  const ip = text(find(children(item, 'IPAddress')[0], 'IP')).trim() || field(item, 'IpAddress');
  const device: DeskPhoneStatus = { name, registered, status };
  if (!registered && Number.isInteger(reasonCode) && reasonCode > 0) {
    device.reasonCode = reasonCode;
    device.reason = RISPORT_REASONS[reasonCode] ?? `status reason ${reasonCode}`;
  }
  if (ip) device.ipAddress = ip;
  if (Number.isInteger(model)) device.model = MODELS[model] ?? `model ${model}`;
  if (Number.isFinite(stamp) && stamp > 0) device.since = stamp * 1000;
  return device;
}

/** Reads a selectCmDeviceResponse: the devices of every node (the latest record of each name). */
export function readSelectCmDevice(tree: XmlNode): RisAnswer {
  const result = find(tree, 'SelectCmDeviceResult');
  const nodes = children(find(result, 'CmNodes'), 'item');
  const byName = new Map<string, DeskPhoneStatus>();
  let noChange = nodes.length > 0;
  for (const node of nodes) {
    if (xsBoolean(field(node, 'NoChange')) !== true) noChange = false;
    for (const item of children(find(node, 'CmDevices'), 'item')) {
      const device = readDevice(item);
      if (!device) continue;
      const known = byName.get(device.name);
      if (!known || (device.since ?? 0) >= (known.since ?? 0)) byName.set(device.name, device);
    }
  }
  const stateInfo = text(find(find(tree, 'selectCmDeviceReturn') ?? tree, 'StateInfo')).trim();
  const totalFound = Number.parseInt(text(find(result, 'TotalDevicesFound')).trim(), 10);
  return {
    devices: [...byName.values()],
    ...(stateInfo ? { stateInfo } : {}),
    noChange: noChange && byName.size === 0,
    totalFound: Number.isFinite(totalFound) ? totalFound : byName.size,
  };
}

export interface RisPortOptions extends ExchangeOptions {
  /** The call-control server's origin (`https://cucm:8443`) or the service's full URL. */
  server: string;
  user: string;
  password: string;
}

export function risPortEndpoint(server: string): URL {
  const url = new URL(/^https?:\/\//i.test(server.trim()) ? server.trim() : `https://${server.trim()}`);
  url.pathname = url.pathname === '/' || url.pathname === '' || !url.pathname.includes('realtimeservice') ? RISPORT_PATH : url.pathname;
  return url;
}

export class RisPort {
  readonly endpoint: URL;
  constructor(private readonly options: RisPortOptions) {
    this.endpoint = risPortEndpoint(options.server);
  }

  /** One SelectCmDeviceExt request (the scheduler decides when). */
  async selectCmDeviceExt(query: RisQuery, stateInfo?: string): Promise<RisAnswer> {
    const { server: _server, user, password, trace, ...exchangeOptions } = this.options;
    const tree = await exchange(this.endpoint, 'selectCmDevice', selectCmDeviceExtXml(query, stateInfo), {
      ...exchangeOptions,
      ...(trace ? { trace } : {}),
      headers: {
        'Content-Type': 'text/xml; charset=utf-8',
        SOAPAction: '"http://schemas.cisco.com/ast/soap/action/#RisPort70#SelectCmDeviceExt"',
        Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
      },
    });
    return readSelectCmDevice(tree);
  }
}
