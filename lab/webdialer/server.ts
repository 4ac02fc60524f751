/**
 * The lab WebDialer: answers makeCallSoap, endCallSoap and getProfileSoap in WebDialer's
 * shapes (RPC/encoded SOAP 1.1), records the calls it was asked to place, and can be made to
 * fail for tests. The lab RisPort70 is served on the same port when given, as on a CUCM.
 */
import http from 'node:http';
import https from 'node:https';
import { makeSelfSignedCertificate } from '../cups/certificate';
import { RISPORT_SERVICE_PATH, type LabRisPort } from '../risport/risport';
import { WEBDIALER_SERVICE_PATH, deviceInfoList, readWebDialerRequest, webDialerResponse as wrap } from './webdialer-codec';

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

/** What a call placed through WebDialer does on the phone system (the lab switch). */
export interface LabCallHooks {
  placed(lineNumber: string, destination: string): void;
  ended(lineNumber: string): void;
}

/**
 * `tls`: serve HTTPS with a self-signed certificate made for this run (as a CUCM would).
 * `phones`: the switch the placed calls ring through, so the caller's line shows the call.
 */
export async function startLabWebDialer(options: {
  users: LabWebDialerUser[];
  log?: (line: string) => void;
  tls?: boolean;
  phones?: LabCallHooks;
  /** RisPort70 on the same server, as on a CUCM. */
  risport?: LabRisPort;
}): Promise<LabWebDialer> {
  const calls: RecordedCall[] = [];
  let failure: { code: number; times: number } | undefined;

  const answer = (body: string): string => {
    const request = readWebDialerRequest(body);
    if (!request) return wrap('makeCallSoap', 8);
    const { operation } = request;
    if (failure && failure.times-- > 0) return wrap(operation, failure.code);
    const user = options.users.find((u) => u.id === request.userId);
    if (!user || user.password !== request.password) return wrap(operation, 2);
    if (operation === 'getProfileSoap') return wrap(operation, 0, deviceInfoList(user.devices));
    const { deviceName, lineNumber } = request;
    const device = user.devices.find((d) => d.name === deviceName);
    if (!device || (lineNumber && !device.lines.some((l) => l.split(/\s*;/)[0] === lineNumber))) return wrap(operation, 5);
    if (operation === 'makeCallSoap') {
      const destination = request.destination;
      if (!destination) return wrap(operation, 7);
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
    return wrap(operation, 0);
  };

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (options.risport && req.url?.startsWith(RISPORT_SERVICE_PATH)) {
        const answer = options.risport.handle(Buffer.concat(chunks).toString('utf8'), req.headers.authorization);
        const headers: Record<string, string> = { 'Content-Type': 'text/xml; charset=utf-8' };
        if (answer.status === 401) headers['WWW-Authenticate'] = 'Basic realm="Cisco Unified Communications Manager"';
        res.writeHead(answer.status, headers).end(answer.xml);
        return;
      }
      let xml: string;
      try {
        xml = req.url?.startsWith(WEBDIALER_SERVICE_PATH) ? answer(Buffer.concat(chunks).toString('utf8')) : '';
      } catch {
        xml = wrap('makeCallSoap', 8);
      }
      res.writeHead(xml ? 200 : 404, { 'Content-Type': 'text/xml; charset=utf-8' }).end(xml);
    });
  };
  const certificate = options.tls ? makeSelfSignedCertificate('Presence Desk lab WebDialer') : undefined;
  const server = certificate ? https.createServer({ key: certificate.key, cert: certificate.cert }, onRequest) : http.createServer(onRequest);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `${certificate ? 'https' : 'http'}://127.0.0.1:${port}${WEBDIALER_SERVICE_PATH}`,
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
