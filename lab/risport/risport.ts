/**
 * The lab RisPort70 (CUCM real-time information service), written from the RisPort70 document
 * with its own SOAP codec, apart from the client's (core/dial/risport.ts). It is served beside
 * the lab WebDialer (one CUCM, one HTTP port), answers SelectCmDevice and SelectCmDeviceExt by
 * Name or DirNumber with the document's response shape, keeps StateInfo per identical query
 * (NoChange when nothing changed), caps results at 2,000, asks for HTTP Basic credentials,
 * and refuses requests beyond `perMinute` in any minute with the throttling SOAP fault.
 */
import { descendant, elements, readLabXml, textOf, xmlText as e, type LabXmlNode } from '../xml/lab-xml';

export const RISPORT_SERVICE_PATH = '/realtimeservice2/services/RISService70';
const NS = 'http://schemas.cisco.com/ast/soap';
const NODE = 'cucm-lab';
const SUBSYSTEM_START = 1764662400;
const MAX_RESULTS = 2000;

export interface LabPhoneDevice {
  name: string;
  owner: string;
  lines: string[];
  status: 'Registered' | 'UnRegistered' | 'Rejected';
  /** RisPort StatusReason (0 when registered; 13 keep-alive timeout …). */
  reason: number;
  /** Epoch seconds of the last status change. */
  timeStamp: number;
  ip: string;
  /** Model code of the document's model table (497: Cisco 6961). */
  model: number;
}

export interface LabRisPort {
  devices: Map<string, LabPhoneDevice>;
  /** Requests answered or refused, with their time, for tests. */
  requests: Array<{ at: number; items: string[]; stateInfo: string; refused?: boolean }>;
  /** Requests accepted per minute (the Enterprise Parameter; 15 by default). */
  perMinute: number;
  /** A phone unregisters (`reason` a status reason code) or registers again (reason 0). */
  setStatus(name: string, status: LabPhoneDevice['status'], reason: number, at?: Date): void;
  /** Answers one HTTP request for the service path: status, body. */
  handle(body: string, authorization: string | undefined): { status: number; xml: string };
}

const envelope = (inner: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ` +
  `xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>${inner}</soapenv:Body></soapenv:Envelope>`;

const fault = (code: string, text: string) =>
  envelope(`<soapenv:Fault><faultcode>${code}</faultcode><faultstring>${e(text)}</faultstring><detail/></soapenv:Fault>`);

const deviceXml = (d: LabPhoneDevice) =>
  `<item><Name>${e(d.name)}</Name><DirNumber>${e(d.lines.map((l) => `${l}-${d.status}`).join(','))}</DirNumber><DeviceClass>Phone</DeviceClass>` +
  `<Model>${d.model}</Model><Product>384</Product><BoxProduct>0</BoxProduct><Httpd>Yes</Httpd><RegistrationAttempts>0</RegistrationAttempts>` +
  `<IsCtiControllable>true</IsCtiControllable><LoginUserId>${e(d.owner)}</LoginUserId><Status>${d.status}</Status><StatusReason>${d.reason}</StatusReason>` +
  `<PerfMonObject>2</PerfMonObject><DChannel>0</DChannel><Description>${e(d.name)}</Description><H323Trunk><ConfigName/><TechPrefix/><Zone/>` +
  `<RemoteCmServer1/><RemoteCmServer2/><RemoteCmServer3/><AltGkList/><ActiveGk/><CallSignalAddr/><RasAddr/></H323Trunk><TimeStamp>${d.timeStamp}</TimeStamp>` +
  `<Protocol>SIP</Protocol><NumOfLines>${d.lines.length}</NumOfLines><LinesStatus>` +
  d.lines.map((l) => `<item><DirectoryNumber>${e(l)}</DirectoryNumber><Status>${d.status}</Status></item>`).join('') +
  `</LinesStatus><ActiveLoadID>sip88xx.14-1-1-0001-136</ActiveLoadID><InactiveLoadID/><DownloadStatus>Unknown</DownloadStatus><DownloadFailureReason/>` +
  `<DownloadServer/><IPAddress><item><IP>${e(d.ip)}</IP><IPAddrType>ipv4</IPAddrType><Attribute>AdministrativeAndSignaling</Attribute></item></IPAddress></item>`;

/** The StateInfo string of the document's example, XML-escaped inside its element "by design". */
const stateInfoXml = (stateId: number, found: number) =>
  e(
    `<StateInfo ClusterWide="1"><Node Name="${NODE}" SubsystemStartTime="${SUBSYSTEM_START}" StateId="${stateId}" TotalItemsFound="${found}" TotalItemsReturned="${found}"/></StateInfo>`,
  );

export function createLabRisPort(options: {
  users: Array<{ id: string; password: string }>;
  devices: LabPhoneDevice[];
  perMinute?: number;
  now?: () => number;
}): LabRisPort {
  const now = options.now ?? Date.now;
  const devices = new Map(options.devices.map((d) => [d.name, d]));
  const requests: LabRisPort['requests'] = [];
  /** Bumped at each status change: a query's StateInfo names the state it saw. */
  let stateId = 1;
  const self: LabRisPort = {
    devices,
    requests,
    perMinute: options.perMinute ?? 15,
    setStatus(name, status, reason, at = new Date(now())) {
      const d = devices.get(name);
      if (!d) throw new Error(`lab risport: no device ${name}`);
      Object.assign(d, { status, reason: status === 'Registered' ? 0 : reason, timeStamp: Math.floor(at.getTime() / 1000) });
      stateId += 1;
    },
    handle(body, authorization) {
      const [user, password] = Buffer.from((authorization ?? '').replace(/^Basic\s+/i, ''), 'base64')
        .toString('utf8')
        .split(/:(.*)/s);
      if (!options.users.some((u) => u.id === user && u.password === password)) return { status: 401, xml: '' };
      let tree: LabXmlNode;
      try {
        tree = readLabXml(body, 'RisPort70 request');
      } catch (error) {
        return { status: 500, xml: fault('soapenv:Client', (error as Error).message) };
      }
      const request = descendant(tree, 'selectCmDeviceExt') ?? descendant(tree, 'selectCmDevice');
      if (!request) return { status: 500, xml: fault('soapenv:Client', 'No such operation') };
      const criteria = descendant(request, 'CmSelectionCriteria');
      const selectBy = textOf(descendant(criteria, 'SelectBy')).trim() || 'Name';
      const items = elements(descendant(criteria, 'SelectItems'), 'item').map((i) => textOf(descendant(i, 'Item') ?? i).trim());
      const given = textOf(descendant(request, 'StateInfo')).trim();
      const recent = requests.filter((r) => r.at > now() - 60_000 && !r.refused).length;
      if (recent >= self.perMinute) {
        requests.push({ at: now(), items, stateInfo: given, refused: true });
        return {
          status: 500,
          xml: fault(
            'soapenv:Server.generalException',
            `AxisFault: Exceeded allowed rate for Reatime information. Current allowed rate for realtime information is ${self.perMinute} requests per minute.Exceeded prescribed rate of requests.`,
          ),
        };
      }
      requests.push({ at: now(), items, stateInfo: given });
      if (items.some((i) => i.includes('*')) && descendant(tree, 'selectCmDeviceExt'))
        return { status: 500, xml: fault('soapenv:Server.userException', 'SelectCmDeviceExt does not support the * wildcard') };
      const wanted = new Set(items.map((i) => i.toUpperCase()));
      const found = [...devices.values()]
        .filter((d) => (selectBy === 'DirNumber' ? d.lines.some((l) => wanted.has(l.toUpperCase())) : wanted.has(d.name.toUpperCase())))
        .slice(0, MAX_RESULTS);
      const current = stateInfoXml(stateId, found.length);
      const same =
        given !== '' &&
        given ===
          `<StateInfo ClusterWide="1"><Node Name="${NODE}" SubsystemStartTime="${SUBSYSTEM_START}" StateId="${stateId}" TotalItemsFound="${found.length}" TotalItemsReturned="${found.length}"/></StateInfo>`;
      const node = `<item><ReturnCode>Ok</ReturnCode><Name>${NODE}</Name><NoChange>${same}</NoChange><CmDevices>${same ? '' : found.map(deviceXml).join('')}</CmDevices></item>`;
      return {
        status: 200,
        xml: envelope(
          `<ns1:selectCmDeviceResponse xmlns:ns1="${NS}"><selectCmDeviceReturn><SelectCmDeviceResult><TotalDevicesFound>${same ? 0 : found.length}</TotalDevicesFound>` +
            `<CmNodes>${node}</CmNodes></SelectCmDeviceResult><StateInfo>${current}</StateInfo></selectCmDeviceReturn></ns1:selectCmDeviceResponse>`,
        ),
      };
    },
  };
  return self;
}
