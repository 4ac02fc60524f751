/**
 * Cisco WebDialer (SOAP, `urn:WD70`, RPC/encoded over SOAP 1.1 at
 * `/webdialer/services/WebdialerSoapService70`): place and end calls on the user's desk
 * phone, and read which devices and lines the user has.
 *
 * WebDialer answers HTTP 200 with a `responseCode`; each code is turned into words here so the
 * user sees why a call was not placed.
 */
import { escapeXml as e, find, children, text, type XmlNode } from '../xml/safe-xml';
import { exchange, type SoapClientOptions } from '../cups/soap';
import { CupsError } from '../cups/types';
import type { TraceSink } from '../trace';

export const WEBDIALER_PATH = '/webdialer/services/WebdialerSoapService70';

/** WebDialer's response codes, in words a user understands. */
export const WEBDIALER_CODES: Record<number, string> = {
  0: 'Success',
  1: 'The call could not be placed.',
  2: 'WebDialer refused the user name or password.',
  3: 'This user may not place calls for another user.',
  4: 'The directory could not be searched.',
  5: 'No phone is configured for this user, or a parameter is missing.',
  6: 'WebDialer is temporarily unavailable.',
  7: 'The number cannot be reached.',
  8: 'WebDialer reported a service error.',
  9: 'WebDialer is overloaded; try again shortly.',
};

export interface WebDialerProfile {
  user: string;
  deviceName: string;
  lineNumber: string;
}

export interface WebDialerDevice {
  deviceName: string;
  lines: string[];
}

/**
 * `server` is `cucm.example.com` or a full URL of the service; `trace` receives every
 * WebDialer request and answer, labelled `webdialer`; `trust` is the same per-server
 * certificate trust as the CUPS session's.
 */
export type WebDialerOptions = SoapClientOptions;

export function webDialerEndpoint(server: string): URL {
  const url = new URL(/^https?:\/\//i.test(server.trim()) ? server.trim() : `https://${server.trim()}`);
  if (url.pathname === '/' || url.pathname === '') url.pathname = WEBDIALER_PATH;
  return url;
}

const envelope = (body: string) =>
  `<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:WD70" ` +
  `xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Header/><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;

const credential = (tag: string, user: string, password: string) =>
  `<${tag} xsi:type="urn:Credential"><userID xsi:type="xsd:string">${e(user)}</userID><password xsi:type="xsd:string">${e(password)}</password></${tag}>`;

const profile = (tag: string, p: WebDialerProfile) =>
  `<${tag} xsi:type="urn:UserProfile"><user xsi:type="xsd:string">${e(p.user)}</user><deviceName xsi:type="xsd:string">${e(p.deviceName)}</deviceName>` +
  `<lineNumber xsi:type="xsd:string">${e(p.lineNumber)}</lineNumber><supportEM xsi:type="xsd:boolean">false</supportEM><locale xsi:type="xsd:string">English</locale>` +
  `<dontAutoClose xsi:type="xsd:boolean">true</dontAutoClose><dontShowCallConf xsi:type="xsd:boolean">true</dontShowCallConf></${tag}>`;

export const makeCallBody = (user: string, password: string, destination: string, p: WebDialerProfile) =>
  `<urn:makeCallSoap soapenv:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">${credential('in0', user, password)}` +
  `<in1 xsi:type="xsd:string">${e(destination)}</in1>${profile('in2', p)}</urn:makeCallSoap>`;
export const endCallBody = (user: string, password: string, p: WebDialerProfile) =>
  `<urn:endCallSoap soapenv:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">${credential('in0', user, password)}${profile('in1', p)}</urn:endCallSoap>`;
export const getProfileBody = (user: string, password: string) =>
  `<urn:getProfileSoap soapenv:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">${credential('in0', user, password)}<in1 xsi:type="xsd:string">${e(user)}</in1></urn:getProfileSoap>`;

/** Reads `responseCode`/`responseDescription`; a non-zero code throws with its words. */
export function readResult(tree: XmlNode, operation: string): XmlNode {
  const ret = find(tree, `${operation}Return`) ?? find(tree, `${operation}Response`);
  const code = Number(text(find(ret, 'responseCode')).trim());
  if (!ret || !Number.isInteger(code)) throw new CupsError('parse', `The WebDialer ${operation} answer could not be read.`, undefined, operation);
  if (code !== 0) {
    const description = text(find(ret, 'responseDescription')).trim();
    throw new CupsError(
      code === 2 ? 'auth' : 'soap-fault',
      WEBDIALER_CODES[code] ?? `WebDialer refused the request (code ${code}).`,
      description || `code ${code}`,
      operation,
    );
  }
  return ret;
}

export class WebDialer {
  readonly endpoint: URL;
  private readonly trace: TraceSink | undefined;
  constructor(private readonly options: WebDialerOptions) {
    this.endpoint = webDialerEndpoint(options.server);
    const sink = options.trace;
    // The SOAP client labels what it reports `soap`; WebDialer traffic is told apart in the view.
    this.trace = sink && { record: (entry) => sink.record({ ...entry, protocol: 'webdialer' }) };
  }

  private call(operation: string, body: string): Promise<XmlNode> {
    const { timeoutMs, maxResponseBytes, log, trust } = this.options;
    return exchange(this.endpoint, operation, envelope(body), { timeoutMs, maxResponseBytes, log, trust, trace: this.trace }).then((tree) =>
      readResult(tree, operation),
    );
  }

  async getProfile(): Promise<WebDialerDevice[]> {
    const ret = await this.call('getProfileSoap', getProfileBody(this.options.user, this.options.password));
    const list = find(ret, 'deviceInfoList');
    return children(list, 'item')
      .concat(children(list, 'WDDeviceInfo'))
      .map((d) => ({ deviceName: text(find(d, 'deviceName')).trim(), lines: children(find(d, 'lines'), 'item').map((l) => text(l).trim()) }))
      .filter((d) => d.deviceName);
  }

  async makeCall(destination: string, p: WebDialerProfile): Promise<void> {
    await this.call('makeCallSoap', makeCallBody(this.options.user, this.options.password, destination, p));
  }

  async endCall(p: WebDialerProfile): Promise<void> {
    await this.call('endCallSoap', endCallBody(this.options.user, this.options.password, p));
  }
}
