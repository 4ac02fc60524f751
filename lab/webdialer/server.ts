/**
 * The lab WebDialer: answers makeCallSoap, endCallSoap and getProfileSoap in WebDialer's
 * shapes (RPC/encoded SOAP 1.1), records the calls it was asked to place, and can be made to
 * fail for tests.
 */
import http from 'node:http';
import https from 'node:https';
import { makeSelfSignedCertificate } from '../cups/certificate';
import { child, escapeXml as e, find, parseXml, text, type XmlNode } from '../../core/xml/safe-xml';
import { WEBDIALER_CODES, WEBDIALER_PATH } from '../../core/dial/webdialer';

export interface LabWebDialerUser {
  id: string;
  password: string;
  devices: { name: string; lines: string[] }[];
}

export interface RecordedCall {
  user: string;
  deviceName: string;
  lineNumber: string;
  destination: string;
  at: number;
  ended?: number;
}

export interface LabWebDialer {
  url: string;
  port: number;
  calls: RecordedCall[];
  /** With `tls`: the SHA-256 fingerprint of the certificate served. */
  certificateFingerprint?: string;
  /** Answer the next requests with this WebDialer response code (e.g. 6: unavailable). */
  failWith(code: number, times?: number): void;
  close(): Promise<void>;
}

const wrap = (operation: string, inner: string) =>
  `<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" ` +
  `xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><ns1:${operation}Response soapenv:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/" xmlns:ns1="urn:WD70">` +
  `<${operation}Return xsi:type="ns1:${operation === 'getProfileSoap' ? 'GetConfigResponse' : 'CallResponse'}">${inner}</${operation}Return></ns1:${operation}Response></soapenv:Body></soapenv:Envelope>`;

const result = (code: number) => `<responseCode xsi:type="xsd:int">${code}</responseCode><responseDescription xsi:type="xsd:string">${e(WEBDIALER_CODES[code] ?? 'Error')}</responseDescription>`;

/** What a call placed through WebDialer does on the phone system (the lab switch). */
export interface LabCallHooks {
  placed(lineNumber: string, destination: string): void;
  ended(lineNumber: string): void;
}

/**
 * `tls`: serve HTTPS with a self-signed certificate made for this run (as a CUCM would).
 * `phones`: the switch the placed calls ring through, so the caller's line shows the call.
 */
export async function startLabWebDialer(options: { users: LabWebDialerUser[]; log?: (line: string) => void; tls?: boolean; phones?: LabCallHooks }): Promise<LabWebDialer> {
  const calls: RecordedCall[] = [];
  let failure: { code: number; times: number } | undefined;

  const answer = (body: string): string => {
    const tree = parseXml(body, { what: 'WebDialer request' });
    const soapBody = find(tree, 'Body');
    const operation = ['makeCallSoap', 'endCallSoap', 'getProfileSoap'].find((op) => child(soapBody, op));
    if (!operation) return wrap('makeCallSoap', result(8));
    const op = child(soapBody, operation) as XmlNode;
    if (failure && failure.times-- > 0) return wrap(operation, result(failure.code));
    const cred = child(op, 'in0');
    const user = options.users.find((u) => u.id === text(child(cred, 'userID')).trim());
    if (!user || user.password !== text(child(cred, 'password'))) return wrap(operation, result(2));
    if (operation === 'getProfileSoap') {
      const devices = user.devices
        .map((d) => `<item><deviceName>${e(d.name)}</deviceName><lines>${d.lines.map((l) => `<item>${e(l)}</item>`).join('')}</lines></item>`)
        .join('');
      return wrap(operation, `${result(0)}<deviceInfoList>${devices}</deviceInfoList>`);
    }
    const prof = child(op, operation === 'makeCallSoap' ? 'in2' : 'in1');
    const deviceName = text(child(prof, 'deviceName')).trim();
    const lineNumber = text(child(prof, 'lineNumber')).trim();
    const device = user.devices.find((d) => d.name === deviceName);
    if (!device || (lineNumber && !device.lines.some((l) => l.split(/\s*;/)[0] === lineNumber))) return wrap(operation, result(5));
    if (operation === 'makeCallSoap') {
      const destination = text(child(op, 'in1')).trim();
      if (!destination) return wrap(operation, result(7));
      calls.push({ user: user.id, deviceName, lineNumber, destination, at: Date.now() });
      options.log?.(`lab webdialer: ${user.id} calls ${destination} from ${deviceName}`);
      options.phones?.placed(lineNumber || device.lines[0].split(/\s*;/)[0], destination);
    } else {
      const open = [...calls].reverse().find((c) => c.user === user.id && !c.ended);
      if (open) {
        open.ended = Date.now();
        options.phones?.ended(open.lineNumber || device.lines[0].split(/\s*;/)[0]);
      }
    }
    return wrap(operation, result(0));
  };

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let xml: string;
      try {
        xml = req.url?.startsWith(WEBDIALER_PATH) ? answer(Buffer.concat(chunks).toString('utf8')) : '';
      } catch {
        xml = wrap('makeCallSoap', result(8));
      }
      res.writeHead(xml ? 200 : 404, { 'Content-Type': 'text/xml; charset=utf-8' }).end(xml);
    });
  };
  const certificate = options.tls ? makeSelfSignedCertificate('Presence Desk lab WebDialer') : undefined;
  const server = certificate ? https.createServer({ key: certificate.key, cert: certificate.cert }, onRequest) : http.createServer(onRequest);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `${certificate ? 'https' : 'http'}://127.0.0.1:${port}${WEBDIALER_PATH}`,
    certificateFingerprint: certificate?.fingerprint256,
    port,
    calls,
    failWith: (code, times = 1) => (failure = { code, times }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
