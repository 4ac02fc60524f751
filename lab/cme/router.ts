/**
 * The lab Cisco Unified CME router: its XML API on `/ios_xml_app/cme` over HTTP (or HTTPS with
 * a certificate made for the run), `xml user` credentials checked as HTTP Basic, and the state
 * of a small office whose lines change: tests set an extension in use, ringing or idle, a phone
 * registered or not, DND on or off, and each change is written to the event tables
 * (ISgetEvtCounts / ISgetDevEvts / ISgetExtEvts) as the router's XML event log would.
 *
 * Tests can also make it misbehave as a broken router or proxy would: answer a web page, a
 * fault, ten megabytes, or nothing for a while.
 */
import http from 'node:http';
import https from 'node:https';
import { randomBytes } from 'node:crypto';
import { makeSelfSignedCertificate } from '../cups/certificate';
import { cmeFault, cmeResponse, readCmeRequest, type LabCmeRequest, type LabFields } from './cme-codec';
import { LAB_CME_DIRECTORY_EXTRA, LAB_CME_PEOPLE, LAB_CME_SPEED_DIALS, LAB_CME_USER, type LabCmePerson } from './people';

export const LAB_CME_PATH = '/ios_xml_app/cme';

/** What a line is doing, as ISExtCallStatus says it. */
export type LabLineState = 'IDLE' | 'RINGING' | 'CONNECTED' | 'HOLD';

interface Line {
  tag: number;
  person: LabCmePerson;
  state: LabLineState;
  registered: boolean;
  dnd: boolean;
  changedAt: number;
}

export type LabCmeMisbehaviour = 'html' | 'fault' | 'huge' | 'slow' | 'cut';

export interface LabCmeRouter {
  url: string;
  port: number;
  /** The demo user and their password (fresh per run). */
  user: { id: string; password: string; number: string };
  people: LabCmePerson[];
  certificateFingerprint?: string;
  /** Sets what an extension is doing (by number) and logs the event. */
  setLine(number: string, state: LabLineState): void;
  setRegistered(number: string, registered: boolean): void;
  setDnd(number: string, dnd: boolean): void;
  lineState(number: string): LabLineState;
  /** Answer the next `times` requests badly (`slow`: after `slowMs`, default 30 s). */
  misbehave(mode: LabCmeMisbehaviour, times?: number, slowMs?: number): void;
  /** Every request received, in order (operation names), for tests of the poller's economy. */
  requests: LabCmeRequest[];
  /** Colleagues pick up and hang up by themselves every so many ms (the demo). */
  liven(everyMs: number): void;
  close(): Promise<void>;
}

export async function startLabCmeRouter(
  options: {
    tls?: boolean;
    log?: (line: string) => void;
    password?: string;
    /** An `xml user` that is no phone user (a management account), as `name:password`. */
    managementUser?: string;
    /**
     * The router's presence engine on, its SIP registrar at this address (a lab Kamailio, which
     * stands in for the router's own SIP side): ISgetPresenceGlobal and ISgetVoiceRegGlobal say so.
     */
    sipPresence?: { host: string; port: number };
  } = {},
): Promise<LabCmeRouter> {
  const passwords = new Map(LAB_CME_PEOPLE.map((p) => [p.id, randomBytes(9).toString('base64url')]));
  if (options.password) passwords.set(LAB_CME_USER.id, options.password);
  if (options.managementUser) {
    const [name, ...rest] = options.managementUser.split(':');
    passwords.set(name!, rest.join(':'));
  }
  const started = Date.now();
  const uptime = () => Math.floor((Date.now() - started) / 1000) + 3600;
  // Ephone-dns and voice register dns are numbered apart, each from 1 (one phone per line, same tag).
  const lines: Line[] = LAB_CME_PEOPLE.map((person) => ({
    tag: LAB_CME_PEOPLE.filter((p) => p.kind === person.kind).indexOf(person) + 1,
    person,
    state: 'IDLE',
    registered: person.id !== 'zoe',
    dnd: false,
    changedAt: uptime(),
  }));
  // ISgetGlobal reports the SCCP side; the SIP phone is ISgetVoiceRegGlobal's.
  const sccpLines = () => lines.filter((l) => l.person.kind === 'sccp');
  const devEvents: LabFields[] = [];
  const extEvents: LabFields[] = [];
  const received: LabCmeRequest[] = [];
  let misbehaviour: { mode: LabCmeMisbehaviour; times: number; slowMs: number } | undefined;
  let livenTimer: NodeJS.Timeout | undefined;

  const lineOf = (number: string) => {
    const line = lines.find((l) => l.person.number === number);
    if (!line) throw new Error(`lab CME: no extension ${number}`);
    return line;
  };
  const extEvent = (line: Line, change?: string) =>
    extEvents.push({
      ISExtID: line.tag,
      ISExtNumber: line.person.number,
      ISExtEventTime: uptime(),
      // Up/Down as the guide prints it; a call state change is logged with the new call status.
      ...(change ? { ISExtStatusChangeEvent: change } : { ISExtCallStatus: line.state }),
    });
  const devEvent = (line: Line) =>
    devEvents.push({
      ISDevID: line.tag,
      ISDevName: line.person.mac,
      ISDevEventTime: uptime(),
      ISDevEventType: 'Device',
      ISDevStatus: line.registered ? 'registered' : 'unregistered',
    });

  const extension = (l: Line): LabFields => ({
    ISExtID: l.tag,
    ISExtNumber: l.person.number,
    ISExtType: 'normal',
    ISExtStatus: l.registered ? 'up' : 'down',
    ISExtChangeTime: l.changedAt,
    ISExtUsage: l.state === 'IDLE' ? 0 : 1,
    ISExtLineMode: 'DUAL_LINE',
    ISExtCallStatus: l.state,
    ISAllowWatch: true,
    firstName: l.person.firstName,
    lastName: l.person.lastName,
    ISDevList: { ISDeviceID: l.tag },
  });
  const device = (l: Line): LabFields => ({
    ISDevID: l.tag,
    ISDevName: l.person.mac,
    ISDevType: 'Others',
    ISconfigDevType: '7965',
    ISDevUsername: l.person.id,
    ISDevAddr: { Xipv4Address: l.registered ? `10.4.188.${100 + l.tag}` : '0.0.0.0' },
    ISPhoneLineList: {
      ExtMapStatus: { LineId: 1, ExtId: l.tag, ExtNumber: l.person.number, ExtStatus: l.registered, LineState: l.state.toLowerCase() },
    },
    ISKeyPhone: false,
    ISDevStatus: l.registered ? 'registered' : 'unregistered',
    ISDevLastStatus: l.registered ? 'unregistered' : 'registered',
    ISDevChangeTime: l.changedAt,
    ISDevDND: l.dnd ? 'yes' : 'no',
  });

  const values = (req: LabCmeRequest, ...names: string[]) => req.params.filter(([n]) => names.includes(n)).map(([, v]) => v);
  /** Lines a query selects: by tag, by number, or a keyword (all, allUp, allDown). */
  const select = (req: LabCmeRequest, tagNames: string[], numberNames: string[], kind: 'sccp' | 'sip' = 'sccp') => {
    const keywords = [...values(req, 'ISKeyword'), ...values(req, ...numberNames)];
    const ofKind = lines.filter((l) => l.person.kind === kind);
    if (keywords.includes('all') || keywords.includes('allTag')) return ofKind;
    if (keywords.includes('allUp')) return ofKind.filter((l) => l.registered);
    if (keywords.includes('allDown')) return ofKind.filter((l) => !l.registered);
    const tags = values(req, ...tagNames);
    const numbers = values(req, ...numberNames);
    return ofKind.filter((l) => tags.includes(String(l.tag)) || numbers.includes(l.person.number) || numbers.includes(l.person.mac));
  };
  const byIds = (events: LabFields[], ids: string[], all: boolean) =>
    all ? events : ids.map((id) => events[Number(id) - 1]).filter((e): e is LabFields => !!e);

  function answer(req: LabCmeRequest): string {
    const me = LAB_CME_USER;
    switch (req.operation) {
      case 'ISgetGlobal':
        return cmeResponse(req.operation, {
          ISGlobal: {
            ISAddress: '127.0.0.1',
            ISMode: 'ITS',
            ISVersion: '8.6',
            ISDeviceRegistered: sccpLines().filter((l) => l.registered).length,
            ISKeepAliveInterval: 30,
            ISConfiguredDevice: sccpLines().length,
            ISConfiguredExtension: sccpLines().length,
            ISName: 'lab-cme',
            ISPortNumber: 2000,
            ISMaxEphone: 24,
            ISMaxDN: 72,
            ISVoiceMail: '2999',
          },
        });
      case 'ISgetPresenceGlobal':
        return cmeResponse(req.operation, {
          ISPresenceGlobal: {
            ISPresenceEnable: !!options.sipPresence,
            ISMode: 'cme',
            ISAllowSub: !!options.sipPresence,
            ISAllowWatch: true,
            ISMaxSubAllow: 100,
            ISSipUaPresenceStatus: !!options.sipPresence,
          },
        });
      case 'ISgetVoiceRegGlobal':
        return cmeResponse(req.operation, {
          ISSipGlobal: {
            ISAddress: options.sipPresence?.host ?? '127.0.0.1',
            ISMode: 'cme',
            ISVersion: '8.6',
            ISAuthModes: { ISAuthMode: ['register'] },
            ISPortNumber: options.sipPresence?.port ?? 5060,
            ISMaxPool: 10,
            ISMaxDN: 20,
          },
        });
      case 'ISgetSessionServer':
        return cmeResponse(req.operation, { ISSessionServers: {} });
      case 'ISgetUtilityDirectory':
        return cmeResponse(req.operation, {
          ISUtilityDirectory: {
            ISDirectoryEntry: [...LAB_CME_PEOPLE, ...LAB_CME_DIRECTORY_EXTRA].map((p, i) => ({
              ISDirectoryTag: i + 1,
              ISDirectoryNumber: p.number,
              firstName: p.firstName,
              lastName: p.lastName,
            })),
          },
        });
      case 'ISgetUser': {
        const id = values(req, 'ISuserID')[0] ?? '';
        const known = LAB_CME_PEOPLE.findIndex((p) => p.id === id);
        return cmeResponse(req.operation, { ISuser: { ISuserID: id, ISuserType: known < 0 ? 0 : 3, ISuserTag: known + 1 } });
      }
      case 'ISgetUserProfile': {
        const ids = values(req, 'ISuserID', 'ISUserID');
        const tags = values(req, 'ISUserProfileID');
        const all = values(req, 'ISKeyword').includes('all');
        const profiles = LAB_CME_PEOPLE.map((p, i) => ({ p, tag: i + 1 })).filter(({ p, tag }) => all || ids.includes(p.id) || tags.includes(String(tag)));
        return cmeResponse(req.operation, {
          ISUserProfiles: {
            ISUserProfile: profiles.map(({ p, tag }) => ({
              ISUserProfileID: tag,
              ISUserID: p.id,
              ISPrivacyButton: 'no',
              SpeedDials: {
                SpeedDial: (p.id === me.id ? LAB_CME_SPEED_DIALS : []).map((s) => ({
                  SpeedDialIndex: s.index,
                  SpeedDialNumber: s.number,
                  SpeedDialLabel: s.label,
                  SpeedDialBLF: s.blf ? 'yes' : 'no',
                })),
              },
              UserNumbers: { UserNumber: { ISExtNumber: p.number, ISExtMode: 'NORMAL', ISExtOverlayGroup: 0, ISExtCombo: 'no' } },
              ISUserCurrentPhone: { CurrentPhoneType: 'Ephone', CurrentPhoneID: tag },
            })),
          },
        });
      }
      case 'ISgetExtension':
        return cmeResponse(req.operation, { ISExtensions: { ISExtension: select(req, ['ISExtID'], ['ISExtNumber']).map(extension) } });
      case 'ISgetDevice':
        return cmeResponse(req.operation, { ISDevices: { ISDevice: select(req, ['ISDevID'], ['ISDevName']).map(device) } });
      case 'ISgetSipExtension':
        return cmeResponse(req.operation, {
          ISSipExtensions: {
            ISSipExtension: select(req, ['ISVoiceRegDNID'], ['ISVoiceRegNumber'], 'sip').map((l) => ({
              ISVoiceRegDNID: l.tag,
              ISExtNumber: l.person.number,
              ISAllowWatch: true,
              firstName: l.person.firstName,
              lastName: l.person.lastName,
              ISSipDevList: { ISPoolID: l.tag },
            })),
          },
        });
      case 'ISgetSipDevice':
        return cmeResponse(req.operation, {
          ISSipDevices: {
            ISSipDevice: select(req, ['ISPoolID'], ['ISPoolName'], 'sip').map((l) => ({
              ISPoolID: l.tag,
              ISDevMac: l.person.mac,
              ISSessionServerID: 0,
              ISDevAddr: { Xipv4Address: l.registered ? `10.4.188.${200 + l.tag}` : '0' },
              ISSipPhoneLineList: { ExtMapStatus: { LineId: 1, ExtId: l.tag, ExtNumber: l.person.number, LineState: l.state.toLowerCase() } },
              ISPoolMaxRegistration: 1,
              ISPoolDtmfRelay: 'rtp-nte',
              ISDevCodec: 'g711ulaw',
            })),
          },
        });
      case 'ISgetEvtCounts':
        return cmeResponse(req.operation, { ISDevEvtCount: devEvents.length, ISExtEvtCount: extEvents.length });
      case 'ISgetDevEvts':
        return cmeResponse(req.operation, { ISDevEvent: byIds(devEvents, values(req, 'ISDevEvtID'), values(req, 'ISDevName').includes('all')) });
      case 'ISgetExtEvts':
        return cmeResponse(req.operation, { ISExtEvent: byIds(extEvents, values(req, 'ISExtEvtID'), values(req, 'ISExtNumber').includes('all')) });
      default:
        return cmeFault(`Request ${req.operation} is not supported`);
    }
  }

  const authorised = (header: string | undefined) => {
    const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
    if (!m) return false;
    const [user, ...rest] = Buffer.from(m[1]!, 'base64').toString('utf8').split(':');
    return passwords.get(user ?? '') === rest.join(':');
  };

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url?.split('?')[0] !== LAB_CME_PATH) {
        res.writeHead(404, { 'Content-Type': 'text/html' }).end('<html><body><h1>Not Found</h1></body></html>');
        return;
      }
      if (!authorised(req.headers.authorization)) {
        res
          .writeHead(401, { 'WWW-Authenticate': 'Basic realm="level_15 or view_access"', 'Content-Type': 'text/html' })
          .end('<html><body>401 Unauthorized</body></html>');
        return;
      }
      const request = readCmeRequest(Buffer.concat(chunks).toString('utf8'));
      if (!request) {
        res.writeHead(200, { 'Content-Type': 'text/xml' }).end(cmeFault('XML parse error'));
        return;
      }
      received.push(request);
      const bad = misbehaviour && misbehaviour.times-- > 0 ? misbehaviour : undefined;
      const xml = answer(request);
      if (!bad) {
        res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' }).end(xml);
        return;
      }
      options.log?.(`lab cme: answering ${request.operation} with ${bad.mode}`);
      if (bad.mode === 'html')
        res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html><head><title>Login</title></head><body>Please log in</body></html>');
      else if (bad.mode === 'fault') res.writeHead(500, { 'Content-Type': 'text/xml' }).end(cmeFault('Request queue full, try again later'));
      else if (bad.mode === 'cut') res.writeHead(200, { 'Content-Type': 'text/xml' }).end(xml.slice(0, Math.floor(xml.length / 2)));
      else if (bad.mode === 'huge') {
        res.writeHead(200, { 'Content-Type': 'text/xml' });
        const filler = `<ISExtension><ISExtNumber>${'9'.repeat(1000)}</ISExtNumber></ISExtension>`;
        res.write(xml.slice(0, xml.indexOf('</response>')));
        // 10 MB and more, written as the client reads it (it should stop reading at its cap).
        let sent = 0;
        const more = () => {
          while (sent < 11 * 1024 * 1024) {
            sent += filler.length;
            if (!res.write(filler)) return void res.once('drain', more);
          }
          res.end('</response></axl></SOAP-ENV:Body></SOAP-ENV:Envelope>');
        };
        res.on('error', () => undefined);
        more();
      } else {
        const timer = setTimeout(() => res.writeHead(200, { 'Content-Type': 'text/xml' }).end(xml), bad.slowMs);
        res.on('close', () => clearTimeout(timer));
      }
    });
  };

  const certificate = options.tls ? makeSelfSignedCertificate('Presence Desk lab CME router') : undefined;
  const server = certificate ? https.createServer({ key: certificate.key, cert: certificate.cert }, onRequest) : http.createServer(onRequest);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;

  const setLine = (number: string, state: LabLineState) => {
    const line = lineOf(number);
    if (line.state === state) return;
    line.state = state;
    line.changedAt = uptime();
    extEvent(line);
    options.log?.(`lab cme: ${number} ${state}`);
  };

  return {
    url: `${certificate ? 'https' : 'http'}://127.0.0.1:${port}${LAB_CME_PATH}`,
    port,
    user: { id: LAB_CME_USER.id, password: passwords.get(LAB_CME_USER.id)!, number: LAB_CME_USER.number },
    people: LAB_CME_PEOPLE,
    ...(certificate ? { certificateFingerprint: certificate.fingerprint256 } : {}),
    setLine,
    setRegistered: (number, registered) => {
      const line = lineOf(number);
      if (line.registered === registered) return;
      line.registered = registered;
      if (!registered) line.state = 'IDLE';
      line.changedAt = uptime();
      devEvent(line);
      extEvent(line, registered ? 'Up' : 'Down');
    },
    setDnd: (number, dnd) => {
      const line = lineOf(number);
      if (line.dnd === dnd) return;
      line.dnd = dnd;
      devEvent(line);
    },
    lineState: (number) => lineOf(number).state,
    misbehave: (mode, times = 1, slowMs = 30_000) => (misbehaviour = { mode, times, slowMs }),
    requests: received,
    liven: (everyMs) => {
      clearInterval(livenTimer);
      let turn = 0;
      livenTimer = setInterval(() => {
        // Colleagues 2003–2008 take turns on calls; the demo user's own line and 2002 stay for tests.
        const line = lines[2 + (turn++ % 6)]!;
        if (line.registered) setLine(line.person.number, line.state === 'IDLE' ? 'CONNECTED' : 'IDLE');
      }, everyMs);
      livenTimer.unref();
    },
    close: () =>
      new Promise((resolve) => {
        clearInterval(livenTimer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
